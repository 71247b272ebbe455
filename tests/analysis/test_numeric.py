"""Numeric citations: bracketed, parenthesised and flattened-superscript numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cybercoop_cli.analysis.check import check_manuscript
from cybercoop_cli.analysis.numeric import (
    NumericCitation,
    find_numeric_citations,
    numbering,
)
from cybercoop_cli.ingest.manuscript import parse_manuscript

REPO = Path(__file__).resolve().parents[2]


def labels(count: int) -> dict[int, str]:
    return {n: f"ref-{n}" for n in range(1, count + 1)}


def cited(text: str, count: int = 20) -> list[tuple[str, int]]:
    return [(c.text, c.number) for c in find_numeric_citations(text, labels(count))]


def numbers(text: str, count: int = 20) -> list[int]:
    return [c.number for c in find_numeric_citations(text, labels(count))]


# --------------------------------------------------------------------------- brackets


def test_bracket_forms() -> None:
    text = "One [1]. Two [2, 3]. Spans [4-6] and [7–9]. Mixed [1, 10-11]. Spaced [ 12 ]."
    assert numbers(text) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 10, 11, 12]
    found = find_numeric_citations(text, labels(20))
    assert all(isinstance(c, NumericCitation) and c.shape == "bracket" for c in found)
    assert {c.text for c in found if c.number == 5} == {"[4-6]"}
    assert len({c.group for c in found if c.text == "[2, 3]"}) == 1


def test_bracket_pair_written_as_a_range() -> None:
    assert cited("Shown before [1]-[3] and [5]–[4].") == [
        ("[1]-[3]", 1),
        ("[1]-[3]", 2),
        ("[1]-[3]", 3),
        ("[5]–[4]", 4),
        ("[5]–[4]", 5),
    ]
    reversed_range = find_numeric_citations("Shown [9-7].", labels(20))
    assert [c.reversed_range for c in reversed_range] == [True, True, True]


def test_author_et_al_with_a_bracket() -> None:
    assert cited("As Smith et al. [31] showed.", 40) == [("[31]", 31)]


def test_brackets_that_are_not_citations() -> None:
    assert numbers("The array x[2], a_[3], v1[4] in the interval [0, 1] or range [1, 10].") == []
    assert numbers("Numbers past the list [400] are no citations.", 20) == []


def test_without_a_numbered_list_only_brackets_count() -> None:
    text = "Seen before. 1 Then [2] and (3)."
    assert [c.number for c in find_numeric_citations(text, {})] == [2]


# --------------------------------------------------------------------------- parentheses


PAREN_PAPER = (
    "Ebola spread fast (1). Health systems failed (2). The response was late (1,3).\n\n"
    "Vaccines helped (4-5). The plan had three steps: (1) detect, (2) isolate."
)


def test_parenthesised_citations_in_order() -> None:
    assert cited(PAREN_PAPER, 10) == [
        ("(1)", 1),
        ("(2)", 2),
        ("(1,3)", 1),
        ("(1,3)", 3),
        ("(4-5)", 4),
        ("(4-5)", 5),
    ]


def test_parentheses_need_enough_order_evidence() -> None:
    # Two numbered parentheses are too few to say the paper cites that way.
    assert numbers("Step one (1) and step two (2).", 10) == []
    assert numbers("It follows from f(1) and H(2) and Eq. (3).", 10) == []


# --------------------------------------------------------------------------- superscripts

SUPERSCRIPT_PAPER = (
    "Colchicine was used for treatment of inflammation. 1 In recent times its use "
    "grew. 2 Its profile is broad, 3-5 which matters for lysine, 6 tyrosine, 7 and "
    "serine. It was reported for breast cancer 1 . Ashcroft in 2004 8 . Receptors "
    "sense taste. [9,10] The effect of 3 patients was small and 12 mg was given on "
    "day 4 in Table 2 with n = 5 and 2.5 units at 45% and 1,500 cells in 2019."
)


def test_flattened_superscripts_in_citation_order() -> None:
    assert numbers(SUPERSCRIPT_PAPER, 20) == [1, 2, 3, 4, 5, 6, 7, 1, 8, 9, 10]
    shapes = {c.number: c.shape for c in find_numeric_citations(SUPERSCRIPT_PAPER, labels(20))}
    assert shapes[3] == "superscript" and shapes[9] == "bracket"


@pytest.mark.parametrize(
    "quantity",
    [
        "with 11 patients",  # a count
        "dosed at 11 mg",  # a unit
        "in 11% of cases",  # a percentage
        "on day 11 of",  # a date or label word
        "see Table 11 for",
        "see Figure 11 for",
        "where n = 11 for",
        "a value of 11.5 for",  # a decimal
        "the IC 50 was",  # a subscript
        "dried over CDCl 3 , then",  # a chemical formula
        "the 13 C NMR shifts",  # an isotope
        "see Ta-ble 11 for",  # a label word with a line-break hyphen
        "plated at 10 4 , cells",  # a power of ten
        "inside (from 11) was",  # inside a parenthesis
    ],
)
def test_numbers_that_are_quantities(quantity: str) -> None:
    opening = "".join(f"Known fact. {n} " for n in range(1, 11))
    found = numbers(opening + "Later we saw it " + quantity + " end.", 60)
    assert found == list(range(1, 11)), quantity


def test_a_repeated_number_needs_a_superscript_position() -> None:
    opening = "Known. 1 Also known. 2 Still known. 3 "
    assert numbers(opening + "We used 2 methods.", 20) == [1, 2, 3]
    assert numbers(opening + "As the panel showed, 2 the rest.", 20) == [1, 2, 3, 2]
    assert numbers(opening + "However, 2 did not.", 20) == [1, 2, 3]
    assert numbers(opening + "Seen in cancer 2 . End.", 20) == [1, 2, 3, 2]


def test_a_bare_number_out_of_order_is_no_citation() -> None:
    opening = "Known. 1 Also known. 2 Still known. 3 "
    assert numbers(opening + "The panel of 17 was new.", 20) == [1, 2, 3]


def test_superscript_with_a_closing_parenthesis() -> None:
    text = "Within the base 1, 2) . Gait training 3) . Water relieves stress 3) . More 4) ."
    assert cited(text, 9) == [("1, 2)", 1), ("1, 2)", 2), ("3)", 3), ("3)", 3), ("4)", 4)]


def test_bracket_marker_from_a_word_superscript_run() -> None:
    # check-inputs emits Word and PDF superscript runs as "[1,3-5]"
    assert numbers("Shown before[1,3-5] and later.", 9) == [1, 3, 4, 5]


# --------------------------------------------------------------------------- the list


def test_numbering_reads_the_label_field() -> None:
    paper = "Known [1].\n\nReferences\n\n1. Amoo, O. O. (2020). A title.\n2. Bee, B. (2019). B.\n3. Sea, C. (2018). C.\n"
    manuscript = parse_manuscript(paper, "text")
    sources = manuscript.reference_sources()
    assert numbering(sources) == {1: "amoo-2020", 2: "bee-2019", 3: "sea-2018"}
    assert numbering([]) == {}


# --------------------------------------------------------------------------- check


def check_kinds(text: str) -> list[tuple[str, str]]:
    manuscript = parse_manuscript(text, "text")
    report = check_manuscript(manuscript, manuscript.reference_sources(), origin="reference-list")
    return [(f.finding.kind, f.finding.severity.value) for f in report.findings]


NUMBERED = (
    "Coral reefs decline [1]. Warming is one cause [2, 3]. Others disagree [5].\n\n"
    "References\n\n"
    "[1] Hughes TP, Kerry JT. Global warming and recurrent mass bleaching of corals.\n"
    "Nature. 2017;543:373-7.\n"
    "[2] Lu X, Xie QX. Type 2 diabetes in adults. Sig Transduct Target Ther. 2024;9(1):262.\n"
    "[3] Smith A. A paper without a year\n"
    "[4] Jones B. Never cited. J Reef. 2001;3:1-2.\n"
)


def test_check_resolves_numbers_and_reports_missing_and_uncited() -> None:
    kinds = check_kinds(NUMBERED)
    assert ("unresolved-citation", "error") in kinds  # [5] past a complete 1-4 list
    assert kinds.count(("uncited-reference", "warning")) == 1  # entry 4
    manuscript = parse_manuscript(NUMBERED, "text")
    report = check_manuscript(manuscript, manuscript.reference_sources())
    uncited = [f.finding for f in report.findings if f.finding.kind == "uncited-reference"]
    assert uncited[0].message.startswith("[4] ")  # entry 4, by its number
    unresolved = [f.finding for f in report.findings if f.finding.kind == "unresolved-citation"]
    assert "numbers 1-4; there is no entry 5" in unresolved[0].message
    by_number = numbering(manuscript.reference_sources())
    assert sorted(by_number) == [1, 2, 3, 4]
    assert by_number[3] == "ref-3"  # no year to read: still entry 3
    resolved = [(m.citation.label(), m.key) for m in report.matches]
    expected = [(f"[{n}]", by_number.get(n)) for n in (1, 2, 3, 5)]
    assert resolved == expected


def test_no_errors_on_numbers_when_the_list_has_gaps() -> None:
    gappy = NUMBERED.replace("[4] Jones", "[6] Jones")
    assert ("unresolved-citation", "error") not in check_kinds(gappy)


def test_numbered_apa_list_gives_no_error_findings() -> None:
    paper = (
        "Digital trade grows (Amoo et al., 2020). Bee (2019) found the same, "
        "as did Sea and Dee (2018).\n\n"
        "References\n\n"
        "1. Amoo, O. O., Kim, K., & Lee, L. (2020). Digital trade. Journal, 1(2), 3-4.\n"
        "2. Bee, B. (2019). A study of\n"
        "trade. Journal, 2, 5-6.\n"
        "3. Sea, C., & Dee, D. (2018). Another. Journal, 3, 7.\n"
    )
    kinds = check_kinds(paper)
    assert [k for k, severity in kinds if severity == "error"] == []
    assert ("uncited-reference", "warning") not in kinds


# --------------------------------------------------------------------------- real papers

CORPUS = REPO.parent / "shared" / "corpus" / "grobid-manuscripts"


def test_numeric_figures_on_the_real_dev_manuscripts(tmp_path: Path) -> None:
    """bench/check_corpus.py's numeric row meets the issue's targets.

    The issue asks precision >= 0.98, recall >= 0.97 and <= 0.5 error findings per 100
    gold citations on numeric papers; this branch reached 0.994, 0.971 and 0.0.
    """
    if not (CORPUS / "score.py").is_file():
        pytest.skip(f"{CORPUS} is absent")
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "check_corpus.py"), "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
    )
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()}
    _, docs, gold, precision, recall, errors = rows["numeric"]
    assert int(docs) == 34 and int(gold) == 1528
    assert float(precision) >= 0.98
    assert float(recall) >= 0.97
    assert float(errors) <= 0.5
    assert "exit code:" not in done.stdout
    payload = json.loads((tmp_path / "s13659-025-00515-w.json").read_text(encoding="utf-8"))
    assert payload["sources"]["count"] == 16  # a Vancouver list, read by its numbers


def test_superscripts_after_versions_years_and_et_al() -> None:
    opening = "".join(f"Known fact. {n} " for n in range(1, 5))
    assert numbers(opening + "We used package version 3.5.0 5 and more.", 20)[-1] == 5
    assert numbers(opening + "Found by Arduengo in 1991, 5 research grew.", 20)[-1] == 5
    assert numbers(opening + "As Drozdov et al. 3 can show.", 20)[-1] == 3
    assert numbers(opening + "Seen in microscopy 2 to understand it.", 20)[-1] == 2


def test_a_strongly_placed_superscript_resumes_the_order() -> None:
    # 7-17 jumps ahead (reordered text); "theory 26,27 ." is placed as only a
    # superscript is, so it counts and the order goes on from 27.
    text = (
        "Known. 1 Also. 2 Then. 3 More 4 . Seen in references 7-17 . The theory 26,27 . Next 28 ."
    )
    assert numbers(text, 40)[-4:] == [17, 26, 27, 28]


def test_numbers_against_an_unnumbered_bibliography_raise_nothing() -> None:
    from cybercoop_cli.model import Person, Source

    manuscript = parse_manuscript("Reefs decline [1]. Warming is a cause [2, 3].", "text")
    sources = [
        Source(
            key=f"k{n}",
            entry_type="article",
            file="r.bib",
            line=n,
            year=2020,
            authors=(Person(family=f"Name{n}"),),
        )
        for n in range(1, 4)
    ]
    report = check_manuscript(manuscript, sources, origin="bib")
    assert [m.citation.label() for m in report.matches] == ["[1]", "[2]", "[3]"]
    assert {m.grade.value for m in report.matches} == {"none"}
    assert report.findings == ()  # neither unresolved numbers nor "never cited" guesses


def test_a_range_written_backwards_is_one_warning_and_its_numbers_count_as_cited() -> None:
    paper = (
        "Reefs decline [1]. Warming and acidity add to it [4-2].\n\n"
        "References\n\n"
        "[1] Alpha A. One. J Reef. 2001;1:1-2.\n[2] Beta B. Two. J Reef. 2002;2:1-2.\n"
        "[3] Gamma C. Three. J Reef. 2003;3:1-2.\n[4] Delta D. Four. J Reef. 2004;4:1-2.\n"
    )
    kinds = check_kinds(paper)
    assert kinds == [("reversed-range", "warning")]  # one finding, and nothing uncited


def _reef_list(count: int) -> str:
    return "".join(
        f"[{n}] Author{chr(64 + n)} A. Title {n}. J Reef. {2000 + n};{n}:1-2.\n"
        for n in range(1, count + 1)
    )


def test_a_first_citation_that_skips_numbers_cited_later_is_a_numbering_skip() -> None:
    # Citation order: 1, 2, 3, then 6 before 4 and 5 (a citation moved, the list not
    # renumbered).
    paper = (
        "Reefs decline [1]. Warming adds [2]. So does acid [3]. Fishing too [6].\n\n"
        "Storms matter [4, 5]. And runoff [7].\n\nReferences\n\n" + _reef_list(7)
    )
    manuscript = parse_manuscript(paper, "text")
    report = check_manuscript(manuscript, manuscript.reference_sources())
    skips = [f.finding for f in report.findings if f.finding.kind == "numbering-skip"]
    assert [f.severity.value for f in skips] == ["warning"]
    assert skips[0].message.startswith("[6] is first cited before [4], [5]")
    assert skips[0].line == 1


def test_no_numbering_skip_in_order_or_for_numbers_never_cited() -> None:
    in_order = "A [1]. B [2]. C [3, 4]. D [5]. E [6-7].\n\nReferences\n\n" + _reef_list(7)
    assert ("numbering-skip", "warning") not in check_kinds(in_order)
    # 4 is never cited: that is an uncited reference, not a skip.
    gap = "A [1]. B [2]. C [3]. D [5]. E [6]. F [7].\n\nReferences\n\n" + _reef_list(7)
    assert ("numbering-skip", "warning") not in check_kinds(gap)
    assert ("uncited-reference", "warning") in check_kinds(gap)


def test_an_alphabetical_numbered_list_cited_in_any_order_raises_no_skip() -> None:
    paper = "A [5]. B [2]. C [7]. D [1]. E [4]. F [3]. G [6].\n\nReferences\n\n" + _reef_list(7)
    assert ("numbering-skip", "warning") not in check_kinds(paper)
