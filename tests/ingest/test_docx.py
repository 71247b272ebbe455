"""Reading .docx manuscripts: paragraphs, limits, reference-manager fields, superscripts.

The Word files are built here: python-docx makes a real package, and the field codes and
superscript runs are written into its document part as raw WordprocessingML with lxml
(python-docx has no API for fields).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.docx import DOCX_MAX_XML_BYTES, read_docx_paragraphs
from cybercoop_cli.ingest.manuscript import read_manuscript

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ----------------------------------------------------------------------------- builders


def run(text: str, *, superscript: bool = False) -> str:
    props = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>' if superscript else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def field_begin(instruction: str, pieces: int = 3) -> str:
    """A complex field's start: begin, the instruction split over ``pieces`` runs, separate."""
    step = max(1, len(instruction) // pieces + 1)
    parts = [instruction[i : i + step] for i in range(0, len(instruction), step)]
    instr = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(p)}</w:instrText></w:r>' for p in parts
    )
    return f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{instr}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'


FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def complex_field(instruction: str, result: str, *, superscript: bool = False) -> str:
    return field_begin(instruction) + run(result, superscript=superscript) + FIELD_END


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr="{escape(instruction, {chr(34): "&quot;"})}">{run(result)}</w:fldSimple>'


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A Word file whose body paragraphs hold the given raw runs (WordprocessingML)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()._p
        for element in parse_xml(f'<w:p xmlns:w="{W}">{runs}</w:p>'):
            paragraph.append(element)
    document.save(str(path))
    return path


def csl_item(
    family: str, year: int, title: str, doi: str = "", item_id: int = 1
) -> dict[str, object]:
    data: dict[str, object] = {
        "id": item_id,
        "type": "article-journal",
        "title": title,
        "author": [{"family": family, "given": "A."}],
        "issued": {"date-parts": [[str(year)]]},
    }
    if doi:
        data["DOI"] = doi
    return {"id": item_id, "uris": [f"http://zotero.org/users/1/items/{item_id}"], "itemData": data}


