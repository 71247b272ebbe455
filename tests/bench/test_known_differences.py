"""bench/known_differences.py: how listed rules decide that a difference from pandoc is
explained, alone and where two causes meet in one entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.known_differences import KnownDifferences, load

YEAR_LETTERS = """
rules:
  - name: letters
    files: [some.bib]
    styles: [apa]
    both: [['\\b(\\d{4})[a-z]\\b', '\\1']]
    combines: true
    reason: letters follow titles
  - name: dropped-macro
    files: [all]
    styles: [all]
    source: {title: '\\\\MF'}
    deletions: true
    reason: pandoc drops the logo
"""

FIELDS = {"title": "Update on \\MF"}


def known(tmp_path: Path, text: str = YEAR_LETTERS) -> KnownDifferences:
    path = tmp_path / "known.yaml"
    path.write_text(text, "utf-8")
    return load(path)


def test_each_cause_alone_is_explained_by_its_rule(tmp_path: Path) -> None:
    k = known(tmp_path)
    rule = k.rule(
        "some.bib", "apa", FIELDS, "Knuth (1981a). Update on MF.", "Knuth (1981b). Update on MF."
    )
    assert rule is not None and rule.name == "letters"
    rule = k.rule(
        "some.bib", "apa", FIELDS, "Knuth (1981). Update on MF.", "Knuth (1981). Update on ."
    )
    assert rule is not None and rule.name == "dropped-macro"


def test_two_causes_in_one_entry_combine(tmp_path: Path) -> None:
    k = known(tmp_path)
    ours, pandoc = "Knuth (1981a). Update on MF.", "Knuth (1981b). Update on ."
    rule = k.rule("some.bib", "apa", FIELDS, ours, pandoc)
    assert rule is not None and rule.name == "letters + dropped-macro"


@pytest.mark.parametrize(
    ("file", "style", "fields", "pandoc"),
    [
        # a third difference that neither rule explains (a word changed)
        ("some.bib", "apa", FIELDS, "Knuth (1981b). Update in ."),
        # the combining rule's own conditions do not hold: another file, another style
        ("other.bib", "apa", FIELDS, "Knuth (1981b). Update on ."),
        ("some.bib", "ieee", FIELDS, "Knuth (1981b). Update on ."),
        # the second rule's source does not hold: no macro in the entry
        ("some.bib", "apa", {"title": "Update on MF"}, "Knuth (1981b). Update on ."),
    ],
)
def test_combination_explains_nothing_more_than_its_parts(
    tmp_path: Path, file: str, style: str, fields: dict[str, str], pandoc: str
) -> None:
    k = known(tmp_path)
    assert k.rule(file, style, fields, "Knuth (1981a). Update on MF.", pandoc) is None


def test_rules_do_not_combine_unless_marked(tmp_path: Path) -> None:
    k = known(tmp_path, YEAR_LETTERS.replace("    combines: true\n", ""))
    assert (
        k.rule(
            "some.bib", "apa", FIELDS, "Knuth (1981a). Update on MF.", "Knuth (1981b). Update on ."
        )
        is None
    )


def test_a_combining_rule_must_rewrite(tmp_path: Path) -> None:
    text = "rules:\n  - name: x\n    source: {title: 'a'}\n    combines: true\n    reason: r\n"
    with pytest.raises(ValueError, match="combines but rewrites nothing"):
        known(tmp_path, text)


def test_the_shipped_file_loads() -> None:
    k = load()
    assert any(rule.combines for rule in k.rules)


REPEATED = """
rules:
  - name: repeated
    styles: [mla]
    repeated: '^———(?=[.,])'
    reason: the dash follows the order
  - name: folded
    source: {title: '\\\\Dash'}
    deletions: true
    casefold: true
    reason: pandoc joins the words
"""


@pytest.mark.parametrize(
    ("ours", "pandoc", "explained"),
    [
        ("———. “Title.” TUGboat.", "Knuth, Donald. “Title.” TUGboat.", True),
        ("Knuth, Donald. “Title.” TUGboat.", "———. “Title.” TUGboat.", True),
        # the author is found before pandoc's space after the opening mark, but the
        # moved space is a difference of its own (another rule must explain it)
        ("———. “Title.” TUGboat.", "Knuth, Donald.“ Title.” TUGboat.", False),
        # the rest must read the same
        ("———. “Title.” TUGboat.", "Knuth, Donald. “Other.” TUGboat.", False),
        # both show names (or both the dash): nothing for the rule to read
        ("Knuth, Don. “Title.” TUGboat.", "Knuth, Donald. “Title.” TUGboat.", False),
    ],
)
def test_repeated_author_mark_reads_as_the_other_sides_author(
    tmp_path: Path, ours: str, pandoc: str, explained: bool
) -> None:
    k = known(tmp_path, REPEATED)
    assert (k.rule("f.bib", "mla", {"title": "Title"}, ours, pandoc) is not None) is explained


def test_repeated_author_mark_combines_with_a_dropped_macro(tmp_path: Path) -> None:
    k = known(
        tmp_path,
        REPEATED.replace("    reason: the dash", "    combines: true\n    reason: the dash"),
    )
    fields = {"title": "{\\Dash} Title"}
    rule = k.rule("f.bib", "mla", fields, "———. “— Title.” T.", "Knuth, Donald.“ Title.” T.")
    assert rule is not None and rule.name == "repeated + folded"


def test_casefold_ignores_case_only(tmp_path: Path) -> None:
    k = known(tmp_path, REPEATED)
    fields = {"title": "Macintosh\\Dash New"}
    rule = k.rule("f.bib", "mla", fields, "“Macintosh — New.”", "“Macintoshnew.”")
    assert rule is not None and rule.name == "folded"
    assert k.rule("f.bib", "mla", fields, "“Macintosh — New.”", "“Macintoshnow.”") is None
