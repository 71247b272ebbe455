"""cli.common: the JSON every command writes, indented on a terminal and compact when piped."""

from __future__ import annotations

import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cybercoop_cli.analysis.review import summarize
from cybercoop_cli.cli.common import json_text
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.jsonout import review_json


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Colour(StrEnum):
    red = "red"


def on_terminal(monkeypatch: pytest.MonkeyPatch, tty: bool) -> None:
    monkeypatch.setattr(sys, "stdout", Terminal() if tty else io.StringIO())


# JSON-like values as our documents hold them. Floats are kept where Python's repr uses
# no exponent below 1: it writes 1e-05 where orjson writes 1e-5, and we write no such value.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(min_value=1e-4, max_value=1e15) | st.floats(min_value=-1e15, max_value=-1e-4)
    | st.text()
)  # fmt: skip
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(documents)
def test_on_a_terminal_the_json_is_what_json_dumps_indents(data: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        on_terminal(patch, tty=True)
        assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@given(documents)
def test_piped_json_is_compact_and_reads_back_the_same(data: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        on_terminal(patch, tty=False)
        text = json_text(data)
    assert text.endswith("\n") and "\n" not in text[:-1]
    assert json.loads(text) == data
    assert text == json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_the_example_review_is_the_same_document_either_way(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = review_json(summarize(load_project(example_project)))
    on_terminal(monkeypatch, tty=True)
    indented = json_text(data)
    on_terminal(monkeypatch, tty=False)
    compact = json_text(data)
    assert indented == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(compact) == json.loads(indented) == data
    assert len(compact) < len(indented)


def test_string_enums_are_written_as_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    on_terminal(monkeypatch, tty=False)
    assert json_text({"colour": Colour.red, "é": ["ü"]}) == '{"colour":"red","é":["ü"]}\n'