def zotero(items: list[dict[str, object]], plain: str) -> str:
    citation = {
        "citationID": "a1b2c3",
        "properties": {"formattedCitation": plain, "plainCitation": plain, "noteIndex": 0},
        "citationItems": items,
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return " ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(citation) + " "


def mendeley(items: list[dict[str, object]], plain: str) -> str:
    citation = {
        "citationItems": items,
        "mendeley": {"formattedCitation": plain, "plainTextFormattedCitation": plain},
        "properties": {"noteIndex": 0},
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return "ADDIN CSL_CITATION " + json.dumps(citation)


def endnote(author: str, year: int, title: str, display: str) -> str:
    return (
        f" ADDIN EN.CITE <EndNote><Cite><Author>{author}</Author><Year>{year}</Year>"
        f"<RecNum>7</RecNum><DisplayText>{display}</DisplayText><record><rec-number>7</rec-number>"
        f"<contributors><authors><author>{author}, B.</author></authors></contributors>"
        f'<titles><title><style face="normal">{title}</style></title></titles>'
        f"<dates><year>{year}</year></dates></record></Cite></EndNote>"
    )


SMITH = csl_item("Smith", 2020, "Cooperation in small groups", "10.1000/smith.2020", 1)
SMITH_OTHER_DOI = "10.1000/smith.other"
LEE = csl_item("Lee", 2019, "Trust and reciprocity in villages", item_id=2)

BIB = """
@article{smith2020coop, author = {Smith, Anne}, year = {2020},
  title = {Cooperation in Small Groups}, doi = {10.1000/smith.2020}, journal = {J}}
@article{smith2020other, author = {Smith, Alan}, year = {2020},
  title = {Another paper entirely}, doi = {10.1000/smith.other}, journal = {J}}
@article{lee2019, author = {Lee, Bo}, year = {2019},
  title = {Trust and Reciprocity in Villages}, journal = {J}}
@article{brown2018, author = {Brown, Cy}, year = {2018},
  title = {Commons and their keepers}, journal = {J}}
"""


def manuscript_paragraphs(*, smith_visible: str = "(Smith, 2020)") -> list[str]:
    bibliography = ' ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY '
    return [
        run("Cooperation"),
        run("Groups cooperate ")
        + complex_field(zotero([SMITH], "(Smith, 2020)"), smith_visible)
        + run(" and villages trust ")
        + simple_field(mendeley([LEE], "(Lee, 2019)"), "(Lee, 2019)")
        + run(" while keepers guard ")
        + complex_field(
            endnote("Brown", 2018, "Commons and their keepers", "(Brown, 2018)"), "(Brown, 2018)"
        )
        + run("."),
        # The bibliography field spans three paragraphs: it begins in the first, ends in the last.
        field_begin(bibliography) + run("Lee, B. (2019). Trust and reciprocity in villages. J."),
        run("Smith, A. (2020). Cooperation in small groups. J."),
        run("Unrelated, Z. (2001). Not cited. J.") + FIELD_END,
    ]


# ----------------------------------------------------------------------------- paragraphs


def _docx(paragraphs: list[str], path: Path) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_docx_paragraphs_are_lines(tmp_path: Path) -> None:
    path = _docx(["Title", "", "Text (Chang, 2020) here."], tmp_path / "m.docx")
    manuscript = read_manuscript(path)
    assert manuscript.kind == "docx"
    at = manuscript.text.index("Chang")
    assert manuscript.line_of(at) == 3
    assert manuscript.paragraph_of(at) == 3


def _zip_with_document(path: Path, data: bytes, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", data)
        for name, payload in extra.items():
            archive.writestr(name, payload)
    return path


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    # Highly compressible: the ratio check refuses it before anything is inflated.
    bomb = _zip_with_document(tmp_path / "bomb.docx", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    with pytest.raises(InputError, match="expands too far"):
        read_docx_paragraphs(bomb)
    assert DOCX_MAX_XML_BYTES < 1 << 30


def test_docx_doctype_and_damage_are_refused(tmp_path: Path) -> None:
    doctype = _zip_with_document(
        tmp_path / "dtd.docx", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_docx_paragraphs(doctype)
    not_zip = tmp_path / "no.docx"
    not_zip.write_bytes(b"plain text")
    with pytest.raises(InputError, match="zip"):
        read_manuscript(not_zip)
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("other.xml", b"<a/>")
    with pytest.raises(InputError, match=r"no word/document\.xml"):
        read_manuscript(empty)


def test_docx_with_malformed_xml_is_an_input_error(tmp_path: Path) -> None:
    path = _zip_with_document(tmp_path / "bad.docx", b"<w:document xmlns:w='x'><w:body>")
    with pytest.raises(InputError, match="not XML"):
        read_manuscript(path)


def test_a_utf16_document_declaring_entities_is_refused(tmp_path: Path) -> None:
    # The DOCTYPE check must not depend on the encoding: in UTF-16 the bytes "<!DOCTYPE"
    # never occur, and the entities must not be expanded either way.
    laughs = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY a "lol">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>'
    )
    path = _zip_with_document(tmp_path / "utf16.docx", laughs.encode("utf-16"))
    with pytest.raises(InputError, match="DOCTYPE"):
        read_docx_paragraphs(path)


def test_an_encrypted_member_is_an_input_error(tmp_path: Path) -> None:
    path = _zip_with_document(tmp_path / "locked.docx", f'<w:document xmlns:w="{W}"/>'.encode())
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag in the local and the central header, as a password does.
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(signature)
        flag_at = at + (6 if signature == b"PK\x03\x04" else 8)
        data[flag_at] |= 0x1
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="encrypted"):
        read_manuscript(path)


# ----------------------------------------------------------------------------- fields


def test_fields_are_read_from_complex_and_simple_fields(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "paper.docx", manuscript_paragraphs())
    manuscript = read_manuscript(path)
    citations = [f for f in manuscript.fields if not f.bibliography]
    assert [(f.manager, manuscript.text[f.start : f.end]) for f in citations] == [
        ("Zotero", "(Smith, 2020)"),
        ("Mendeley", "(Lee, 2019)"),
        ("EndNote", "(Brown, 2018)"),
    ]
    zotero_field, mendeley_field, endnote_field = citations
    assert zotero_field.items[0].surnames == ("Smith",)
    assert zotero_field.items[0].doi == "10.1000/smith.2020"
    assert zotero_field.formatted == "(Smith, 2020)"
    assert mendeley_field.items[0].title == "Trust and reciprocity in villages"
    assert endnote_field.items[0].surnames == ("Brown",)
    assert endnote_field.items[0].title == "Commons and their keepers"
    assert endnote_field.formatted == "(Brown, 2018)"
    # The instruction text is not on the page.
    assert "ADDIN" not in manuscript.text and "itemData" not in manuscript.source
    # Paragraph 2 holds the citations; the bibliography field spans paragraphs 3 to 5.
    assert {manuscript.paragraph_of(f.start) for f in citations} == {2}
    (bibliography,) = [f for f in manuscript.fields if f.bibliography]
    assert manuscript.paragraph_of(bibliography.start) == 3
    assert manuscript.paragraph_of(bibliography.end) == 5
    # No "References" heading: the bibliography field is the reference list.
    assert [r.authors[0] for r in manuscript.references] == ["Lee", "Smith", "Unrelated"]
    assert "Lee, B." not in manuscript.body


def test_superscript_numbers_become_bracketed_markers(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "numeric.docx",
        [
            run("Groups cooperate")
            + run("1,3", superscript=True)
            + run("–5", superscript=True)
            + run(" in an area of 20 m")
            + run("2", superscript=True)
            + run(" and 10")
            + run("5", superscript=True)
            + run(" times."),
        ],
    )
    manuscript = read_manuscript(path)
    assert manuscript.text.startswith("Groups cooperate[1,3-5] in an area of 20 m2 and 105 times.")
    at = manuscript.text.index("[1,3-5]")
    # The marker maps back to the superscript run: paragraph 1, column 17.
    assert manuscript.locate(at) == (1, 17, 1)
    after = manuscript.text.index("in an area")
    assert manuscript.column_of(after) == manuscript.source.index("in an area") + 1


def test_endnote_data_in_fld_data_and_an_unreadable_field(tmp_path: Path) -> None:
    import base64

    xml = endnote("Brown", 2018, "Commons and their keepers", "(Brown, 2018)")
    data = base64.b64encode(xml[xml.index("<EndNote") :].encode()).decode()
    # EndNote's long form: the XML in w:fldData, an EN.CITE.DATA field nested in the
    # instruction, and nothing but "ADDIN EN.CITE" in the instruction text.
    long_form = (
        f'<w:r><w:fldChar w:fldCharType="begin"><w:fldData xml:space="preserve">{data}'
        '</w:fldData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> ADDIN EN.CITE '
        "</w:instrText></w:r>"
        + field_begin(" ADDIN EN.CITE.DATA ").replace(
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', ""
        )
        + FIELD_END
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("(Brown, 2018)")
        + FIELD_END
    )
    broken = complex_field(' ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "(Chang, 2020)")
    path = make_docx(
        tmp_path / "endnote.docx", [run("Keepers guard ") + long_form, run("See ") + broken]
    )
    manuscript = read_manuscript(path)
    endnote_field, zotero_field = manuscript.fields
    assert endnote_field.manager == "EndNote" and not endnote_field.problem
    assert endnote_field.items[0].surnames == ("Brown",)
    assert manuscript.text[endnote_field.start : endnote_field.end] == "(Brown, 2018)"
    assert zotero_field.problem and not zotero_field.items
    (warning,) = manuscript.warnings
    assert warning.startswith("paragraph 2: a Zotero citation field cannot be read")
