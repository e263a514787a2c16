"""What runs in the PDF scanner's own processes: whether one PDF is inert, and the zygote that
scans each file in a fresh child with its memory, CPU time and qpdf's decoding bounded.

The file is parsed by qpdf (through pikepdf), which reads object streams, cross-reference
streams and damaged files as viewers do, and decodes every general filter (Flate, LZW,
ASCIIHex, ASCII85, RunLength, chained in any order). Every object is walked and every
stream decoded; anything that can act when the file is opened is refused, and so is
anything the scan cannot finish: a limit reached, a filter it cannot decode, a password.

Run as a script (`python -I pdf_scan.py`, started by pdf_safety), this module is the zygote:
it loads pikepdf once, then waits on its stdin, a socket from the server. Each request brings
two sockets. The zygote forks one child for it, which bounds itself, reads the file from the
first socket, answers on it and exits; the zygote reports the child's exit status on the
second, and kills the child when the server closes that one first (the server's wall-clock
kill). Forking is only safe in a single-threaded process: the zygote starts no thread and
loads nothing else. It ends when its stdin does (the server stopped or died), killing its
children, and a child dies with its zygote.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import io
import os
import re
import resource
import selectors
import signal
import socket
import string
import struct
from collections.abc import Mapping
from typing import NoReturn

# Bounds of one scan; reaching any of them refuses the file.
DECODED_MAX = 50 * 1024 * 1024  # all streams decoded, together
OBJECTS_MAX = 200_000
SCAN_SECONDS = 10
CHILD_MEMORY = 1024 * 1024 * 1024  # address space of the child, which maps qpdf and Python

VERDICT_SAFE = b"safe"
SIZE = struct.Struct("=Q")  # before the file, its length
PR_SET_PDEATHSIG = 1  # prctl(2), linux/prctl.h

# Names that make a viewer run something; `#xx` escapes in names are decoded first.
ACTIVE_NAMES = re.compile(
    rb"/(JavaScript|JS|Launch|XFA|EmbeddedFiles?|RichMedia\w*|ImportData|SubmitForm|Rendition"
    rb"|GoToE|Sound|Movie)(?![A-Za-z0-9])"
)
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# What `\b` in a bytes pattern counts as a word character; b"" (the end) is none.
WORD_BYTES = frozenset(bytes([c]) for c in (string.ascii_letters + string.digits + "_").encode())

# Actions a document may carry: move to a place in itself, a viewer command, a web or mail link.
SAFE_ACTIONS = {"/GoTo", "/Named", "/URI", "/Thread"}
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
# Keys whose presence means active or attached content, wherever they appear.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/XFA", "/EmbeddedFiles", "/EF", "/RichMediaContent",
               "/RichMediaSettings"}
ACTIVE_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound",
                "/3D"}
# Image codecs qpdf leaves encoded; such a stream is an image's pixels, never structure.
IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}



def refusal(content: bytes) -> str | None:
    """Why the PDF is refused, or None when it is inert. Runs in a child of the zygote."""
    import pikepdf  # only the scanner's processes load qpdf

    if _has_active_name(_without_stream_data(content)):
        return "active name in the file's syntax"
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                return "encrypted"
            decoded = 0
            for count, obj in enumerate(pdf.objects, start=1):
                if count > OBJECTS_MAX:
                    return "too many objects"
                reason = _active_object(obj)
                if reason:
                    return reason
                if isinstance(obj, pikepdf.Stream):
                    data = _decoded(pdf, obj)
                    if data is None:
                        return "a stream it cannot decode"
                    decoded += len(data)
                    if decoded > DECODED_MAX:
                        return "decoded streams over the limit"
                    if not _binary(obj) and _has_active_name(data):
                        return "active name in a decoded stream"
    except Exception as error:  # whatever qpdf cannot read is refused
        return f"unreadable: {type(error).__name__}"
    return None


def _decoded(pdf: object, stream: object) -> memoryview | None:
    """The stream's data with every general filter undone; an image codec's data stays encoded.
    Left in qpdf's buffer: a copy into bytes costs a fresh process a new page every 4 KiB."""
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf) and isinstance(stream, pikepdf.Stream)
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters or "")]
    codecs = [name for name in names if name in IMAGE_FILTERS]
    if not codecs:
        return memoryview(stream.get_stream_buffer(decode_level=pikepdf.StreamDecodeLevel.generalized))
    if codecs != names[-1:] or stream.get("/Subtype") != pikepdf.Name.Image:
        return None
    if len(names) == 1:
        return memoryview(stream.get_raw_stream_buffer())
    # qpdf decodes a chain whole or not at all: undo the general filters before the codec alone.
    parameters = stream.get("/DecodeParms")
    general = pikepdf.Stream(pdf, stream.read_raw_bytes())
    general.Filter = pikepdf.Array([pikepdf.Name(name) for name in names[:-1]])
    if isinstance(parameters, pikepdf.Array):
        general.DecodeParms = pikepdf.Array(list(parameters)[:-1])
    return memoryview(general.get_stream_buffer(decode_level=pikepdf.StreamDecodeLevel.generalized))


