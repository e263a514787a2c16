"""What the rules need from the running server, built once at start-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resolvers.platform.deferred import Deferred
from resolvers.platform.delivery import Outbox, senders_for, utcnow
from resolvers.platform.encryption import FileCipher
from resolvers.platform.keys import Keyring
from resolvers.platform.links import LinkSigner
from resolvers.platform.live.hub import Hub
from resolvers.platform.passwords import Passwords
from resolvers.platform.settings import Settings
from resolvers.platform.signing import Signer, signer_for
from resolvers.platform.store import DocumentStore, store_for
from resolvers.platform.throttle import Throttle
from resolvers.security.access_log import AccessLog

# Where development keeps what it makes for itself (the SQLite file, the signing pair).
DATA_FOLDER = Path("data")


@dataclass
class Runtime:
    settings: Settings
    keyring: Keyring
    passwords: Passwords
    throttle: Throttle
    outbox: Outbox
    store: DocumentStore
    cipher: FileCipher
    links: LinkSigner
    signer: Signer
    live: Hub = field(default_factory=Hub)
    clock: Callable[[], dt.datetime] = field(default=utcnow)
    access_log: AccessLog = field(default_factory=AccessLog)
    deferred: Deferred = field(default_factory=Deferred)

    def __post_init__(self) -> None:
        # One clock for the rules and the access log: a clock moved in a test moves both.
        self.access_log.clock = self.now

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        # Dates of birth and events are Saudi calendar dates.
        return (self.clock() + dt.timedelta(hours=3)).date()

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        keyring = Keyring(settings.secret_key, settings.secret_key_previous)
        runtime = cls(
            settings=settings,
            keyring=keyring,
            passwords=Passwords(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                parallelism=settings.argon2_parallelism,
                concurrency=settings.hashing_concurrency,
            ),
            throttle=Throttle(settings.redis_url),
            outbox=Outbox(
                keyring=keyring,
                senders=senders_for(settings),
                lease_seconds=settings.outbox_lease_seconds,
            ),
            store=store_for(settings),
            cipher=FileCipher(keyring.file_wrapping_keys),
            links=LinkSigner(keyring.link_keys),
            signer=signer_for(key_file=settings.signing_key_file, cert_file=settings.signing_cert_file,
                              production=settings.production, data_folder=DATA_FOLDER),
            live=Hub.from_settings(settings),
        )
        # One clock for the rules and the outbox: a clock moved in a test moves both.
        runtime.outbox.clock = runtime.now
        return runtime
