"""`--to csl-json` output is valid CSL-JSON, and BibTeX and CSL-JSON round trips lose nothing.

The schema is the official one (tests/data/csl-data.json, MIT, see csl-data.SOURCE.md).
A round trip is what a user does: export, import the file into a new review, export again;
every field a reference manager shows must come back the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.analysis.annotated import AnnotatedEntry
from cybercoop_cli.cli.app import app
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.render.annotated import csl_json
from tests.conftest import CORPUS, DATA, REPO

SCHEMA = DATA / "csl-data.json"
FIDELITY = Path(__file__).with_name("test_export_fidelity.py")

# What Zotero and JabRef show for an item, as CSL-JSON variables.
SHOWN = (
    "type",
    "title",
    "container-title",
    "author",
    "editor",
    "translator",
    "issued",
    "accessed",
    "publisher",
    "publisher-place",
    "volume",
    "issue",
    "page",
    "edition",
    "DOI",
    "URL",
    "ISBN",
    "ISSN",
    "note",
    "version",
    "genre",
    "authority",
    "collection-title",
)


def validate(data: object) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def entries(path: Path) -> list[AnnotatedEntry]:
    return [AnnotatedEntry(s, ()) for s in read_bibliography([path]).sources]


def test_example_and_repro_csl_json_is_valid(tmp_path: Path) -> None:
    validate(json.loads(csl_json(entries(REPO / "references" / "cybercrime-cooperation.bib"))))
    from tests.render.test_export_fidelity import REPRO

    bib = tmp_path / "repro.bib"
    bib.write_text(REPRO, encoding="utf-8")
    data = json.loads(csl_json(entries(bib)))
    validate(data)
    assert not any("issued" in i and i["issued"] == {"date-parts": []} for i in data)


@pytest.mark.parametrize(
    "name",
    [
        "bibtex-parsing/biblatex/biblatex-examples.bib",
        "bibtex-parsing/biber/dateformats.bib",
        "joss-pandoc/inara/paper.bib",
        "papaja-apa/r-references.bib",
    ],
)
def test_corpus_csl_json_is_valid(corpus: Path, name: str) -> None:
    validate(json.loads(csl_json(entries(corpus / name))))


def _review(tmp_path: Path, name: str) -> Path:
    runner = CliRunner()
    folder = tmp_path / name
    result = runner.invoke(
        app, ["init", "--no-input", "--title", "R", "--question", "Q", str(folder)]
    )
    assert result.exit_code == 0, result.output
    return folder


def _export(folder: Path, fmt: str, out: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--project", str(folder), "--to", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output


def _import(folder: Path, path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "--project", str(folder), str(path)])
    assert result.exit_code in (0, 1), result.output


def shown(path: Path) -> dict[str, dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {i["id"]: {k: i[k] for k in SHOWN if k in i} for i in data}


@pytest.mark.parametrize("fmt,suffix", [("bibtex", "bib"), ("csl-json", "json")])
def test_round_trip_loses_no_shown_field(tmp_path: Path, fmt: str, suffix: str) -> None:
    source = tmp_path / "source.bib"
    text = (REPO / "references" / "cybercrime-cooperation.bib").read_text(encoding="utf-8")
    from tests.render.test_export_fidelity import REPRO

    source.write_text(text + REPRO, encoding="utf-8")
    first = _review(tmp_path, "first")
    shutil.copy2(source, first / "references" / "source.bib")
    _export(first, fmt, tmp_path / f"one.{suffix}")
    _export(first, "csl-json", tmp_path / "one.json" if fmt != "csl-json" else tmp_path / "a.json")
    second = _review(tmp_path, "second")
    _import(second, tmp_path / f"one.{suffix}")
    _export(second, "csl-json", tmp_path / "two.json")
    before = shown(tmp_path / ("one.json" if fmt != "csl-json" else "a.json"))
    after = shown(tmp_path / "two.json")
    assert sorted(after) == sorted(before)
    for key in before:
        assert after[key] == before[key], key


def test_schema_file_is_present() -> None:
    assert SCHEMA.is_file() and CORPUS is not None and FIDELITY.is_file()