def _binary(stream: object) -> bool:
    """Pixels, font programs and colour profiles: binary data no viewer reads as PDF syntax."""
    import pikepdf

    assert isinstance(stream, pikepdf.Stream)
    keys = {str(key) for key in stream.keys()}
    return (stream.get("/Subtype") == pikepdf.Name.Image
            or bool(keys & {"/Length1", "/Length2", "/Length3"})
            or str(stream.get("/Subtype", "")) in {"/Type1C", "/CIDFontType0C", "/OpenType"}
            or ("/N" in keys and "/Type" not in keys))


def _active_object(root: object) -> str | None:
    """Walks one object and the direct objects inside it (indirect ones are walked on their own)."""
    import pikepdf

    pending = [root]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Array):
            pending.extend(_direct_containers(list(obj)))
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            # One call for all entries, not one per key: a real 5 MiB file has thousands of
            # objects. A null value is no entry, as qpdf's keys() and get() have it.
            entries = {str(key): value for key, value in obj.items() if value is not None}
            active = entries.keys() & ACTIVE_KEYS
            if active:
                return f"active key {sorted(active)[0]}"
            for key in ("/Type", "/Subtype"):
                if str(entries.get(key, "")) in ACTIVE_TYPES:
                    return f"active {key[1:].lower()} {entries[key]}"
            for action in _actions_of(obj, entries):
                reason = _unsafe_action(action)
                if reason:
                    return reason
            pending.extend(_direct_containers(list(entries.values())))
    return None


def _direct_containers(values: list[object]) -> list[object]:
    import pikepdf

    return [value for value in values
            if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)) and not value.is_indirect]


def _actions_of(obj: object, entries: Mapping[str, object]) -> list[object]:
    """The action dictionaries an object (whose `entries` these are) holds: itself when typed
    so, its /A, /OpenAction and /Next, and every trigger of its /AA."""
    import pikepdf

    found: list[object] = [obj] if entries.get("/Type") == pikepdf.Name.Action else []
    # An /A or /OpenAction that is an array is a destination (a page and a view), no action.
    found.extend([entries.get("/A"), entries.get("/OpenAction")])
    # /Next chains actions only in an action; in an outline item it is the next item.
    chained = entries.get("/Next") if isinstance(entries.get("/S"), pikepdf.Name) else None
    found.extend(chained if isinstance(chained, pikepdf.Array) else [chained])
    triggers = entries.get("/AA")
    if isinstance(triggers, pikepdf.Dictionary):
        found.extend(triggers.get(key) for key in triggers.keys())
    return [item for item in found if isinstance(item, pikepdf.Dictionary)]


def _unsafe_action(action: object) -> str | None:
    import pikepdf

    assert isinstance(action, pikepdf.Dictionary)
    kind = str(action.get("/S", ""))
    if kind not in SAFE_ACTIONS:
        return f"action {kind or 'without a type'}"
    if kind == "/URI":
        uri = action.get("/URI")
        text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else ""
        plain = re.sub(r"[\x00-\x20]", "", text).lower()
        if not plain.startswith(SAFE_URI_SCHEMES):
            return "link to something other than a web or mail address"
    return None


def _without_stream_data(content: bytes) -> bytes:
    """`content` with every stream's body left out (`stream endstream`): its bytes are data, not
    syntax. The same as `re.sub(rb"(?<!end)stream\\b.*?endstream", b"stream endstream", content,
    flags=re.DOTALL)`, which takes ~40 ms on 5 MiB; bytes.find takes ~1."""
    kept: list[bytes] = []
    done = search = 0
    while (start := content.find(b"stream", search)) >= 0:
        after = start + len(b"stream")
        search = start + 1
        if content[max(start - 3, 0):start] == b"end" or content[after:after + 1] in WORD_BYTES:
            continue
        end = content.find(b"endstream", after)
        if end < 0:
            break
        kept += [content[done:start], b"stream endstream"]
        done = search = end + len(b"endstream")
    return b"".join([*kept, content[done:]]) if kept else content


