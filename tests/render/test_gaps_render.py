from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import pytest
from rich.console import Console

from cybercoop_cli.analysis.gaps import GapReport, find_gaps
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import Claim, Facet, Note, Person, Project, Review, Section, Source
from cybercoop_cli.render.gaps_html import anchor, file_href, gaps_html, heat_level
from cybercoop_cli.render.gaps_json import gaps_data, gaps_json
from cybercoop_cli.render.gaps_markdown import gaps_markdown, md_escape
from cybercoop_cli.render.gaps_terminal import render_gaps

TODAY = date(2026, 2, 4)
Golden = Callable[[str, str], None]


@pytest.fixture
def example_report(example_project: Path) -> GapReport:
    return find_gaps(load_project(example_project), today=TODAY)


def terminal(report: GapReport, width: int = 100) -> str:
    buffer = io.StringIO()
    render_gaps(report, Console(file=buffer, width=width, color_system=None, highlight=False))
    return buffer.getvalue()


# --------------------------------------------------------------------------- goldens


def test_terminal_golden(example_report: GapReport, golden: Golden) -> None:
    golden("gaps-example.txt", terminal(example_report))


def test_terminal_wide_shows_section_ids_as_headers(example_report: GapReport) -> None:
    wide = terminal(example_report, width=160)
    header = next(line for line in wide.splitlines() if "source" in line and "intro" in line)
    assert "implementation" in header and "conclusion" in header
    narrow = terminal(example_report, width=90)
    assert "3 implementation  2. Implementation" in narrow  # legend for numbered columns


def test_markdown_golden(example_report: GapReport, golden: Golden) -> None:
    golden("gaps-example.md", gaps_markdown(example_report))


def test_json_golden(example_report: GapReport, golden: Golden) -> None:
    golden("gaps-example.json", gaps_json(example_report))


def test_html_golden(example_report: GapReport, golden: Golden) -> None:
    golden("gaps-example.html", gaps_html(example_report))


# --------------------------------------------------------------------------- JSON shape


def test_json_findings_have_exactly_the_documented_fields(example_report: GapReport) -> None:
    data = json.loads(gaps_json(example_report))
    assert set(data) == {"title", "manuscript", "summary", "coverage", "findings"}
    for finding in data["findings"]:
        assert set(finding) == {
            "kind",
            "severity",
            "section",
            "source",
            "file",
            "line",
            "message",
            "candidate",
        }
    matrix = data["coverage"]["matrix"]
    assert matrix["chang2020legislative"]["framework"] == 2
    assert all(row["implementation"] == 0 for row in matrix.values())
    assert data["coverage"]["balance"]["median_age"] == 4.5
    assert data["summary"] == {"error": 1, "warning": 6, "info": 3}


# --------------------------------------------------------------------------- escaping


@pytest.fixture
def hostile_report() -> GapReport:
    evil = "<script>alert(1)</script> [bold]x[/bold] | *y* _z_ `c` &amp;"
    review = Review(
        file=Path("/r/cybercoop.yaml"),
        title=f"Title {evil}",
        question="Q",
        facets=(Facet("f", f"Question {evil}"),),
        sections=(Section("s1", f"Section {evil}"), Section("s2", "Empty")),
        references_dir=Path("/r/references"),
        notes_dir=Path("/r/notes"),
        date="2026",
    )
    source = Source(
        key="k<1>",
        entry_type="article",
        file="references/a b.bib",
        line=2,
        fields=MappingProxyType({"title": "t"}),
        authors=(Person(family=f"Name {evil}"),),
        title=f"Paper {evil}",
        year=2020,
    )
    note = Note(
        key="k<1>", file="notes/k.md", line=1, claims=(Claim(f"Claim {evil}", ("s1",), ("f",)),)
    )
    return find_gaps(Project(review, (source,), (note,)), today=TODAY)


def test_html_escapes_everything_from_inputs(hostile_report: GapReport) -> None:
    page = gaps_html(hostile_report)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 2  # the page's own two scripts, nothing else
    assert 'id="source-k_3c_1_3e_"' in page and 'href="#source-k_3c_1_3e_"' in page
    assert 'href="references/a%20b.bib"' in page
    _parse(page)


def test_markdown_escapes_inputs(hostile_report: GapReport) -> None:
    text = gaps_markdown(hostile_report)
    assert "<script>" not in text
    assert r"\<script\>" in text
    assert r"\| \*y\* \_z\_ \`c\` \&amp;" in text
    table = [line for line in text.splitlines() if line.startswith("| Name")]
    # five cells (source, s1, s2, untagged, total): no cell is split by the "|" in a name
    assert table and all(len(re.split(r"(?<!\\)\|", line)) == 7 for line in table)
    assert md_escape("a\nb  c") == "a b c"


def test_terminal_prints_markup_literally(hostile_report: GapReport) -> None:
    assert "[bold]x[/bold]" in terminal(hostile_report, width=200)


def test_json_keeps_inputs_verbatim(hostile_report: GapReport) -> None:
    data = gaps_data(hostile_report)
    assert data["title"].startswith("Title <script>")


# --------------------------------------------------------------------------- HTML details


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag in {"link", "img", "iframe", "object", "embed"} or "src" in values:
            self.external.append(tag)


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_html_is_self_contained_and_its_anchors_resolve(example_report: GapReport) -> None:
    page = gaps_html(example_report)
    parsed = _parse(page)
    assert parsed.external == []
    assert not re.search(r"url\(|@import", page)
    assert "default-src 'none'" in page
    assert len(parsed.ids) == len(set(parsed.ids))
    for href in parsed.hrefs:
        if href.startswith("#"):
            assert href[1:] in parsed.ids, href
    assert "notes/amoo2024legal.md" in parsed.hrefs
    assert "references/cybercrime-cooperation.bib" in parsed.hrefs
    assert 'class="heat heat-0 bare"' in page  # the implementation column is marked
    assert "@media print" in page


def test_html_file_links_follow_the_report_location(example_report: GapReport) -> None:
    page = gaps_html(example_report, root_href="../")
    assert 'href="../notes/amoo2024legal.md"' in page
    assert file_href("/abs/notes/x y.md", "../") == "file:///abs/notes/x%20y.md"


def test_heat_levels_and_anchors() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 8)] == [0, 1, 1, 2, 2, 4]
    assert heat_level(1, 1) == 4
    assert heat_level(0, 0) == 0
    assert anchor("source", "a:b/c") == "source-a_3a_b_2f_c"
