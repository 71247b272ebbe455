"""Reading a Word (.docx) manuscript: paragraphs, reference-manager fields, superscripts.

Each paragraph of the body is one line of the manuscript's text (tables and text boxes
included, in document order; deleted tracked changes left out). Besides the text:

- Citation and bibliography fields of Zotero, Mendeley and EndNote (see
  :mod:`cybercoop_cli.ingest.fields`), both complex fields (``w:fldChar`` begin, the
  instruction in ``w:instrText`` runs, separate, the visible result, end; nested and
  spanning paragraphs) and simple ones (``w:fldSimple``). Each becomes a
  :class:`~cybercoop_cli.ingest.fields.CitationField` on the manuscript, with the span of
  its visible result in the clean text. A bibliography field with no "References"
  heading above it still starts the reference list.
- Superscript runs (``w:vertAlign w:val="superscript"``) that hold citation numbers become
  a bracketed marker in the clean text (``¹⁻³`` -> ``[1-3]``) that maps back to the run.

A .docx is a zip that can expand kilobytes into gigabytes, and its XML could declare
entities: the parts read have limits on count, size and compression ratio, and the XML is
parsed by lxml with entity expansion, DTD loading and network access off, whatever the
encoding; a document that declares a DOCTYPE (Word never writes one) is refused.
"""

from __future__ import annotations

import zipfile
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.fields import CitationField, field_kind, parse_instruction
from cybercoop_cli.ingest.manuscript import (
    Manuscript,
    OffsetMap,
    _Builder,
    _clean_plain,
    _finish,
    superscript_marker,
)

DOCX_MAX_MEMBERS = 2_000
DOCX_MAX_XML_BYTES = 64 * 1024 * 1024
DOCX_MAX_RATIO = 200

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(slots=True)
class DocxText:
    """A Word body as text: ``paragraphs``, and in the text they make joined by newlines,
    the ``fields`` (instruction, result start, result end) and the superscript spans."""

    paragraphs: list[str] = field(default_factory=list)
    fields: list[tuple[str, int, int]] = field(default_factory=list)
    superscripts: list[tuple[int, int]] = field(default_factory=list)


def read_docx(path: Path, display: str | None = None) -> Manuscript:
    """Read a .docx manuscript with its citation fields; raise InputError when unreadable."""
    name = display or str(path)
    return docx_manuscript(_walk(_document_xml(path, name), name), name)


def read_docx_paragraphs(path: Path, display: str | None = None) -> list[str]:
    """The text of every paragraph of a .docx body, in order (see the module's limits)."""
    name = display or str(path)
    return _walk(_document_xml(path, name), name).paragraphs


def parse_docx_paragraphs(paragraphs: Sequence[str], path: str = "<docx>") -> Manuscript:
    """Build a manuscript from Word paragraphs: each paragraph is one line of the text."""
    return docx_manuscript(DocxText(paragraphs=[p.replace("\n", " ") for p in paragraphs]), path)


def docx_manuscript(body: DocxText, path: str) -> Manuscript:
    """The manuscript of a Word body: superscript numbers become markers, fields are read."""
    source = "\n".join(body.paragraphs)
    blanked = _clean_plain(source)
    out = _Builder()
    cursor = 0
    shifts: list[tuple[int, int, int, int]] = []
    for start, end in body.superscripts:
        line_start = source.rfind("\n", 0, start) + 1
        marker = superscript_marker(source[line_start:start], source[start:end])
        if marker is None:
            continue
        out.copy(blanked, cursor, start)
        shifts.append((start, end, out.length, len(marker)))
        out.emit(marker, start)
        cursor = end
    out.copy(blanked, cursor, len(source))
    if shifts:
        clean, offsets = out.result()
    else:
        clean, offsets = blanked, OffsetMap()
    to_clean = _SourceToClean(shifts)
    fields: list[CitationField] = []
    warnings: list[str] = []
    references_at = -1
    for instruction, start, end in body.fields:
        kind = field_kind(instruction)
        if kind is None:
            continue
        manager, bibliography = kind
        clean_start, clean_end = to_clean(start), to_clean(end)
        if bibliography:
            fields.append(CitationField(manager, clean_start, clean_end, bibliography=True))
            if references_at < 0:
                references_at = clean_start
            continue
        items, formatted, problem = parse_instruction(instruction)
        if problem:
            paragraph = source.count("\n", 0, start) + 1
            warnings.append(
                f"paragraph {paragraph}: a {manager} citation field cannot be read ({problem}); "
                "its visible text is checked instead"
            )
        fields.append(
            CitationField(manager, clean_start, clean_end, items, formatted, False, problem)
        )
    return _finish(
        path,
        "docx",
        source,
        clean,
        offsets,
        tuple(warnings),
        fields=tuple(fields),
        references_at=references_at,
    )


class _SourceToClean:
    """Maps a source offset to the clean text, past the superscripts turned into markers."""

    def __init__(self, shifts: list[tuple[int, int, int, int]]) -> None:
        self.shifts = shifts  # (source start, source end, clean start, marker length)
        self.starts = [shift[0] for shift in shifts]

    def __call__(self, offset: int) -> int:
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return offset
        _, end, clean_start, length = self.shifts[index]
        return clean_start if offset < end else clean_start + length + offset - end


