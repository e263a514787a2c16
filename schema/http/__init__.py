"""The web server: app, view, middleware, downloads, GraphiQL, metrics and tracing endpoints."""
