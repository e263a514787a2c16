"""Authentication and workflow events, one structured log line each. Never a secret."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

import structlog

log = structlog.stdlib.get_logger("gosi.audit")


def record(event: str, **fields: Any) -> None:
    """Any field name is fine (`message`, `name`, `module`...): fields are the line's keys,
    never attributes of a LogRecord."""
    log.info(event, **{k: _plain(v) for k, v in fields.items()})


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
