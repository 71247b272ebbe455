"""Hostile input: crafted sources, notes, YAML and Word files can do no harm.

Each test here fails when its protection is removed. Checked by mutation (a copy of the
tree with the protection disabled, then these tests run): the HTML escaping in
``render/gaps_html._e`` and ``render/gaps_markdown.md_escape`` (identity: the gaps tests
fail); the alias refusal in ``yamlnodes._convert`` (the bomb test then runs for minutes);
the compression-ratio limit in ``docx.read_docx_paragraphs`` (the zip-bomb test
fails). The export tests assert on the final HTML, Markdown-rendered-as-HTML and LaTeX, so
any path by which note or .bib text reached them as markup would fail them; they were not
mutation-checked one by one, and neither were the duplicate-key, DOCTYPE, member-count and
size-limit tests, whose assertions name the specific refusal.
"""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest import docx as docx_module
from cybercoop_cli.ingest.docx import read_docx_paragraphs
from cybercoop_cli.ingest.notes import read_note
from cybercoop_cli.ingest.review import read_review

EVIL_BIB = r"""@article{evil2021,
  author = {Kiddie, Script and {<img src=x onerror=alert(1)>}},
  title = {<script>alert("title")</script> \input{/etc/passwd} \write18{touch pwned} \catcode`\^^M=13 \immediate\openout5=x.tex},
  journal = {<a href="javascript:alert(2)">Journal</a>},
  year = {2021},
  volume = {1},
  pages = {1--2},
  url = {javascript:alert(document.cookie)},
}

@misc{x<script>alert(12)</script>,
  title = {A key that is itself markup},
  year = {2020},
}
"""

EVIL_NOTE = r"""---
key: evil2021
tags: [hostile]
annotation:
  summary: "Click [here](javascript:alert(3)) or <a href='javascript:alert(4)'>here</a>; <script>alert(5)</script>"
  evaluation: "<img src=x onerror=alert(6)> \\input{/etc/passwd} \\write18{touch pwned2} \\catcode`\\^^M=13"
  relevance: "<javascript:alert(7)> and <svg onload=alert(8)>"
claims:
  - text: "<script>alert(9)</script> claim [x](javascript:alert(10)) \\input{/etc/shadow}"
    sections: [framework]
    facets: [effectiveness]
    quote: "<b onmouseover=alert(13)>quoted</b>"
---
Body <iframe src="javascript:alert(11)"></iframe> \input{/etc/passwd}
"""

ACTIVE_TAGS = {"script", "iframe", "img", "svg", "object", "embed", "a", "b", "link", "meta"}


class ActiveContent(HTMLParser):
    """Collects everything in a page that could run: script-ish tags, event handlers,
    and javascript:/data:/vbscript: addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        elif tag in {"iframe", "img", "svg", "object", "embed", "b"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            scheme = (value or "").strip().lower().replace("\n", "")
            if scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def active_content(page: str) -> ActiveContent:
    parser = ActiveContent()
    parser.feed(page)
    parser.close()
    return parser


def markdown_as_html(text: str) -> str:
    """What a Markdown viewer makes of a file: pandoc with raw HTML allowed."""
    import pypandoc

    return str(pypandoc.convert_text(text, "html", format="markdown"))


@pytest.fixture
def hostile(example_project: Path) -> Path:
    (example_project / "references" / "evil.bib").write_text(EVIL_BIB, encoding="utf-8")
    (example_project / "notes" / "evil2021.md").write_text(EVIL_NOTE, encoding="utf-8")
    return example_project


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--project", str(project)])
    return result.exit_code, result.stdout


def test_the_hostile_inputs_are_read(hostile: Path) -> None:
    _, out = run(hostile, "sources", "--format", "json")
    keys = [s["key"] for s in json.loads(out)["sources"]]
    assert "evil2021" in keys and "x<script>alert(12)</script>" in keys


# --------------------------------------------------------------------------- export


def test_export_html_has_no_active_content(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.html"
    code, _ = run(hostile, "export", "-o", str(out), "--parts", "summary,evaluation,relevance,body")
    assert code == 0
    page = out.read_text(encoding="utf-8")
    parsed = active_content(page)
    assert parsed.found == []
    assert parsed.scripts == []
    # ... and the text is still there, as text
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(6)&gt;" in page


def test_export_markdown_renders_to_harmless_html(hostile: Path) -> None:
    code, text = run(hostile, "export", "--parts", "summary,evaluation,relevance,body")
    assert code == 0
    assert "alert(5)" in text and "alert(9)" not in text  # claims are not exported
    parsed = active_content(markdown_as_html(text))
    assert parsed.found == [] and parsed.scripts == []


def test_export_latex_cannot_run_or_read_anything(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.tex"
    code, _ = run(hostile, "export", "-o", str(out), "--parts", "summary,evaluation,relevance,body")
    assert code == 0
    document = out.read_text(encoding="utf-8")
    body = document[document.index("\\begin{document}") :]
    for command in ("\\input", "\\write", "\\catcode", "\\openout", "\\immediate", "\\read"):
        assert command not in body, command
    assert "^^" not in body  # ^^M would be a character code when ^ is a superscript
    # The note's commands come out as the text the note had:
    assert "\\textbackslash input\\{/etc/passwd\\}" in body
    assert "\\textbackslash write18\\{touch pwned2\\}" in body


def test_export_bibtex_escapes_the_annotation(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.bib"
    code, _ = run(hostile, "export", "-o", str(out), "--parts", "evaluation")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    annote = next(line for line in text.splitlines() if "alert(6)" in line)
    assert "\\input" not in annote and "\\write18" not in annote and "\\catcode" not in annote
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in annote


# --------------------------------------------------------------------------- gaps


def test_gaps_html_has_no_active_content_but_its_own(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.html"
    code, _ = run(hostile, "gaps", "--format", "html", "-o", str(out))
    assert code in (0, 1)
    page = out.read_text(encoding="utf-8")
    parsed = active_content(page)
    assert parsed.found == []
    assert len(parsed.scripts) == 2  # the page's own error trap and filter script
    assert all("alert(" not in script for script in parsed.scripts)
    assert "x&lt;script&gt;alert(12)&lt;/script&gt;" in page


def test_gaps_markdown_renders_to_harmless_html(hostile: Path) -> None:
    code, text = run(hostile, "gaps", "--format", "md")
    assert code in (0, 1)
    assert "alert(12)" in text
    parsed = active_content(markdown_as_html(text))
    assert parsed.found == [] and parsed.scripts == []


# --------------------------------------------------------------------------- YAML

ALIAS_BOMB = """---
key: chang2020legislative
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def test_a_yaml_alias_bomb_in_a_note_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.md"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    note, problems = read_note(path, "notes/bomb.md")
    assert note is None
    assert [(p.code, p.line) for p in problems] == [("note-yaml", 3)]  # the anchor's line
    assert "aliases" in problems[0].message


