"""Every command and option says what it does in --help, and is in the README or docs/.

The README is checked as a whole: a command is documented when some paragraph, list item
or table row names it as `cybercoop COMMAND`, and each of its options must appear (as
`--option` in backticks) in one of the chunks that name the command. So a new option
fails this test until the README describes it next to its command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from cybercoop_cli.cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"
DOCS = README.parent / "docs"
# A sentence here: at least two words (an option's help may be as short as "Output
# format."), ending with a full stop, or a closing bracket after one.
_SENTENCE = re.compile(r".*[.][)\]]?$", re.DOTALL)


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(get_command(app)))
IDS = [" ".join(path) or "cybercoop" for path, _ in COMMANDS]


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option" and not p.hidden]


def _chunks(text: str) -> list[str]:
    """Paragraphs, list items and table rows: the units a command and its options share."""
    chunks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if lines and all(line.lstrip().startswith("|") for line in lines):
            chunks.extend(lines)
        else:
            chunks.extend(re.split(r"\n(?=\s*[-*] )", block))
    return chunks


def _mentions(chunk: str, path: tuple[str, ...]) -> bool:
    if not path:
        return "`cybercoop`" in chunk
    name = re.escape(" ".join(path))
    return re.search(rf"`cybercoop {name}(?:[ `]|$)", chunk) is not None


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_says_what_it_does(path: tuple[str, ...], command: Any) -> None:
    text = " ".join((command.help or "").split())
    assert len(text.split()) >= 4 and _SENTENCE.match(text), (
        f"cybercoop {' '.join(path)}: help {text!r}"
    )
    for param in command.params:
        help_text = " ".join((getattr(param, "help", None) or "").split())
        label = "/".join(getattr(param, "opts", [param.name]))
        assert len(help_text.split()) >= 2, f"{' '.join(path)} {label}: no help sentence"
        assert _SENTENCE.match(help_text), f"{' '.join(path)} {label}: {help_text!r}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_readme_documents_command_and_options(path: tuple[str, ...], command: Any) -> None:
    if getattr(command, "commands", None) and path:  # a group: its subcommands are checked
        return
    pages = [README, *sorted(DOCS.glob("*.md"))]
    text = "\n\n".join(page.read_text(encoding="utf-8") for page in pages)
    chunks = [c for c in _chunks(text) if _mentions(c, path)]
    assert chunks, f"README (or docs/) never mentions `cybercoop {' '.join(path)}`"
    text = "\n".join(chunks)
    missing = [
        name
        for option in _options(command)
        for name in option.opts
        if name.startswith("--") and not re.search(rf"`{re.escape(name)}(?![\w-])", text)
    ]
    assert not missing, f"README: `cybercoop {' '.join(path)}` lacks {missing}"


def test_the_walk_sees_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"review", "import", "init", "note new"} <= names
