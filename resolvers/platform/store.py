"""Where uploaded documents and decision letters are kept: a folder (file://, the default) or
any S3-compatible object store (s3://bucket). What goes in is already sealed (encryption.py):
neither store ever sees a byte of a document in plain text."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from resolvers.platform.settings import ConfigurationError, Settings

READ_CHUNK = 256 * 1024


class StoreUnavailable(Exception):
    """The store did not take or give a file: down, unreachable, refusing, full."""


@contextlib.asynccontextmanager
async def _failures_as_unavailable() -> AsyncIterator[None]:
    # What a store that is away raises varies (OSError, botocore's errors, time-outs); the
    # rules only need to know that it is away.
    try:
        yield
    except (StoredFileMissing, asyncio.CancelledError):
        raise
    except Exception as error:
        raise StoreUnavailable(f"{type(error).__name__}: {error}") from error


class StoredFileMissing(Exception):
    pass


class DocumentStore(Protocol):
    async def open(self) -> None: ...
    async def aclose(self) -> None: ...
    async def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> AsyncIterator[bytes]: ...
    async def delete(self, key: str) -> None: ...
    async def ping(self) -> None: ...
    async def keys_older_than(self, prefix: str, before: dt.datetime) -> list[str]: ...


class FolderStore:
    """Files under a folder, each written to a temporary name and renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def open(self) -> None:
        # A folder that cannot be made is reported by /readyz (ping), not a crash at start.
        with contextlib.suppress(OSError):
            await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)

    async def aclose(self) -> None:
        return None

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key outside the store: {key!r}")
        return path

    async def put(self, key: str, data: bytes) -> None:
        async with _failures_as_unavailable():
            await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)

    async def get(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(open, path, "rb")
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error
        except OSError as error:
            raise StoreUnavailable(f"{type(error).__name__}: {error}") from error
        try:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(os.remove, self._path(key))

    async def ping(self) -> None:
        def check() -> None:
            if not (self.root.is_dir() and os.access(self.root, os.W_OK)):
                raise OSError(f"{self.root} is not a writable folder")

        await asyncio.to_thread(check)

    async def keys_older_than(self, prefix: str, before: dt.datetime) -> list[str]:
        def scan() -> list[str]:
            folder = self._path(prefix)
            if not folder.is_dir():
                return []
            limit = before.timestamp()
            return [
                f"{prefix}/{entry.name}" for entry in os.scandir(folder)
                if entry.is_file() and not entry.name.startswith(".")
                and entry.stat().st_mtime < limit
            ]

        return await asyncio.to_thread(scan)


class S3Store:
    """An S3-compatible bucket through aiobotocore; one client for the app's lifetime."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
        region: str | None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._options = {
            "endpoint_url": endpoint_url,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
            "region_name": region or "us-east-1",
        }
        self._stack: contextlib.AsyncExitStack | None = None
        self._client: Any = None

    async def open(self) -> None:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        self._stack = contextlib.AsyncExitStack()
        config = AioConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3})
        self._client = await self._stack.enter_async_context(
            get_session().create_client("s3", config=config, **self._options)
        )

    async def aclose(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = self._client = None

    @property
    def client(self) -> Any:
        if self._client is None:
            raise RuntimeError("the S3 store is not open")
        return self._client

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def put(self, key: str, data: bytes) -> None:
        async with _failures_as_unavailable():
            await self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    async def get(self, key: str) -> AsyncIterator[bytes]:
        async with _failures_as_unavailable():
            try:
                response = await self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            except self.client.exceptions.NoSuchKey as error:
                raise StoredFileMissing(key) from error
        async with response["Body"] as body:
            while chunk := await body.read(READ_CHUNK):
                yield chunk

    async def delete(self, key: str) -> None:
        await self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    async def ping(self) -> None:
        await self.client.head_bucket(Bucket=self.bucket)

    async def keys_older_than(self, prefix: str, before: dt.datetime) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        found: list[str] = []
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix + "/")):
            found += [item["Key"].removeprefix(self.prefix) for item in page.get("Contents", [])
                      if item["LastModified"] < before]
        return found


def store_for(settings: Settings) -> DocumentStore:
    url = settings.document_store_url
    parsed = urlparse(url)
    if parsed.scheme == "file":
        # file:///abs/path, or file://relative/path for a folder beside the database.
        path = unquote(parsed.netloc + parsed.path)
        return FolderStore(Path(path))
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ConfigurationError("DOCUMENT_STORE_URL=s3://BUCKET needs a bucket name")
        prefix = parsed.path.strip("/")
        return S3Store(
            parsed.netloc,
            prefix=f"{prefix}/" if prefix else "",
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.aws_access_key_id,
            secret_access_key=settings.aws_secret_access_key,
            region=settings.aws_region,
        )
    raise ConfigurationError(f"DOCUMENT_STORE_URL must be file://... or s3://..., got {url!r}")
