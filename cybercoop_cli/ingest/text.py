"""Reading text files whatever their encoding and line ends."""

from __future__ import annotations

import codecs
from pathlib import Path

from cybercoop_cli.errors import InputError

# Inputs beyond this size are refused with a clear message instead of exhausting memory.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252.

    Returns the text with line ends normalised to ``\\n`` and, when the text was not
    UTF-8, a warning that names the encoding used.
    """
    warning: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            text = data.decode("cp1252", errors="replace")
            warning = (
                f"not valid UTF-8 (first bad byte on line {line}); read as Windows-1252 "
                "(Latin-1): save the file as UTF-8 to silence this"
            )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        text = text.replace("\x00", "")
        note = f"NUL bytes removed (first on line {line})"
        warning = f"{warning}; {note}" if warning else note
    return text, warning


def read_text(path: Path, *, limit: int = MAX_INPUT_BYTES) -> tuple[str, str | None]:
    """Read and decode a text file; refuse files larger than ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"file is {size // 1_048_576} MB, over the {limit // 1_048_576} MB limit for inputs",
            file=str(path),
        )
    return decode(path.read_bytes())
