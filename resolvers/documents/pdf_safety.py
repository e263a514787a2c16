"""Whether an uploaded PDF is inert: no script, no launch, no form program, no attached file.

The scan itself (pdf_scan) never runs in the server. One zygote per server process, started on
the first scan and again on the next one after it died (killed, out of memory), has qpdf
loaded and forks a fresh child for every file, with its memory, CPU time and qpdf's decoding
bounded: a decompression bomb or a pathological file costs one killed child and never the
server. The server only waits, keeps the wall clock (a child past SCAN_SECONDS is killed and
its file refused), and refuses every file whose scan did not end with a verdict.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import os
import socket
import struct
import subprocess
import sys
import threading
import weakref

import structlog

from resolvers.documents import pdf_scan
from resolvers.documents.pdf_scan import refusal

__all__ = ["CONCURRENT_SCANS", "SCAN_SECONDS", "Zygote", "is_inert", "refusal", "zygote"]

SCAN_SECONDS: float = pdf_scan.SCAN_SECONDS  # wall clock of one scan, kept by the server
CONCURRENT_SCANS = 2
KILL_SECONDS = 5  # for a killed child to be gone; past them its zygote is killed with it

log = structlog.stdlib.get_logger("gosi.uploads")
_scans: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


@dataclasses.dataclass(frozen=True)
class Scan:
    answer: bytes  # the child's verdict, or the names of what it found
    status: int | None  # as os.waitpid gives it; None when the zygote could not tell
    timed_out: bool = False


async def is_inert(content: bytes) -> bool:
    """True only when the child's scan finished within its bounds and found nothing active."""
    # One semaphore per event loop: a semaphore serves only the loop it first waited in.
    scans = _scans.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(CONCURRENT_SCANS))
    async with scans:
        scan = await zygote.scan(content, SCAN_SECONDS)
    if scan.timed_out:
        log.info("pdf_refused", reason="scan over its time limit")
        return False
    if scan.status == 0 and scan.answer == pdf_scan.VERDICT_SAFE:
        return True
    # The child names what it found (names only, never the file's text).
    log.info("pdf_refused", reason=scan.answer[:100].decode("ascii", "replace") or (
        "scanner ended during the scan" if scan.status is None
        else f"scan ended with status {os.waitstatus_to_exitcode(scan.status)}"))
    return False


class Zygote:
    """The scanner's zygote (pdf_scan run as a script), started when first needed and again
    whenever it has died. It is started by fork and exec, so the server's threads do not matter;
    the forks of one child per file happen in the zygote, which has no thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # event loops in several threads share the zygote
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def scan(self, content: bytes, seconds: float) -> Scan:
        scan = await self._scan(content, seconds)
        if scan.status is None and not scan.timed_out:
            # The zygote died under the scan (its child died with it): once more, with a new one.
            scan = await self._scan(content, seconds)
        return scan

    def stop(self) -> None:
        """Closes the zygote's stdin, on which it kills its children and exits."""
        with self._lock:
            self._stop(patience=2)

    async def _scan(self, content: bytes, seconds: float) -> Scan:
        loop = asyncio.get_running_loop()
        channel, child_end = socket.socketpair()
        status, zygote_end = socket.socketpair()
        with channel, status:
            with child_end, zygote_end:
                self._request(child_end.fileno(), zygote_end.fileno())
            channel.setblocking(False)
            status.setblocking(False)
            try:
                async with asyncio.timeout(seconds):
                    with contextlib.suppress(OSError):  # a child that died early reads no more
                        await loop.sock_sendall(channel, pdf_scan.SIZE.pack(len(content)))
                        await loop.sock_sendall(channel, content)
                        channel.shutdown(socket.SHUT_WR)
                    answer = await _read_to_end(loop, channel)
                    ended = await _read_to_end(loop, status)
            except TimeoutError:
                status.shutdown(socket.SHUT_WR)  # the zygote kills the child
                await self._gone(loop, status)
                return Scan(b"", None, timed_out=True)
        return Scan(answer, struct.unpack("=i", ended)[0] if len(ended) == 4 else None)

    async def _gone(self, loop: asyncio.AbstractEventLoop, status: socket.socket) -> None:
        """Waits until the killed child is reaped (the zygote then closes `status`), so that no
        more than CONCURRENT_SCANS children ever live; a zygote that does not kill is killed."""
        for attempt in range(2):
            try:
                async with asyncio.timeout(KILL_SECONDS):
                    await _read_to_end(loop, status)
                return
            except TimeoutError:
                if attempt == 0:
                    with self._lock:
                        self._stop(patience=0)
        log.error("pdf_scanner_child_not_gone")

    def _request(self, *fds: int) -> None:
        """Sends the zygote one request with the child's and the status socket."""
        with self._lock:
            for _ in range(2):
                try:
                    socket.send_fds(self._running(), [b"S"], list(fds))
                    return
                except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                    # Dead or hung (it never has more than a few requests waiting): a new one.
                    self._stop(patience=0)
            raise RuntimeError("the PDF scanner's zygote does not take requests")

    def _running(self) -> socket.socket:
        if self._control is None or self._process is None or self._process.poll() is not None:
            if self._process is not None:
                log.warning("pdf_scanner_restarted", status=self._process.returncode)
            self._stop(patience=0)
            control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            with theirs:
                self._process = subprocess.Popen(
                    [sys.executable, "-I", pdf_scan.__file__],
                    stdin=theirs.fileno(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            control.setblocking(False)
            self._control = control
        return self._control

    def _stop(self, *, patience: float) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.wait(patience)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _read_to_end(loop: asyncio.AbstractEventLoop, connection: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(ConnectionResetError):
        while chunk := await loop.sock_recv(connection, 65536):
            chunks.append(chunk)
    return b"".join(chunks)


zygote = Zygote()
atexit.register(zygote.stop)