def _document_xml(path: Path, name: str) -> bytes:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable .docx (zip) file: {exc}", file=name) from exc
    with archive:
        members = archive.infolist()
        if len(members) > DOCX_MAX_MEMBERS:
            raise InputError(f".docx has {len(members)} parts, over {DOCX_MAX_MEMBERS}", file=name)
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise InputError(
                ".docx has no word/document.xml; is it a Word file?", file=name
            ) from None
        if info.flag_bits & 0x1:
            raise InputError(".docx is encrypted; save it without a password", file=name)
        if info.file_size > DOCX_MAX_XML_BYTES or (
            info.compress_size and info.file_size / info.compress_size > DOCX_MAX_RATIO
        ):
            raise InputError(
                "word/document.xml expands too far (a zip bomb?); refusing to read it", file=name
            )
        data = bytearray()
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(1 << 20):
                    data += chunk
                    if len(data) > DOCX_MAX_XML_BYTES:  # the header may lie about the size
                        raise InputError(
                            "word/document.xml is larger than its header says; refusing it",
                            file=name,
                        )
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise InputError(f"damaged .docx: {exc}", file=name) from exc
    return bytes(data)


def _parse(data: bytes, name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"damaged .docx: word/document.xml is not XML ({exc})", file=name) from exc
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InputError(".docx document part declares a DOCTYPE; refusing it", file=name)
    return root


@dataclass(slots=True)
class _Field:
    instruction: list[str] = field(default_factory=list)
    showing: bool = False  # past "separate": its result is on the page
    start: int = 0
    data: str = ""  # EndNote's citation XML from w:fldData


def _walk(data: bytes, name: str) -> DocxText:
    from lxml import etree

    root = _parse(data, name)
    body = DocxText()
    stack: list[_Field] = []
    simple: list[tuple[Any, str, int]] = []  # open w:fldSimple: element, instruction, start
    parts: list[str] = []
    base = 0  # where the current paragraph starts in the joined text
    length = 0  # the current paragraph's length so far
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions, unexpanded entities
        if event == "start":
            if tag == f"{_W}p":
                depth += 1
                if depth == 1:
                    parts, length = [], 0
            elif tag == f"{_W}fldSimple":
                simple.append((element, element.get(f"{_W}instr") or "", base + length))
            elif tag == f"{_W}fldChar":
                kind = element.get(f"{_W}fldCharType")
                if kind == "begin":
                    stack.append(_Field(data=_field_data(element)))
                elif kind == "separate" and stack:
                    stack[-1].showing = True
                    stack[-1].start = base + length
                elif kind == "end" and stack:
                    done = stack.pop()
                    start = done.start if done.showing else base + length
                    instruction = "".join(done.instruction) + done.data
                    body.fields.append((instruction, start, base + length))
            continue
        if tag == f"{_W}instrText":
            if stack and not stack[-1].showing:
                stack[-1].instruction.append(element.text or "")
            continue
        if stack and not all(f.showing for f in stack):
            continue  # inside an instruction: nothing here is on the page
        text = ""
        if tag == f"{_W}t":
            text = element.text or ""
        elif tag in {f"{_W}tab", f"{_W}br", f"{_W}cr"}:
            text = " "
        elif tag == f"{_W}noBreakHyphen":
            text = "-"
        elif tag == f"{_W}fldSimple" and simple and simple[-1][0] is element:
            _, instruction, start = simple.pop()
            body.fields.append((instruction, start, base + length))
        elif tag == f"{_W}p":
            depth -= 1
            if depth == 0:
                paragraph = "".join(parts).replace("\n", " ")
                body.paragraphs.append(paragraph)
                base += len(paragraph) + 1
                length = 0
        if text:
            if tag == f"{_W}t" and _superscript(element):
                at = base + length
                if body.superscripts and body.superscripts[-1][1] == at:
                    body.superscripts[-1] = (body.superscripts[-1][0], at + len(text))
                else:
                    body.superscripts.append((at, at + len(text)))
            parts.append(text)
            length += len(text)
    return body


FIELD_DATA_MAX = 4 * 1024 * 1024  # base64 characters of one field's w:fldData


def _field_data(begin: Any) -> str:
    """EndNote's citation XML when it is kept base64 in the field's ``w:fldData``."""
    import base64
    import binascii

    data = begin.find(f"{_W}fldData")
    text = "".join((data.text or "").split()) if data is not None else ""
    if not text or len(text) > FIELD_DATA_MAX:
        return ""
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return ""
    for encoding in ("utf-8", "utf-16"):
        try:
            xml = decoded.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "<EndNote" in xml:
            return " " + xml
    return ""


def _superscript(text_element: Any) -> bool:
    run = text_element.getparent()
    if run is None:
        return False
    align = run.find(f"{_W}rPr/{_W}vertAlign")
    return align is not None and align.get(f"{_W}val") == "superscript"
