"""Authentication and workflow events, one structured log line each. Never a secret."""

from __future__ import annotations

import logging
import uuid
from enum import Enum
from typing import Any

log = logging.getLogger("gosi.audit")


def record(event: str, **fields: Any) -> None:
    log.info(event, extra={"event": event, **{k: _plain(v) for k, v in fields.items()}})


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
