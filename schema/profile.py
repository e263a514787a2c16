"""PLACEHOLDER until the profile issue lands."""

QUERIES: tuple[type, ...] = ()
MUTATIONS: tuple[type, ...] = ()
