"""The corpus sweep: every real file in ../shared/corpus goes through the readers.

Every .bib file is read with ``read_bibliography``; every manuscript (.md, .Rmd, .tex,
and the GROBID TEI and JATS XML read as plain text) with ``read_manuscript`` (or
``parse_manuscript``) and ``find_citations``. Nothing may raise, and every problem must
name its file and a line inside it. Print the summary with::

    python tests/test_robustness_corpus.py

docs/robustness.md quotes that summary; a test keeps it honest.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # when run as a script
    sys.path.insert(0, str(REPO))

from cybercoop_cli.analysis.citations import find_citations  # noqa: E402
from cybercoop_cli.ingest.bibtex import read_bibliography  # noqa: E402
from cybercoop_cli.ingest.manuscript import parse_manuscript, read_manuscript  # noqa: E402
from cybercoop_cli.ingest.text import decode  # noqa: E402
from cybercoop_cli.model import Problem  # noqa: E402

# Problems about a whole file rather than a place in it.
FILE_LEVEL_CODES = frozenset({"bib-encoding", "bib-unreadable", "bib-too-large"})
MANUSCRIPT_SUFFIXES = frozenset({".md", ".rmd", ".tex", ".xml"})


@dataclass
class Sweep:
    bib_files: int = 0
    entries: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    manuscripts: int = 0
    citations: int = 0
    # "file: what went wrong" for every unhandled exception or misplaced problem
    failures: list[str] = field(default_factory=list)
    per_file: dict[str, tuple[int, Counter[str]]] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{code} {count:,}" for code, count in sorted(self.problems.items()))
        return (
            f"{self.bib_files:,} .bib files, {self.entries:,} entries recovered, "
            f"{sum(self.problems.values()):,} problems ({kinds}); "
            f"{self.manuscripts:,} manuscripts, {self.citations:,} citations found; "
            f"{len(self.failures)} unhandled exceptions or misplaced problems; "
            f"{self.seconds:.1f} s"
        )


def sweep(root: Path) -> Sweep:
    result = Sweep()
    started = time.perf_counter()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(root))
        suffix = path.suffix.lower()
        if suffix == ".bib":
            _sweep_bib(path, name, result)
        elif suffix in MANUSCRIPT_SUFFIXES:
            _sweep_manuscript(path, name, result)
    result.seconds = time.perf_counter() - started
    return result


def _sweep_bib(path: Path, name: str, result: Sweep) -> None:
    result.bib_files += 1
    try:
        bibliography = read_bibliography([path])
    except Exception as exc:  # the point of the sweep: nothing may escape
        result.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        return
    lines = path.read_bytes().count(b"\n") + 1
    codes: Counter[str] = Counter()
    for problem in bibliography.problems:
        codes[problem.code] += 1
        where = _misplaced(problem, str(path), lines)
        if where:
            result.failures.append(f"{name}: {where}: {problem}")
    for source in bibliography.sources:
        if source.file != str(path) or not 1 <= source.line <= lines:
            result.failures.append(f"{name}: source {source.key} at {source.file}:{source.line}")
    result.entries += len(bibliography.sources)
    result.problems.update(codes)
    result.per_file[name] = (len(bibliography.sources), codes)


def _misplaced(problem: Problem, file: str, lines: int) -> str | None:
    if problem.file != file:
        return "problem names another file"
    if problem.line is None:
        return None if problem.code in FILE_LEVEL_CODES else "problem without a line"
    if not 1 <= problem.line <= lines:
        return f"line {problem.line} outside 1..{lines}"
    return None


def _sweep_manuscript(path: Path, name: str, result: Sweep) -> None:
    result.manuscripts += 1
    try:
        if path.suffix.lower() == ".xml":
            text, warning = decode(path.read_bytes())
            manuscript = parse_manuscript(text, "text", name, warnings=[warning] if warning else [])
        else:
            manuscript = read_manuscript(path, display=name)
        citations = find_citations(manuscript.body)
        for citation in citations:
            manuscript.line_of(citation.start)
    except Exception as exc:
        result.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        return
    result.citations += len(citations)


@pytest.fixture(scope="module")
def swept() -> Sweep:
    corpus = REPO.parent / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"corpus folder {corpus} is absent")
    return sweep(corpus)


def test_the_whole_corpus_reads_without_an_unhandled_exception(swept: Sweep) -> None:
    print(swept.summary())
    assert swept.failures == []
    assert swept.bib_files >= 250 and swept.manuscripts >= 8
    assert swept.entries > 18_000
    assert swept.citations > 200


# Files with known errors: how many entries are recovered and which problems are reported.
KNOWN = {
    # Six entries lack the comma before doi={...}; one has a bare 'doi:...' line.
    "joss-pandoc/rempsyc/paper.bib": (18, {"bib-missing-comma": 6, "bib-missing-equals": 1}),
    # python-bibtexparser's own fixtures
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/wrong.bib": (2, {"bib-unknown-type": 1}),
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/crossref_cascading_cycle.bib": (
        2,
        {"bib-crossref": 2},
    ),
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/article_missing_coma.bib": (4, {}),
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/traps.bib": (1, {}),
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/article_start_with_bom.bib": (1, {}),
    "bibtex-parsing/bibtex-tidy/python-bibtexparser/book_bom.bib": (1, {}),
    # biber's test data: xdata fields written without '=', a duplicate key; 7 references
    # (its 19 @xdata entries only hold fields for others)
    "bibtex-parsing/biber/xdata.bib": (7, {"bib-crossref": 4, "bib-missing-equals": 9}),
    "bibtex-parsing/biber/examples.bib": (131, {"bib-duplicate-key": 1, "bib-unknown-type": 1}),
    "bibtex-parsing/bibtex-tidy/others/example1.bib": (
        8,
        {"bib-missing-equals": 1, "bib-unknown-type": 1},
    ),
    # Latin-1 files, decoded with a warning naming Windows-1252
    "bibtex-parsing/biber/encoding1.bib": (None, {"bib-encoding": 1}),
    # Control characters (U+0001, form feed) in real Better BibTeX bug reports
    "bibtex-parsing/bibtex-tidy/better-bibtex/Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib": (
        None,
        {"bib-encoding": 1},
    ),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_files_with_known_errors(swept: Sweep, name: str) -> None:
    entries, problems = KNOWN[name]
    got_entries, got_codes = swept.per_file[name]
    if entries is not None:
        assert got_entries == entries
    wanted = {code: got_codes[code] for code in problems} if entries is None else dict(got_codes)
    if entries is not None:
        wanted.pop("bib-unknown-macro", None)
    assert wanted == problems


if __name__ == "__main__":
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "corpus"
    outcome = sweep(corpus)
    print(outcome.summary())
    for failure in outcome.failures:
        print("FAILURE", failure)
    sys.exit(1 if outcome.failures else 0)
