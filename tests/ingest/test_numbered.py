"""Numbered reference lists: labels in sequence split hard-wrapped entries."""

from __future__ import annotations

import pytest

from cybercoop_cli.ingest.manuscript import parse_manuscript
from cybercoop_cli.ingest.numbered import line_label, numbered_pieces


@pytest.mark.parametrize(
    ("line", "number", "rest"),
    [
        ("1. Amoo, O. O.", 1, "Amoo, O. O."),
        ("[12] E. Bruck, J. Phys.", 12, "E. Bruck, J. Phys."),
        ("(3) Mukherjee, H.;", 3, "Mukherjee, H.;"),
        ("(4). Haugaard N", 4, "Haugaard N"),
        ("5) Suzuki M, Fujisawa H", 5, "Suzuki M, Fujisawa H"),
        ("6 E. Bruck, J. Phys. D", 6, "E. Bruck, J. Phys. D"),
        ("[7]", 7, ""),
    ],
)
def test_line_labels(line: str, number: int, rest: str) -> None:
    found = line_label(line)
    assert found is not None
    assert found[0] == number and line[found[1] :].strip() == rest


@pytest.mark.parametrize("line", ["1995:66–7.", "#36.", "2005, 166:56–67.", "Smith J. 1"])
def test_lines_that_are_no_labels(line: str) -> None:
    assert line_label(line) is None


def split(listing: str) -> list[tuple[int, str]] | None:
    pieces = numbered_pieces(listing, [(0, len(listing))])
    if pieces is None:
        return None
    return [(number, " ".join(listing[start:end].split())) for number, start, end in pieces]


def test_wrapped_entries_are_split_by_labels_in_sequence() -> None:
    listing = (
        "1. Christensen C. The Innovator's Dilemma. Cambridge, Mass:\n"
        "Harvard Business School, 1997.\n"
        "2. Anderson K. Pediatrics electronic pages. Pediatrics. 1998;102(1):\n"
        "12 pages of notes, 124–35.\n"
        "3. Frauenfelder M. The future is at hand. Jul\n"
        "19, 1999:98–114.\n"
    )
    assert split(listing) == [
        (
            1,
            "Christensen C. The Innovator's Dilemma. Cambridge, Mass: Harvard Business School, 1997.",
        ),
        (
            2,
            "Anderson K. Pediatrics electronic pages. Pediatrics. 1998;102(1): 12 pages of notes, 124–35.",
        ),
        (3, "Frauenfelder M. The future is at hand. Jul 19, 1999:98–114."),
    ]


def test_a_lost_label_is_bridged() -> None:
    listing = "[1] A. One.\n[2] B. Two.\n[4] D. Four.\n[5] E. Five.\n"
    assert [number for number, _ in split(listing) or []] == [1, 2, 4, 5]


def test_an_author_date_list_is_not_numbered() -> None:
    listing = (
        "Barton ME, Klein BD (2001) Pharmacological characterization of the 6 Hz\n"
        "1 psychomotor seizure model. Epilepsy Res 47(3):217-227\n"
        "Beguin C, Andurkar SV (2003) Functionalized amido ketones.\n"
    )
    assert split(listing) is None


def test_a_numbered_apa_list_loses_its_labels_before_parsing() -> None:
    paper = (
        "Text (Amoo et al., 2020).\n\nReferences\n\n"
        "1. Amoo, O. O., Kim, K., & Lee, L. (2020). Digital trade. Journal, 1(2), 3-4.\n"
        "2. Bee, B. (2019). A study of\ntrade. Journal, 2, 5-6.\n"
        "3. Sea, C., & Dee, D. (2018). Another. Journal, 3, 7.\n"
    )
    entries = parse_manuscript(paper, "text").references
    assert [(e.label, e.authors[0], e.year) for e in entries] == [
        ("1", "Amoo", "2020"),
        ("2", "Bee", "2019"),
        ("3", "Sea", "2018"),
    ]
    assert entries[1].text == "Bee, B. (2019). A study of trade. Journal, 2, 5-6."
