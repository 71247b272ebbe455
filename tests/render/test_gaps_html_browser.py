"""The HTML gap report in a real browser: headless Chromium renders it and we read the DOM.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Without it the test is skipped on a
developer's machine and fails under CI (``CI=true``), so the check cannot silently vanish.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cybercoop_cli.analysis.gaps import GapReport, find_gaps
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.gaps_html import gaps_html

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run must install Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def rendered_dom(page: Path, profile: Path, fragment: str = "") -> str:
    """The DOM after the page's scripts ran, as Chromium serialises it."""
    result = subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.resolve().as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class Dom(HTMLParser):
    """A flat list of elements with their attributes and own text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in {"meta", "input", "br", "link", "img"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text.append(data)

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag)
            and all(
                (v in e.attrs.get(k.rstrip("_"), "").split())
                if k.rstrip("_") == "class"
                else e.attrs.get(k.rstrip("_")) == v
                for k, v in attrs.items()
            )
        ]

    def by_id(self, element_id: str) -> Element:
        [element] = self.find(id=element_id)
        return element


@pytest.fixture
def report(example_project: Path) -> GapReport:
    return find_gaps(load_project(example_project), today=date(2026, 2, 4))


@pytest.fixture
def page(report: GapReport, example_project: Path) -> Path:
    path = example_project / "gaps.html"
    path.write_text(gaps_html(report), encoding="utf-8")
    return path


def test_heatmap_and_findings_render_without_script_errors(
    page: Path, report: GapReport, tmp_path: Path
) -> None:
    dom = Dom(rendered_dom(page, tmp_path / "profile"))
    [html] = dom.find("html")
    assert html.attrs.get("data-report-ready") == "yes", "the page's script did not finish"
    errors = dom.by_id("script-errors")
    assert "hidden" in errors.attrs
    assert not "".join(errors.text).strip(), "".join(errors.text)

    # the heatmap: one cell per source and section, the empty section marked
    assert dom.find("table", id="heatmap")
    cells = dom.find("td", class_="heat")
    sections = len(report.coverage.sections)
    assert len(cells) == len(report.coverage.sources) * sections == 36
    assert dom.by_id("section-implementation").attrs["class"].split() == [
        "section",
        "thin",
        "empty",
    ]
    assert sum(1 for c in cells if "bare" in c.attrs["class"].split()) == 6
    darkest = dom.find("td", class_="heat-4")
    assert [c.attrs["data-count"] for c in darkest] == ["2"]  # Chang in the framework section
    assert dom.by_id("source-chang2020legislative")

    # the findings: all shown, each linked to what it concerns
    items = dom.find("li", class_="finding")
    assert len(items) == len(report.findings) == 10
    assert not any("hidden" in item.attrs for item in items)
    assert html.attrs.get("data-shown") == "10"
    assert "showing 10 of 10" in "".join(dom.by_id("shown-count").text)
    first = dom.by_id("finding-1")
    assert first.attrs["data-kind"] == "section-no-source"
    assert "2. Implementation" in "".join(first.text)
    links = [a.attrs["href"] for a in dom.find("a", class_="to-section")]
    assert "#section-implementation" in links


def test_filters_from_the_address_hide_the_other_findings(page: Path, tmp_path: Path) -> None:
    dom = Dom(rendered_dom(page, tmp_path / "p1", "#severity=error"))
    visible = [i for i in dom.find("li", class_="finding") if "hidden" not in i.attrs]
    assert [i.attrs["data-severity"] for i in visible] == ["error"]
    assert dom.find("html")[0].attrs.get("data-shown") == "1"

    dom = Dom(rendered_dom(page, tmp_path / "p2", "#severity=warning,info&kind=missing-doi"))
    visible = [i for i in dom.find("li", class_="finding") if "hidden" not in i.attrs]
    assert [i.attrs["data-kind"] for i in visible] == ["missing-doi", "missing-doi"]
    assert not "".join(dom.by_id("script-errors").text).strip()


def test_a_script_error_would_be_seen(page: Path, tmp_path: Path) -> None:
    """Control: break the page on purpose and check the test's error trap reports it."""
    broken = page.with_name("broken.html")
    html = page.read_text(encoding="utf-8")
    marker = "<script>\n(function () {"
    assert marker in html
    broken.write_text(
        html.replace(marker, "<script>noSuchFunction();</script>\n" + marker, 1), "utf-8"
    )
    dom = Dom(rendered_dom(broken, tmp_path / "p3"))
    errors = dom.by_id("script-errors")
    assert "hidden" not in errors.attrs
    assert "noSuchFunction" in "".join(errors.text)
