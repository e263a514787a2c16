"""Logging through structlog: JSON lines in production, readable lines in development.

Our own lines (`structlog.stdlib.get_logger(...)`) and those of the libraries (uvicorn,
Tortoise, Strawberry) through the standard `logging` module end in the same handler and
get the same fields: time, level, logger, and the request's context (request id, member
id) that the HTTP layer binds once per request with structlog's contextvars.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger


def drop_color_message(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    """uvicorn repeats each message with ANSI colours in `color_message`."""
    event.pop("color_message", None)
    return event


# Both our lines and the libraries' stdlib records go through these first.
SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
]


def _dumps(event: EventDict, **kwargs: Any) -> str:
    return orjson.dumps(event, default=str).decode()


def renderer(*, production: bool) -> Processor:
    if production:
        return structlog.processors.JSONRenderer(serializer=_dumps)
    # Plain tracebacks: rich's would print every frame's locals, passwords included.
    return structlog.dev.ConsoleRenderer(
        colors=sys.stderr.isatty(), timestamp_key="time", exception_formatter=structlog.dev.plain_traceback
    )


def formatter(*, production: bool) -> structlog.stdlib.ProcessorFormatter:
    """Renders any LogRecord, from structlog or from a library, as one line."""
    final: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if production:
        final.append(structlog.processors.format_exc_info)
    final.append(renderer(production=production))
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder(), drop_color_message],
        processors=final,
    )


def configure_structlog() -> None:
    """structlog hands every event to the standard logging module, which renders it; safe to
    call more than once."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def configure_logging(*, production: bool, level: int = logging.INFO) -> None:
    """One handler on the root logger; uvicorn's loggers hand their records to it too."""
    configure_structlog()
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(production=production))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
