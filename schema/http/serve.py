"""`python server.py`: uvicorn with a graceful SIGTERM.

On SIGTERM (or Ctrl-C) the server stops accepting connections, the outbox stops claiming
messages, requests in flight finish (up to SHUTDOWN_TIMEOUT_SECONDS), the outbox finishes
the messages in hand, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType

import structlog
import uvicorn

from resolvers.platform.settings import Settings
from schema.http.app import create_app

log = structlog.stdlib.get_logger("gosi.server")


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None], where_to_go: str) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._where_to_go = where_to_go
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            log.info(self._where_to_go)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None:
            # Signal handlers run between two steps of the loop: hand the stop to the loop.
            self._loop.call_soon_threadsafe(self._on_exit)


def serve(settings: Settings) -> None:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        http="httptools",
        loop="uvloop",
        # X-Forwarded-For is believed only from the proxies the operator names: uvicorn's own
        # default trusts any client on the loopback, which may be anyone on a shared host.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=list(settings.forwarded_allow_ips),
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds) or 1,
        # Subscriptions: messages as small as JSON bodies; a peer that stops answering the
        # WebSocket's own pings is dropped (the app pings over graphql-transport-ws too).
        ws="websockets-sansio",
        ws_max_size=100 * 1024,
        ws_ping_interval=20,
        ws_ping_timeout=20,
    )
    # uvicorn raises the signal again once it has shut down, with the handler it found:
    # ignoring SIGTERM here makes a clean shutdown exit 0 instead of dying of the signal.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    GracefulServer(config, on_exit=app.state.runtime.outbox.stop, where_to_go=where_to_go(settings)).run()


def where_to_go(settings: Settings) -> str:
    """The line a newcomer reads once the server is up."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    url = f"http://{host}:{settings.port}/graphql"
    if settings.production:
        return f"Serving GraphQL at {url}"
    line = f"GraphiQL: open {url} in a browser"
    unset = [name for name, value in (("SMTP_HOST", settings.smtp_host),
                                      ("SMS_WEBHOOK_URL", settings.sms_webhook_url)) if not value]
    if unset:
        line += (f"; without {' and '.join(unset)}, codes and notices are written to this log "
                 "under gosi.dev_mailbox")
    return line
