"""Which entries of a bibliography can change each other's formatted text, for a CSL style.

pandoc's citeproc formats every entry of a bibliography in one run, and some of an entry's
text depends on the other entries. Reading citeproc's ``evalStyle`` (jgm/citeproc,
``Citeproc/Eval.hs``), there are exactly these dependencies:

1. **Ambiguous citations** (year suffixes ``2020a``, added names, added given names, the
   ``disambiguate`` condition): two entries are ambiguous when the names and dates their
   citations print are the same text, so they print the same first name.
2. **Global given-name disambiguation** (``givenname-disambiguation-rule``
   ``primary-name`` and ``primary-name-with-initials``): a first name gets initials when
   another entry's first name has the same family name; with ``all-names`` and
   ``all-names-with-initials``, when any printed name has the same family name as any other.
3. **subsequent-author-substitute** (``———``): an entry's names are compared with those of
   the entry just before it in the bibliography's order.
4. **citation-number**: the position in the whole sorted bibliography.

The rule: every entry gets *name keys*, the family name (case, accents, punctuation and
particles dropped: its last word) of the first name of each of its name variables (of
every name under the ``all-names`` rules); an entry without any of the names its citation
can print (the style's citation ``names`` variables and their substitutes) also gets the
key of a title-only citation. Entries sharing a key, directly or through other entries,
form one group. Then (1) and (2) only ever relate entries of the same group, and each
group formats exactly as it would among all the others. Groups are unions of these
components, so any union of components is a valid group too.

(3) is checked after the merge: when an entry's predecessor in the whole order is not its
predecessor within its group, and that group predecessor has the same names, the groups
could disagree and the bibliography is formatted in one run instead. (4) and a citation
that prints no names at all also make the bibliography one run: nothing is gained there.

The order of the whole bibliography comes from a second, cheap pandoc run with the same
style, its sort keys and macros unchanged, but no disambiguation and a one-character
layout: pandoc's own sort (stable, on keys computed before disambiguation for each entry
alone) decides, so the merge needs no reimplementation of CSL collation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from cybercoop_cli.render.csl import CslItem

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = f"{{{CSL_NS}}}"
_DISAMBIGUATION_ATTRIBUTES = (
    "disambiguate-add-givenname",
    "disambiguate-add-names",
    "disambiguate-add-year-suffix",
    "givenname-disambiguation-rule",
)
_TITLE_KEY = "\x00title-only citation"


@dataclass(frozen=True, slots=True)
class StyleFacts:
    """What the partition needs to know about a style."""

    splittable: bool  # False: format in one run (citation-number, or citations without names)
    slow_givennames: bool  # given-name disambiguation with initials across all citations
    all_names: bool  # given-name disambiguation over every name, not only first names
    citation_names: frozenset[str]  # name variables a citation can print (with substitutes)
    substitutes_authors: bool  # the bibliography uses subsequent-author-substitute


@lru_cache(maxsize=32)
def style_facts(path: Path) -> StyleFacts:
    root = ElementTree.parse(path).getroot()
    macros = {m.get("name", ""): m for m in root.iter(f"{_NS}macro")}
    citation = root.find(f"{_NS}citation")
    bibliography = root.find(f"{_NS}bibliography")
    uses_number = any(
        "citation-number" in (e.get("variable", "") + e.get("value", "")).split()
        for e in root.iter()
    )
    names: set[str] = set()
    if citation is not None:
        layout = citation.find(f"{_NS}layout")
        for element in _expand(layout, macros, set()) if layout is not None else ():
            if element.tag == f"{_NS}names":
                names.update(element.get("variable", "").split())
    attributes = citation.attrib if citation is not None else {}
    rule = attributes.get("givenname-disambiguation-rule") or "by-cite"
    return StyleFacts(
        splittable=not uses_number and bool(names),
        slow_givennames=attributes.get("disambiguate-add-givenname") == "true"
        and rule.endswith("-with-initials"),
        all_names=rule.startswith("all-names"),
        citation_names=frozenset(names),
        substitutes_authors=bibliography is not None
        and bibliography.get("subsequent-author-substitute") is not None,
    )


def _expand(
    element: ElementTree.Element, macros: Mapping[str, ElementTree.Element], seen: set[str]
) -> Iterable[ElementTree.Element]:
    """Every element reachable from ``element``, following macro calls (each once)."""
    for child in element.iter():
        yield child
        macro = child.get("macro")
        if macro and macro in macros and macro not in seen:
            seen.add(macro)
            yield from _expand(macros[macro], macros, seen)


def name_key(name: Mapping[str, str]) -> str:
    """A person's family name reduced to its last word, without case, accents or punctuation."""
    text = name.get("literal") or name.get("family") or name.get("given", "")
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))
    return words[-1] if words else ""


