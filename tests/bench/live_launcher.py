"""The bench's server for part 6 (live events): tests.bench.launcher's app, with room for
1,000 sockets of one staff account.

    python -m tests.bench.live_launcher --database-url URL --port PORT --secret-key KEY
"""

from __future__ import annotations

import dataclasses

from server import configure_logging, create_app
from tests.bench.launcher import settings_from_arguments
from tests.bench.serving import serve

SOCKETS_PER_MEMBER = 2_000


def main(argv: list[str] | None = None) -> None:
    settings = dataclasses.replace(
        settings_from_arguments(argv, __doc__.splitlines()[0]),
        live_sockets_per_member=SOCKETS_PER_MEMBER,
    )
    configure_logging(production=settings.production)
    serve(create_app(settings), port=settings.port, ws="websockets-sansio")


if __name__ == "__main__":
    main()
