"""Service requests: the catalog, details, workflow, staff search, loaders."""
