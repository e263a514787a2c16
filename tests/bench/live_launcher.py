"""The bench's server for part 6 (live events): tests.bench.launcher's app, with room for
1,000 sockets of one staff account.

    python -m tests.bench.live_launcher --database-url URL --port PORT --secret-key KEY
"""

from __future__ import annotations

import argparse
import dataclasses

import uvicorn

from server import configure_logging, create_app
from tests.bench.launcher import settings_for

SOCKETS_PER_MEMBER = 2_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--app-env", default="production")
    parser.add_argument("--unused-port", type=int, default=9)
    parser.add_argument("--hashing-concurrency", type=int, default=None)
    args = parser.parse_args(argv)

    settings = dataclasses.replace(
        settings_for(database_url=args.database_url, port=args.port, secret_key=args.secret_key,
                     app_env=args.app_env, unused_port=args.unused_port,
                     hashing_concurrency=args.hashing_concurrency),
        live_sockets_per_member=SOCKETS_PER_MEMBER,
    )
    configure_logging(production=settings.production)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, access_log=False,
                log_config=None, http="httptools", loop="uvloop", lifespan="on",
                ws="websockets-sansio")


if __name__ == "__main__":
    main()
