"""What the rules need from the running server, built once at start-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from resolvers.access_log import AccessLog
from resolvers.delivery import Outbox, senders_for, utcnow
from resolvers.passwords import Passwords
from resolvers.settings import Settings
from resolvers.throttle import Throttle
from resolvers.tokens import Keyring


@dataclass
class Runtime:
    settings: Settings
    keyring: Keyring
    passwords: Passwords
    throttle: Throttle
    outbox: Outbox
    clock: Callable[[], dt.datetime] = field(default=utcnow)
    access_log: AccessLog = field(default_factory=AccessLog)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        # Dates of birth and events are Saudi calendar dates.
        return (self.clock() + dt.timedelta(hours=3)).date()

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        keyring = Keyring(settings.secret_key)
        return cls(
            settings=settings,
            keyring=keyring,
            passwords=Passwords(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                parallelism=settings.argon2_parallelism,
                concurrency=settings.hashing_concurrency,
            ),
            throttle=Throttle(settings.redis_url),
            outbox=Outbox(keyring=keyring, senders=senders_for(settings)),
        )
