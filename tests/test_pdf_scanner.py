"""The scanner's fast path, answer for answer against the regular expression it replaces."""

from __future__ import annotations

import os
import random
import re
import socket
import time
from pathlib import Path

import pytest

from resolvers.documents import pdf_safety, pdf_scan
from tests import pdfs
from tests.bench.uploads import sample_pdf

# What the scanner left out of the file's syntax before: every stream's body.
STREAM_DATA = re.compile(rb"(?<!end)stream\b.*?endstream", re.DOTALL)
PIECES = [b"stream", b"endstream", b"end", b"stream_", b"streamx", b"xstream", b"\n", b"\r", b" ",
          b"/JS", b"(a)", b"e", b"s", b"ndstream", b"#4A", b"0"]


def reference(content: bytes) -> bytes:
    return STREAM_DATA.sub(b"stream endstream", content)


@pytest.mark.parametrize("content", [
    b"", b"stream", b"endstream", b"stream endstream", b"streamendstream", b"endstreamstream",
    b"stream\nabc\nendstream x stream\ndef\nendstream", b"1 0 obj << >> stream\nno end",
    b"streams endstream stream_ endstream stream1 endstream", b"xstream a endstream tail",
    b"en stream a endstream", b"endendstream", b"stream endstrea", b"stream\rendstreamendstream",
    pdfs.HARMLESS, pdfs.PHOTO, *[content for _, content in pdfs.HOSTILE],
], ids=repr)
def test_stream_bodies_are_left_out_as_the_regular_expression_did(content: bytes):
    assert pdf_scan._without_stream_data(content) == reference(content)


def test_stream_bodies_are_left_out_as_the_regular_expression_did_on_random_syntax():
    chance = random.Random(22)
    for _ in range(5_000):
        content = b"".join(chance.choices(PIECES, k=chance.randint(0, 30)))
        assert pdf_scan._without_stream_data(content) == reference(content), content


def test_the_bench_sample_is_left_out_as_the_regular_expression_did():
    content = sample_pdf()
    assert pdf_scan._without_stream_data(content) == reference(content)


async def test_a_stopped_scanner_ends_by_itself_and_a_new_one_starts_on_demand():
    zygote = pdf_safety.Zygote()
    try:
        assert (await zygote.scan(pdfs.HARMLESS, 10)).answer == pdf_scan.VERDICT_SAFE
        process = zygote._process
        assert process is not None
        zygote.stop()
        # Its stdin closed, it exits on its own: nothing killed it.
        assert process.returncode == 0
        assert (await zygote.scan(pdfs.HARMLESS, 10)).answer == pdf_scan.VERDICT_SAFE
        assert zygote.pid not in (None, process.pid)
    finally:
        zygote.stop()


def test_a_scan_child_is_bounded_and_holds_nothing_but_its_own_socket():
    zygote = pdf_safety.Zygote()
    try:
        channel, child_end = socket.socketpair()
        status, zygote_end = socket.socketpair()
        with channel, status:
            own = f"socket:[{os.fstat(child_end.fileno()).st_ino}]"
            with child_end, zygote_end:
                zygote._request(child_end.fileno(), zygote_end.fileno())
            child = _bounded_child(zygote.pid)  # it waits for the file, which never comes
            assert sorted(os.readlink(f"/proc/{child}/fd/{fd}") for fd in os.listdir(
                f"/proc/{child}/fd")) == ["/dev/null", "/dev/null", own]
            assert _limit(child, "Max cpu time") == str(pdf_scan.SCAN_SECONDS)
    finally:
        zygote.stop()


def _bounded_child(zygote: int | None) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{zygote}/task/{zygote}/children").read_text().split():
            if _limit(child, "Max address space") == str(pdf_scan.CHILD_MEMORY):
                return child
        time.sleep(0.01)
    raise AssertionError("no bounded child within 10 s")


def _limit(pid: str, name: str) -> str:
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                if line.startswith(name))
    return line[len(name):].split()[0]


@pytest.mark.parametrize(("data", "active"), [
    (b"", False), (b"/JS", True), (b"/JS#41", False), (b"/J#53", True), (b"#2FJS", True),
    (b"/Ja#76aScript", True), (b"/JavaScripts", False), (b"/JS_", True), (b"# /XFA", True),
    (b"#zz/Launc#68", True), (b"/Font /F1", False),
], ids=repr)
def test_active_names_are_found_alike_in_bytes_and_in_qpdf_buffers(data: bytes, active: bool):
    assert pdf_scan._has_active_name(data) is active
    assert pdf_scan._has_active_name(memoryview(data)) is active
