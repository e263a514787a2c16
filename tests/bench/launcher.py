"""The server under test: `create_app(settings)` plus the raw baseline routes, one process.

    python -m tests.bench.launcher --database-url URL --port PORT --secret-key KEY

uvicorn with httptools and uvloop, one worker, no access log, on 127.0.0.1 only; the
server's own JSON log lines go to stderr (run.py sends them to a file). The baseline
shares the process, the event loop, the middleware and the session check with GraphQL.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Route

from resolvers.platform import signing
from resolvers.platform.settings import Settings
from schema import build_schema
from server import configure_logging, create_app
from tests.bench import baseline, staff_desk
from tests.bench.serving import serve


def settings_for(
    *,
    database_url: str,
    port: int,
    secret_key: str,
    app_env: str,
    smtp_port: int,
    sms_port: int,
    hashing_concurrency: int | None = None,
) -> Settings:
    """Production settings on loopback; nothing in the benchmark sends mail or SMS."""
    tuned = {} if hashing_concurrency is None else {"hashing_concurrency": hashing_concurrency}
    # The letters the benchmark's reviews issue are signed like production's, with a pair kept
    # for the benchmark in the temporary folder.
    key_file, cert_file = signing.development_pair(Path(tempfile.gettempdir()) / "gosi-bench-signing")
    settings = Settings(
        app_env=app_env,
        signing_key_file=str(key_file),
        signing_cert_file=str(cert_file),
        host="127.0.0.1",
        port=port,
        database_url=database_url,
        secret_key=secret_key,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        sms_webhook_url=f"http://127.0.0.1:{sms_port}/sms",
        **tuned,
    )
    settings.check()
    return settings


def graphql_core_route(app: Starlette, *, production: bool) -> Route:
    """POST /core/graphql: the product's own view and rules with every document run by
    graphql-core's executor instead of its compiled plan, the side the plans are measured
    against."""
    view = next(route.endpoint for route in app.router.routes
                if isinstance(route, Route) and route.path == "/graphql")
    schema = build_schema(production=production)
    schema.executor.compiled = False  # type: ignore[attr-defined]
    core_view = copy.copy(view)
    core_view.schema = schema
    return Route("/core/graphql", core_view, methods=["POST"])


def settings_from_arguments(argv: list[str] | None, description: str) -> Settings:
    """The launchers' command line: where the database is, the port and the secret."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--app-env", default="production")
    parser.add_argument("--smtp-port", type=int, default=9)
    parser.add_argument("--sms-port", type=int, default=9)
    parser.add_argument("--hashing-concurrency", type=int, default=None)
    args = parser.parse_args(argv)
    return settings_for(
        database_url=args.database_url,
        port=args.port,
        secret_key=args.secret_key,
        app_env=args.app_env,
        smtp_port=args.smtp_port,
        sms_port=args.sms_port,
        hashing_concurrency=args.hashing_concurrency,
    )


def main(argv: list[str] | None = None) -> None:
    settings = settings_from_arguments(argv, __doc__.splitlines()[0])
    configure_logging(production=settings.production)
    app = create_app(settings)
    app.router.routes.extend(baseline.routes(app.state.runtime))
    app.router.routes.extend(staff_desk.routes(app.state.runtime))
    app.router.routes.append(graphql_core_route(app, production=settings.production))
    serve(app, port=settings.port)


if __name__ == "__main__":
    main()
