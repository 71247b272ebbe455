"""Completion: keys by a quick scan (no parsing), prefix, substring and fuzzy matches."""

from __future__ import annotations

from pathlib import Path

from cybercoop_cli.workflow.completion import complete, scan_keys, section_ids, source_keys


def test_keys_and_titles_from_the_example(example_project: Path) -> None:
    keys = dict(source_keys(example_project))
    assert sorted(keys) == [
        "amoo2024legal",
        "brass2021adaptive",
        "chang2020legislative",
        "sekati2022assessing",
        "wickibirchler2020budapest",
        "widodo2024international",
    ]
    assert keys["chang2020legislative"].startswith("Legislative frameworks against cybercrime: The")
    assert ("framework", "1. The current legal framework") in section_ids(example_project)


def test_matching() -> None:
    keys = [("chang2020legislative", ""), ("amoo2024legal", ""), ("brass2021adaptive", "")]
    assert complete(keys, "") == keys
    assert complete(keys, "ch") == [("chang2020legislative", "")]
    assert complete(keys, "legal") == []  # only prefixes: the shells would drop the rest
    assert complete(keys, "zzzzzz") == []


def test_scan_ignores_strings_and_comments(tmp_path: Path) -> None:
    entries = "\n".join(
        f"@article{{key{i},\n  title = {{Title {i}}},\n  year = 2000,\n}}" for i in range(20000)
    )
    (tmp_path / "big.bib").write_text('@string{x = "y"}\n@comment{nothing}\n' + entries)
    found = scan_keys(tmp_path)
    assert len(found) == 20000 and found[0] == ("key0", "Title 0")


def test_no_review_completes_to_nothing(tmp_path: Path) -> None:
    assert source_keys(tmp_path) == []
    (tmp_path / "cybercoop.yaml").write_text("title: [unclosed\n")
    assert source_keys(tmp_path) == [] and section_ids(tmp_path) == []
