"""Acceptance 3: our reading of BibTeX formats exactly as pandoc's own reading does.

For every entry, the reference pandoc formats from our CSL items equals (as a pandoc AST)
the one it formats when it reads the same .bib file itself, in the same style; the
deliberate exceptions are listed, with reasons, in tests/data/pandoc-known-differences.yaml.
One pandoc run per file and style on each side keeps this fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.export_agreement import visible
from bench.known_differences import load
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.render.bibliography import (
    _find_refs,
    _nocite_all,
    render_references,
    resolve_style,
)
from cybercoop_cli.render.csl import to_csl
from cybercoop_cli.render.pandoc import document, run_json

REPO = Path(__file__).resolve().parents[2]
KNOWN = REPO / "tests" / "data" / "pandoc-known-differences.yaml"
STYLES = (
    "apa",
    "modern-language-association",
    "chicago-author-date",
    "ieee",
    "vancouver",
    "oscola",
)
# A fixed sample of the corpus, one of each kind (a biblatex test file, a JOSS paper, an R
# package's APA manuscripts, a JOSS PDF's sources), so the suite stays fast; the whole
# corpus is compared by bench/export_agreement.py. (joss-pandoc/rempsyc/paper.bib is not
# in it: pandoc itself cannot read that file.)
CORPUS_SAMPLE = (
    "bibtex-parsing/biblatex/biblatex-examples.bib",
    "joss-pandoc/inara/paper.bib",
    "papaja-apa/references.bib",
    "joss-pdf/FastPCA/paper.bib",
)


def pandoc_reading(path: Path, style: str) -> dict[str, Any]:
    # No lang: pandoc then uses the style's default-locale, as cybercoop does.
    meta = {"nocite": _nocite_all()}
    csl = resolve_style(style).path
    result = run_json(document([], meta), ["--citeproc", f"--csl={csl}", f"--bibliography={path}"])
    return {b["c"][0][0][4:]: b["c"][1] for b in _find_refs(result["blocks"])}


def our_reading(path: Path, style: str) -> dict[str, Any]:
    bibliography = read_bibliography([path])
    items = [to_csl(s) for s in bibliography.sources]
    return {r.key: list(r.blocks) for r in render_references(items, resolve_style(style))}


def compare(path: Path, name: str, style: str) -> None:
    theirs = pandoc_reading(path, style)
    ours = our_reading(path, style)
    assert sorted(ours) == sorted(theirs), "both readings must give the same entries"
    known = load(KNOWN)
    expected = known.listed(name, style, sorted(theirs))
    differing = {k for k in theirs if json.dumps(ours[k]) != json.dumps(theirs[k])}
    fields = {s.key: s.fields for s in read_bibliography([path]).sources}
    # a cause many entries share is a rule: it must explain the visible difference
    by_rule = {
        k
        for k in differing - set(expected)
        if known.rule(name, style, fields[k], visible(ours[k]), visible(theirs[k]))
    }
    unexpected = differing - set(expected) - by_rule
    assert not unexpected, (
        f"{name} ({style}): entries render differently from pandoc: {sorted(unexpected)}"
    )
    stale = set(expected) - differing
    assert not stale, f"listed differences no longer differ, remove them: {sorted(stale)}"


@pytest.mark.parametrize("style", STYLES)
def test_example_agrees_with_pandoc(style: str) -> None:
    compare(
        REPO / "references" / "cybercrime-cooperation.bib",
        "references/cybercrime-cooperation.bib",
        style,
    )


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", CORPUS_SAMPLE)
def test_corpus_sample_agrees_with_pandoc(corpus: Path, name: str, style: str) -> None:
    compare(corpus / name, name, style)
