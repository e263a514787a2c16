"""The scanner's fast path, answer for answer against the regular expression it replaces."""

from __future__ import annotations

import io
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


# The walk as it was, one get() per key, against which the one-call walk is held.
def reference_active_object(root: object) -> str | None:
    import pikepdf

    pending = [root]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Array):
            pending.extend(pdf_scan._direct_containers(list(obj)))
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            keys = {str(key) for key in obj.keys()}
            if keys & pdf_scan.ACTIVE_KEYS:
                return f"active key {sorted(keys & pdf_scan.ACTIVE_KEYS)[0]}"
            for key in ("/Type", "/Subtype"):
                if str(obj.get(key, "")) in pdf_scan.ACTIVE_TYPES:
                    return f"active {key[1:].lower()} {obj.get(key)}"
            found: list[object] = [obj] if obj.get("/Type") == pikepdf.Name.Action else []
            found.extend([obj.get("/A"), obj.get("/OpenAction")])
            chained = obj.get("/Next") if isinstance(obj.get("/S"), pikepdf.Name) else None
            found.extend(chained if isinstance(chained, pikepdf.Array) else [chained])
            triggers = obj.get("/AA")
            if isinstance(triggers, pikepdf.Dictionary):
                found.extend(triggers.get(key) for key in triggers.keys())
            for action in [item for item in found if isinstance(item, pikepdf.Dictionary)]:
                reason = pdf_scan._unsafe_action(action)
                if reason:
                    return reason
            pending.extend(pdf_scan._direct_containers([obj.get(key) for key in keys]))
    return None


ENTRIES = [b"/JS null", b"/JS (x)", b"/A null", b"/A << /S /Launch >>", b"/A [3 0 R /Fit]",
           b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [<< /S /ImportData >>] >>",
           b"/OpenAction null", b"/Type /Action", b"/Type null", b"/S /Named", b"/S null",
           b"/Next << /S /SubmitForm >>", b"/Next null", b"/AA << /O << /S /JavaScript >> >>",
           b"/AA << /O null /C << /S /URI /URI (https://gosi.example) >> >>", b"/AA null",
           b"/Subtype /FileAttachment", b"/Subtype null", b"/Kids [<< /A << /S /Movie >> >>]",
           b"/XFA null", b"/EF << /F null >>", b"/URI (javascript:x)", b"/Dests << /a null >>"]


def test_the_walk_answers_as_the_walk_with_one_get_per_key():
    import pikepdf

    chance = random.Random(22)
    files = [pdfs.HARMLESS, pdfs.PHOTO, *[content for _, content in pdfs.HOSTILE[:-1]]]
    for _ in range(400):
        entries = b" ".join(chance.sample(ENTRIES, chance.randint(1, 5)))
        files.append(pdfs.build({**pdfs.PAGES, 1: b"<< /Type /Catalog /Pages 2 0 R " + entries
                                                 + b" >>"}))
    answers = set()
    for content in files:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            for obj in pdf.objects:
                answer = pdf_scan._active_object(obj)
                # Of two findings in one object, the reference named the first in a set's order.
                assert (answer is None) == (reference_active_object(obj) is None), content
                answers.add(answer)
    assert len(answers) > 10  # the random files reach many different answers