def _has_active_name(data: bytes | memoryview) -> bool:
    if NAME_ESCAPE.search(data):
        data = NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return ACTIVE_NAMES.search(data) is not None


@dataclasses.dataclass
class Child:
    pid: int
    pidfd: int  # a signal through it reaches this child, never a process that reuses its pid
    status: socket.socket  # the exit status goes to the server there; its end closed first: a kill


def serve(control: socket.socket) -> None:
    """The zygote: one child per request on `control`, until the server closes it."""
    import pikepdf  # noqa: F401  (loaded once, here; every child inherits it)

    zygote = os.getpid()
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; the zygote ends with it
    gc.freeze()  # the children's collections then leave the zygote's pages shared
    watched = selectors.DefaultSelector()
    watched.register(control, selectors.EVENT_READ)
    children: dict[int, Child] = {}

    def fork(channel: int, status: int) -> None:
        pid = os.fork()
        if pid == 0:
            # Dies with the zygote; if the zygote died before prctl, the parent is another already.
            bound_to_zygote = prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0 and os.getppid() == zygote
            _scan_child(channel, bound_to_zygote, inherited=[
                status, control, watched, *(c.status for c in children.values()),
                *(c.pidfd for c in children.values())])
        os.close(channel)
        child = Child(pid, os.pidfd_open(pid), socket.socket(fileno=status))
        children[pid] = child
        watched.register(child.pidfd, selectors.EVENT_READ, child)
        watched.register(child.status, selectors.EVENT_READ, child)

    def kill(child: Child) -> None:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(child.pidfd, signal.SIGKILL)

    while True:
        for key, _ in watched.select():
            if key.fileobj is control:
                try:
                    message, fds, _, _ = socket.recv_fds(control, 1, 2)
                except OSError:
                    message, fds = b"", []
                if len(fds) == 2:
                    fork(*fds)
                else:
                    for fd in fds:
                        os.close(fd)
                if not message:
                    for child in children.values():
                        kill(child)
                    return
                continue
            child = key.data
            if children.get(child.pid) is not child:
                continue  # ended earlier in this round
            if key.fileobj is child.status:
                watched.unregister(child.status)
                kill(child)
                continue
            _, status = os.waitpid(child.pid, 0)
            with contextlib.suppress(OSError):  # the server gave up on it
                child.status.send(struct.pack("=i", status))
            with contextlib.suppress(KeyError):
                watched.unregister(child.status)
            watched.unregister(child.pidfd)
            os.close(child.pidfd)
            child.status.close()
            del children[child.pid]


def _scan_child(channel: int, bound: bool, inherited: list[object]) -> NoReturn:
    """One file: the bounds first, then the scan; the verdict on `channel`, and exit."""
    code = 1
    try:
        for thing in inherited:
            if isinstance(thing, int):
                os.close(thing)
            else:
                thing.close()  # type: ignore[attr-defined]
        if bound:
            signal.alarm(SCAN_SECONDS + 5)  # ends it should both the server and the zygote hang
            resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
            resource.setrlimit(resource.RLIMIT_CPU, (SCAN_SECONDS, SCAN_SECONDS + 1))
            _limit_qpdf()
            with socket.socket(fileno=channel) as answer:
                answer.setblocking(True)
                reason = refusal(_received(answer))
                answer.sendall(VERDICT_SAFE if reason is None else reason.encode())
            code = 0
    finally:
        os._exit(code)


def _limit_qpdf() -> None:
    from pikepdf.settings import set_qpdf_limits

    # qpdf stops a stream's decoding at these sizes instead of inflating a bomb whole.
    set_qpdf_limits(
        flate_max_memory=DECODED_MAX, run_length_max_memory=DECODED_MAX, png_max_memory=DECODED_MAX,
        tiff_max_memory=DECODED_MAX, dct_max_memory=DECODED_MAX, max_stream_filters=8,
    )


def _received(connection: socket.socket) -> bytes:
    """The file, after its length: read into one buffer of its size, which a fresh process fills
    faster than chunks joined (every page it writes is a new one)."""
    (size,) = SIZE.unpack(connection.recv(SIZE.size, socket.MSG_WAITALL))
    content = connection.recv(size, socket.MSG_WAITALL)
    if len(content) != size:
        raise EOFError("the file ended early")
    return content


if __name__ == "__main__":
    serve(socket.socket(fileno=0))
