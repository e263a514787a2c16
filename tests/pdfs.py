"""Hand-built PDFs, hostile and harmless, for the upload scanner's tests.

Each file is written byte by byte here (no PDF library), so the tests do not share the
scanner's parser: objects can be packed in an object stream whose filters are chained in any
order, cross-referenced by an xref stream, and `stream` can end its line with a lone CR.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence

ENCODERS = {
    "/FlateDecode": zlib.compress,
    "/ASCIIHexDecode": lambda data: data.hex().encode() + b">",
    "/ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    "/DCTDecode": lambda data: data,  # the data is a JPEG already
}


def encoded(data: bytes, filters: Sequence[str]) -> bytes:
    """`data` encoded so that decoding with `filters`, first to last, gives it back."""
    for name in reversed(filters):
        data = ENCODERS[name](data)
    return data


def stream(dictionary: bytes, data: bytes, filters: Sequence[str] = (), eol: bytes = b"\n") -> bytes:
    body = encoded(data, filters)
    names = b" ".join(name.encode() for name in filters)
    return (b"<< " + dictionary + (b" /Filter [" + names + b"]" if filters else b"")
            + b" /Length %d >>\nstream" % len(body) + eol + body + b"\nendstream")


def build(objects: dict[int, bytes], *, packed: dict[int, bytes] | None = None,
          filters: Sequence[str] = ("/FlateDecode",), eol: bytes = b"\n") -> bytes:
    """A PDF whose catalog is object 1. `objects` are written as they are; `packed` go into
    one object stream with `filters` (its `stream` line ended by `eol`), and then the
    cross-reference is a stream, as PDF 1.5 writers do."""
    packed = packed or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not packed:
        size = max(objects) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)

    container = max(objects | packed) + 1
    header, bodies = [], b""
    for number, body in sorted(packed.items()):
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += body + b"\n"
    first = b" ".join(header) + b"\n"
    offsets[container] = len(out)
    out += b"%d 0 obj\n" % container + stream(
        b"/Type /ObjStm /N %d /First %d" % (len(packed), len(first)), first + bodies, filters, eol,
    ) + b"\nendobj\n"

    xref_number = container + 1
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    index_in_stream = {number: i for i, number in enumerate(sorted(packed))}
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(b"\x02" + container.to_bytes(4, "big") + index_in_stream[number].to_bytes(2, "big"))
        elif number == xref_number:
            rows.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00")
        elif number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x00\x00\x00\x00\x00\xff\xff")
    xref = len(out)
    out += b"%d 0 obj\n" % xref_number + stream(
        b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1), b"".join(rows),
    ) + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    4: stream(b"", b"BT /F1 12 Tf 72 720 Td (Medical report) Tj ET", ["/FlateDecode"]),
}


def with_catalog(extra: bytes, *, more: dict[int, bytes] | None = None,
                 filters: Sequence[str] = ("/FlateDecode",), eol: bytes = b"\n") -> bytes:
    """A one-page PDF whose catalog (and `more` objects) sit in an object stream, so none
    of them can be read in the file's plain bytes."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"
    return build(dict(PAGES), packed={1: catalog, **(more or {})}, filters=filters, eol=eol)


SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"
SCRIPTED = b"/OpenAction 10 0 R /Names << /JavaScript << /Names [(x) 10 0 R] >> >>"
XFA_FORM = stream(b"", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform>'
                       b'<event activity="initialize"><script>app.alert(1)</script></event>'
                       b"</subform></template></xdp:xdp>", ["/FlateDecode"])


def zeros_stream(size: int) -> bytes:
    return stream(b"", b"\0" * size, ["/FlateDecode"])


# (name, file): every one of them carries something a viewer would run or open.
HOSTILE = [
    ("script in an object stream, two filters",
     with_catalog(SCRIPTED, more={10: SCRIPT}, filters=["/ASCIIHexDecode", "/FlateDecode"])),
    ("script in an object stream, ASCIIHex", with_catalog(SCRIPTED, more={10: SCRIPT},
                                                          filters=["/ASCIIHexDecode"])),
    ("script in an object stream, ASCII85", with_catalog(SCRIPTED, more={10: SCRIPT},
                                                         filters=["/ASCII85Decode"])),
    ("script after a lone CR", with_catalog(SCRIPTED, more={10: SCRIPT}, eol=b"\r")),
    ("XFA form with a script", build({**PAGES, 11: XFA_FORM}, packed={
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 11 0 R >> >>"})),
    ("embedded file", build({**PAGES, 11: stream(b"/Type /EmbeddedFile", b"MZ\x90\x00")}, packed={
        1: b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.exe) 10 0 R] >> >> >>",
        10: b"<< /Type /Filespec /F (a.exe) /EF << /F 11 0 R >> >>"})),
    ("launch on open", with_catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>")),
    ("javascript: link", with_catalog(b"/OpenAction << /S /URI /URI ( JaVaScript:alert\\(1\\)) >>")),
    ("script on a page's trigger", build({
        **PAGES, 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                    b" /AA << /O << /S /GoTo /D [3 0 R /Fit] /Next [<< /S /J#61vaScript >>] >> >> >>",
        1: b"<< /Type /Catalog /Pages 2 0 R >>"})),
    ("data import chained after a harmless action", with_catalog(
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 10 0 R >>",
        more={10: b"<< /S /ImportData /F (x.fdf) >>"})),
    ("last stream past the decoding limit",
     build({**PAGES, 1: b"<< /Type /Catalog /Pages 2 0 R >>", 5: zeros_stream(60 * 1024 * 1024)})),
]

# A single stream that inflates to 200 MB: refused without inflating it whole.
BOMB = build({**PAGES, 1: b"<< /Type /Catalog /Pages 2 0 R >>", 5: zeros_stream(200 * 1024 * 1024)})

# What ordinary writers produce, and must still be kept: object and xref streams, a link to a
# web page, a page label and a transparency group (their /S is no action), bookmarks, a page
# to open on, and a photo whose JPEG bytes are hex-encoded before the codec.
HARMLESS = with_catalog(
    b"/OpenAction [3 0 R /Fit] /PageLabels << /Nums [0 << /S /D >>] >> /Outlines 13 0 R",
    more={
        # Bookmarks: /Next there is the next bookmark, not a chained action.
        13: b"<< /Type /Outlines /First 14 0 R /Last 15 0 R /Count 2 >>",
        14: b"<< /Title (Report) /Parent 13 0 R /Next 15 0 R /A << /S /GoTo /D [3 0 R /Fit] >> >>",
        15: b"<< /Title (Annex) /Parent 13 0 R /Prev 14 0 R /Dest [3 0 R /Fit] >>",
        10: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10]"
            b" /A << /S /URI /URI (https://www.gosi.gov.sa/) >> >>",
        12: b"<< /S /Transparency /CS /DeviceRGB >>",
    },
    filters=["/ASCII85Decode", "/FlateDecode"],
)
PHOTO = build({
    **PAGES,
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    5: stream(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8"
              b" /ColorSpace /DeviceGray", b"\xff\xd8\xff\xe0/JS \x00" + bytes(64) + b"\xff\xd9",
              ["/ASCIIHexDecode", "/DCTDecode"]),
})
