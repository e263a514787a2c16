"""Who is on the other end of a request: the address and the device named from the User-Agent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ua_parser

UNKNOWN_BROWSER = "Unknown browser"
UNKNOWN_SYSTEM = "unknown system"


@dataclass(frozen=True)
class Client:
    ip_address: str
    user_agent: str = ""

    @property
    def device(self) -> str:
        return device_name(self.user_agent)


@lru_cache(maxsize=2048)
def device_name(user_agent: str) -> str:
    """Browser and system, e.g. "Firefox on Linux"; the version numbers are left out, so an
    update is not a new device."""
    parsed = ua_parser.parse(user_agent[:512]) if user_agent else None
    browser = parsed.user_agent.family if parsed and parsed.user_agent else UNKNOWN_BROWSER
    system = parsed.os.family if parsed and parsed.os else UNKNOWN_SYSTEM
    if browser == "Other":
        browser = UNKNOWN_BROWSER
    if system == "Other":
        system = UNKNOWN_SYSTEM
    return f"{browser} on {system}"[:120]