def entry_keys(item: CslItem, facts: StyleFacts) -> list[str]:
    keys: list[str] = []
    for people in item.names.values():
        chosen = people if facts.all_names else people[:1]
        keys.extend("name:" + name_key(person) for person in chosen)
    if not any(item.names.get(v) for v in facts.citation_names):
        keys.append(_TITLE_KEY)
    return keys


def components(items: Sequence[CslItem], facts: StyleFacts) -> list[list[int]]:
    """Indexes of ``items`` grouped so that no two groups can affect each other's text."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    first: list[str] = []
    for index, item in enumerate(items):
        keys = entry_keys(item, facts) or [f"\x00alone {index}"]
        head = find(keys[0])
        for key in keys[1:]:
            other = find(key)
            if other != head:
                parent[other] = head
        first.append(keys[0])
    grouped: dict[str, list[int]] = {}
    for index, key in enumerate(first):
        grouped.setdefault(find(key), []).append(index)
    return list(grouped.values())


def batches(groups: Sequence[list[int]], size: int) -> list[list[int]]:
    """Pack groups into batches of about ``size`` items (a larger group is a batch of its
    own), each batch's indexes in input order: pandoc's sort is stable, so ties keep the
    order they have in the whole bibliography."""
    out: list[list[int]] = []
    current: list[int] = []
    for group in sorted(groups, key=len, reverse=True):
        if current and len(current) + len(group) > size:
            out.append(sorted(current))
            current = []
        current.extend(group)
    if current:
        out.append(sorted(current))
    return out


def order_style(path: Path, folder: Path) -> Path:
    """A copy of the style that sorts its bibliography the same way but formats every
    entry as one character, with no disambiguation: fast, and enough to read the order."""
    ElementTree.register_namespace("", CSL_NS)
    tree = ElementTree.parse(path)
    root = tree.getroot()
    citation = root.find(f"{_NS}citation")
    if citation is not None:
        for attribute in _DISAMBIGUATION_ATTRIBUTES:
            citation.attrib.pop(attribute, None)
        _replace_layout(citation)
        for sort in citation.findall(f"{_NS}sort"):
            citation.remove(sort)
    bibliography = root.find(f"{_NS}bibliography")
    if bibliography is not None:
        for attribute in ("subsequent-author-substitute", "subsequent-author-substitute-rule"):
            bibliography.attrib.pop(attribute, None)
        _replace_layout(bibliography)
    out = folder / "order.csl"
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


def _replace_layout(element: ElementTree.Element) -> None:
    layout = element.find(f"{_NS}layout")
    if layout is None:
        return
    for child in list(layout):
        layout.remove(child)
    layout.attrib.clear()
    ElementTree.SubElement(layout, f"{_NS}text", {"value": "x"})


def same_names(left: CslItem, right: CslItem) -> bool:
    """Could subsequent-author-substitute treat ``right`` as having ``left``'s names?"""
    if not left.names and not right.names:
        return True  # both cite a title: compared by text
    return any(names and names in right.names.values() for names in left.names.values())
