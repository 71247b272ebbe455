"""Reading text files whatever their encoding and line ends, within explicit size limits.

The limits (documented in docs/robustness.md) keep memory and time bounded:
a file over its limit is refused with a message that names the limit, before it is read.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from cybercoop_cli.errors import InputError

MIB = 1024 * 1024

# Any text input without a limit of its own (manuscripts, CSL-JSON, RIS): a manuscript of
# five million words is about 35 MB and is checked in under half a minute.
MAX_INPUT_BYTES = 64 * MIB
# BibTeX parsing needs about twenty times the file's size in memory and reads about
# 1.5 MB a second; the largest real bibliographies we know (Beebe's TUGboat file, big
# Zotero exports) are a few MB. A 32 MB file takes about 20 s and 700 MB.
MAX_BIB_BYTES = 32 * MIB

# C0 and C1 control characters other than tab and newline (NUL is handled apart): they
# have no place in a bibliography, a note or a manuscript, break YAML, and escape
# sequences among them could drive the terminal that shows a title.
_CONTROL = re.compile(r"[\x01-\x08\x0b-\x1f\x7f-\x9f]")
# The same (and NUL) as bytes of ASCII text; carriage returns are line ends, not controls.
_ASCII_CONTROL = bytes(sorted({*range(0x20), 0x7F} - {0x09, 0x0A, 0x0D}))


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252.

    Returns the text with line ends normalised to ``\\n`` and, when the text was not
    UTF-8 or had NUL bytes or control characters, a warning that says so (naming the
    encoding used and the first line affected). NUL bytes are removed; other control
    characters become spaces, so offsets within a line do not move.
    """
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, bad = _decode_by_line(data)
            where = (
                f"line {bad[0]}" if len(bad) == 1 else f"{len(bad):,} lines, first line {bad[0]}"
            )
            warnings.append(
                f"not valid UTF-8 ({where}); "
                f"{'that line was' if len(bad) == 1 else 'those lines were'} read as "
                "Windows-1252 (Latin-1), the rest as UTF-8: save the file as UTF-8 to silence this"
            )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if data.isascii() and len(data.translate(None, _ASCII_CONTROL)) == len(data):
        return text, "; ".join(warnings) or None  # no NUL, no control character: 5x faster
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        text = text.replace("\x00", "")
        warnings.append(f"NUL bytes removed (first on line {line})")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        text = _CONTROL.sub(" ", text)
        warnings.append(
            f"control characters replaced by spaces (first, U+{ord(control.group()):04X}, "
            f"on line {line})"
        )
    return text, "; ".join(warnings) or None


def encoding_of(data: bytes) -> str:
    """The codec that text added to ``data`` must be written in to read as the rest does.

    The same rules as :func:`decode`: a byte-order mark names UTF-8, UTF-16 or UTF-32 (the
    codec returned writes no second mark); otherwise UTF-8 when all of it is, else
    Windows-1252, as a file saved by an old Windows editor would be.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _decode_by_line(data: bytes) -> tuple[str, list[int]]:
    """Decode each line as UTF-8, falling back to Windows-1252 for the lines that are not.

    One stray Latin-1 byte must not turn every accented name of a UTF-8 file into
    mojibake (and every note keyed on one into an unknown key); a file saved wholly in
    Latin-1 still reads right, since its ASCII lines are the same in both.
    """
    lines = data.split(b"\n")
    bad: list[int] = []
    out: list[str] = []
    for number, raw in enumerate(lines, start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(raw.decode("cp1252", errors="replace"))
            bad.append(number)
    return "\n".join(out), bad


def read_text(
    path: Path, *, limit: int = MAX_INPUT_BYTES, what: str = "inputs"
) -> tuple[str, str | None]:
    """Read and decode a text file; refuse one larger than ``limit`` bytes.

    The size is checked before reading, and reading stops after ``limit`` bytes in any
    case, so a file that grows, a device or a pipe cannot exhaust memory either.
    """
    size = path.stat().st_size
    data = b""
    if size <= limit:
        data = read_bounded(path, limit)
        size = max(size, len(data))
    if size > limit:
        raise InputError(
            f"file is {describe_size(size)}, over the {describe_size(limit)} limit for {what}; "
            "split it, or leave it out",
            file=str(path),
        )
    return decode(data)


#: What a first read asks for: most inputs (a note, a review file) fit in it.
FIRST_READ = 64 * 1024


def read_bounded(path: str | Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the file: enough to tell that it is over ``limit``.

    Reads in growing steps rather than asking for ``limit + 1`` bytes at once: a read
    that large allocates the whole buffer first, which cost 30 microseconds a file, three
    times the read itself, on 10,000 notes of 2 KB under a 10 MB limit.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts: list[bytes] = []
        total = 0
        step = FIRST_READ
        while total <= limit:
            chunk = os.read(fd, min(step, limit + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            step = min(step * 4, 16 << 20)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def describe_size(size: int) -> str:
    """A byte count for people: ``200 MB``, ``12 KB``, ``80 bytes``."""
    if size >= MIB:
        return (
            f"{size / MIB:.0f} MB"
            if size % MIB == 0 or size >= 10 * MIB
            else f"{size / MIB:.1f} MB"
        )
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
