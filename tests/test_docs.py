"""Every command and option says what it does in --help, and is in the docs; the README
stays short and leads to every page.

The pages under docs/ are checked as a whole: a command is documented when some paragraph,
list item or table row names it as `cybercoop COMMAND`, and each of its options must appear
(as `--option` in backticks) in one of the chunks that name the command. The generated
part of docs/commands.md does not count, so a new option fails this test until a page
describes it next to its command. The generated part itself is kept true by cog.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from cybercoop_cli.cli.app import app

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
# cog's markers around generated text: [[[cog ... ]]] code, then output up to [[[end]]].
_GENERATED = re.compile(r"<!-- \[\[\[cog.*?\[\[\[end\]\]\] -->", re.DOTALL)


def docs_text() -> str:
    """Every page under docs/, without what cog generates from --help."""
    return "\n\n".join(
        _GENERATED.sub("", page.read_text(encoding="utf-8")) for page in sorted(DOCS.glob("*.md"))
    )


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
def test_docs_document_command_and_options(path: tuple[str, ...], command: Any) -> None:
    if getattr(command, "commands", None) and path:  # a group: its subcommands are checked
        return
    chunks = [c for c in _chunks(docs_text()) if _mentions(c, path)]
    assert chunks, f"docs/ never mention `cybercoop {' '.join(path)}`"
    text = "\n".join(chunks)
    missing = [
        name
        for option in _options(command)
        for name in option.opts
        if name.startswith("--") and not re.search(rf"`{re.escape(name)}(?![\w-])", text)
    ]
    assert not missing, f"docs/: `cybercoop {' '.join(path)}` lacks {missing}"


def test_the_walk_sees_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"review", "import", "init", "note new"} <= names


# --------------------------------------------------------------------------- the README


def test_readme_is_short_and_starts_with_the_two_set_up_commands() -> None:
    data = README.read_bytes()
    assert len(data) < 8 * 1024, f"README.md is {len(data):,} bytes; move material to docs/"
    text = data.decode("utf-8")
    block = re.search(r"^```sh\n(.*?)\n```$", text, re.DOTALL | re.MULTILINE)
    assert block, "no ```sh block: .ci/run reads the set-up commands from it"
    install, tests = block.group(1).splitlines()  # exactly two, as .ci/run requires
    # a virtual environment made in the command itself: an externally managed Python
    # refuses 'pip install' outside one
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert install.endswith(".venv/bin/cybercoop review")
    assert tests == ".venv/bin/python -m pytest"
    assert "pip install ." in text or "pipx install ." in text  # a runtime-only install


def test_a_reader_finds_how_to_start_a_review_on_the_first_screen() -> None:
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    assert "cybercoop init" in first_screen
    for command in ("import", "note new", "review", "export", "check"):
        assert f"cybercoop {command}" in first_screen


def test_every_docs_page_is_linked_from_the_readme_and_every_link_resolves() -> None:
    readme = README.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme))
    pages = {f"docs/{page.name}" for page in DOCS.glob("*.md")}
    assert pages <= linked, f"not linked from the README: {sorted(pages - linked)}"
    for page in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text("utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"


def test_the_command_reference_is_what_help_prints() -> None:
    from cogapp import Cog

    cog = Cog()
    cog.set_output(stdout=io.StringIO(), stderr=io.StringIO())
    status = cog.main(["cog", "--check", str(DOCS / "commands.md")])
    assert status == 0, "docs/commands.md is out of date: run 'cog -r docs/commands.md'"
