"""Offline GraphiQL page: vendored assets in ``graphiql/``, served without any CDN."""

from functools import cache
from pathlib import Path

from starlette.staticfiles import StaticFiles

GRAPHIQL_DIR: Path = Path(__file__).resolve().parent / "graphiql"


@cache
def graphiql_html() -> str:
    return (GRAPHIQL_DIR / "index.html").read_text(encoding="utf-8")


def static_app() -> StaticFiles:
    """ASGI app for the assets; server.py mounts it at ``/graphiql/static``."""
    return StaticFiles(directory=GRAPHIQL_DIR)