def test_a_yaml_alias_bomb_in_the_review_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cybercoop.yaml"
    path.write_text(ALIAS_BOMB.replace("---\n", "").replace("key:", "title:"), encoding="utf-8")
    with pytest.raises(InputError, match="aliases"):
        read_review(path)


def test_a_duplicate_key_in_front_matter_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "twice.md"
    path.write_text(
        "---\nkey: chang2020legislative\ntags: [a]\nkey: amoo2024legal\n---\n", encoding="utf-8"
    )
    note, problems = read_note(path, "notes/twice.md")
    assert note is None
    assert [p.line for p in problems] == [4]
    assert problems[0].code in {"note-yaml", "note-schema"}
    assert "duplicate key 'key' (first on line 2)" in problems[0].message


def test_yaml_tags_cannot_build_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "tagged.md"
    path.write_text(
        "---\nkey: !!python/object/apply:os.system ['touch pwned']\n---\n", encoding="utf-8"
    )
    note, problems = read_note(path, "notes/tagged.md")
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert note is None and problems  # the tag is ignored: the key is a list, not a name


# --------------------------------------------------------------------------- .docx

DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body>{paragraphs}</w:body></w:document>"
)


def docx(path: Path, document: str, *, extra_members: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        for index in range(extra_members):
            archive.writestr(f"word/media/{index}.bin", b"")
    return path


def paragraphs(*texts: str) -> str:
    return DOCUMENT.format(
        paragraphs="".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
    )


def test_an_ordinary_docx_is_read(tmp_path: Path) -> None:
    path = docx(tmp_path / "ok.docx", paragraphs("First (Chang, 2020).", "Second."))
    assert read_docx_paragraphs(path) == ["First (Chang, 2020).", "Second."]


def test_a_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    # 4 MB of one letter packs into a few kilobytes: a ratio far over 200:1, the
    # signature of a bomb (a real one expands to gigabytes).
    path = docx(tmp_path / "bomb.docx", paragraphs("a" * 4_000_000))
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    assert info.file_size / info.compress_size > docx_module.DOCX_MAX_RATIO
    with pytest.raises(InputError, match="zip bomb"):
        read_docx_paragraphs(path)
    result = CliRunner().invoke(app, ["check", str(path), "--bib", str(tmp_path / "none.bib")])
    assert result.exit_code == 3
    assert "zip bomb" in result.output


def test_a_docx_document_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docx_module, "DOCX_MAX_XML_BYTES", 10_000)
    monkeypatch.setattr(docx_module, "DOCX_MAX_RATIO", 10**9)
    path = docx(tmp_path / "big.docx", paragraphs(*(f"Paragraph {i}." for i in range(1_000))))
    with pytest.raises(InputError):
        read_docx_paragraphs(path)


def test_a_docx_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    limit = docx_module.DOCX_MAX_MEMBERS
    path = docx(tmp_path / "parts.docx", paragraphs("Hi."), extra_members=limit)
    with pytest.raises(InputError, match=f"over {limit}"):
        read_docx_paragraphs(path)


def test_a_docx_declaring_entities_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = docx(tmp_path / "laughs.docx", laughs)
    with pytest.raises(InputError, match="DOCTYPE"):
        read_docx_paragraphs(path)
