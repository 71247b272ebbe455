"""The deliberate differences from pandoc's own BibTeX reading, read from one file.

tests/data/pandoc-known-differences.yaml lists them; tests/render/test_pandoc_agreement.py
and bench/export_agreement.py both read it through :func:`load`. Each item names a
``file`` (relative to the repository or to ../shared/corpus), the entries (``key: k``,
``keys: [k1, k2, ...]`` or ``keys: all`` for every entry of a file), the ``styles``
(CSL style names, or ``[all]``) and a ``reason``, which must say why cybercoop's
reference is the right one there.

A cause that many entries share is one ``rules`` item instead of thousands of keys:

    rules:
      - name: a short name (the bench counts differences per rule)
        files: [all]        # or corpus paths, fnmatch patterns allowed
        styles: [all]
        source: {"*": 'regex'}   # any raw field matches ("author|editor": one of those)
        text: [['regex', 'replacement'], ...]  # optional: applied to cybercoop's text,
                                               # it must then read exactly as pandoc's
        both: [['regex', 'replacement'], ...]  # optional: applied to both texts, which
                                               # must then be the same
        deletions: true     # optional: pandoc's text must be cybercoop's with characters
                            # left out (for a reader that drops what it does not know)
        repeated: '^———'    # optional: the mark a style prints for the previous entry's
                            # author; where one text has it and the other the author,
                            # it reads as that author before the texts are compared
        casefold: true      # optional: compare (and test deletions) without case
        combines: true      # optional, for a rule with text/both: where two causes meet
                            # in one entry, its rewrites are applied first and another
                            # rule must explain the rest (counted as "this + that")
        reason: why cybercoop is right

A rule with ``text`` covers a difference only when the rewrite explains all of it; a rule
with only ``source`` covers any difference of an entry whose source has that construct
(used where pandoc's reader loses text, so no rewrite of ours can predict what is left).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
KNOWN = REPO / "tests" / "data" / "pandoc-known-differences.yaml"


@dataclass(frozen=True)
class Difference:
    file: str
    keys: frozenset[str] | None  # None: every entry of the file
    styles: frozenset[str]  # {"all"} for every style
    reason: str

    def covers(self, file: str, key: str, style: str) -> bool:
        return (
            self.file == file
            and (self.keys is None or key in self.keys)
            and ("all" in self.styles or style in self.styles)
        )


@dataclass(frozen=True)
class Rule:
    name: str
    files: tuple[str, ...]  # fnmatch patterns; ("all",) for every file
    styles: frozenset[str]
    source: tuple[tuple[str, re.Pattern[str]], ...]  # (field or "*", pattern)
    text: tuple[tuple[re.Pattern[str], str], ...]
    reason: str
    both: tuple[tuple[re.Pattern[str], str], ...] = ()
    deletions: bool = False
    combines: bool = False  # its rewrites may be applied before another rule's test
    repeated: re.Pattern[str] | None = None  # the mark standing for a repeated author
    casefold: bool = False  # compare without case

    def applies(self, file: str, style: str, fields: Mapping[str, str] | None) -> bool:
        """Whether the rule is about this file, style and entry (its ``source`` holds)."""
        if "all" not in self.styles and style not in self.styles:
            return False
        if "all" not in self.files and not any(fnmatch.fnmatch(file, f) for f in self.files):
            return False
        if self.source:
            if fields is None:
                return False
            lowered = {k.lower(): v for k, v in fields.items()}
            for name, pattern in self.source:
                values = (
                    list(lowered.values())
                    if name == "*"
                    else [lowered.get(n, "") for n in name.split("|")]
                )
                if not any(pattern.search(v) for v in values):
                    return False
        return True

    def rewrite(self, ours: str, pandoc: str) -> tuple[str, str]:
        """Both texts after the rule's ``repeated``, ``text`` and ``both`` rewrites."""
        ours, pandoc = self._author_for_mark(ours, pandoc)
        for pattern, replacement in self.text:
            ours = pattern.sub(replacement, ours)
        for pattern, replacement in self.both:
            ours, pandoc = pattern.sub(replacement, ours), pattern.sub(replacement, pandoc)
        return ours, pandoc

    def _author_for_mark(self, ours: str, pandoc: str) -> tuple[str, str]:
        """Where one text starts with the repeated-author mark (MLA's ———) and the other
        with the author, the mark is replaced by the other text's author: the text up to
        what follows the mark (". “")."""
        if self.repeated is None:
            return ours, pandoc
        in_ours, in_pandoc = self.repeated.match(ours), self.repeated.match(pandoc)
        mark = in_ours or in_pandoc
        if mark is None or (in_ours and in_pandoc):
            return ours, pandoc
        marked, other = (ours, pandoc) if in_ours else (pandoc, ours)
        # the two characters after the mark (". “"), spaces between them as they fall
        follows = "".join(marked[mark.end() :].split())[:2]
        found = re.search(r"\s*".join(map(re.escape, follows)), other) if follows else None
        end = found.start() if found else -1
        if end <= 0 or self.repeated.match(other[:end]):
            return ours, pandoc
        replaced = other[:end] + marked[mark.end() :]
        return (replaced, pandoc) if in_ours else (ours, replaced)

    def covers(
        self,
        file: str,
        style: str,
        fields: Mapping[str, str] | None,
        ours: str | None,
        pandoc: str | None,
    ) -> bool:
        if not self.applies(file, style, fields):
            return False
        if self.casefold and ours is not None and pandoc is not None:
            ours, pandoc = ours.casefold(), pandoc.casefold()
        if self.deletions and not _left_out(ours or "", pandoc or ""):
            return False
        if self.text or self.both or self.repeated:
            if ours is None or pandoc is None:
                return False
            ours, pandoc = self.rewrite(ours, pandoc)
            return " ".join(ours.split()) == " ".join(pandoc.split())
        return True


def _left_out(ours: str, pandoc: str) -> bool:
    """Whether ``pandoc`` is ``ours`` with characters left out (spaces ignored)."""
    rest = iter("".join(ours.split()))
    return all(char in rest for char in "".join(pandoc.split()))


class KnownDifferences:
    def __init__(self, items: Iterable[Difference], rules: Iterable[Rule] = ()) -> None:
        self.items = tuple(items)
        self.rules = tuple(rules)
        self._by_file: dict[str, list[Difference]] = {}
        for item in self.items:
            self._by_file.setdefault(item.file, []).append(item)

    def reason(self, file: str, key: str, style: str) -> str | None:
        """Why ``key`` of ``file`` differs on purpose in ``style`` (a listed item);
        None when no item lists it."""
        for item in self._by_file.get(file, ()):
            if item.covers(file, key, style):
                return item.reason
        return None

    def listed(self, file: str, style: str, keys: Iterable[str]) -> dict[str, str]:
        """Of ``keys``, those an item lists for ``file`` in ``style``, with their reasons."""
        out: dict[str, str] = {}
        for key in keys:
            reason = self.reason(file, key, style)
            if reason is not None:
                out[key] = reason
        return out

    def rule(
        self,
        file: str,
        style: str,
        fields: Mapping[str, str],
        ours: str,
        pandoc: str,
    ) -> Rule | None:
        """The first rule that explains this difference, if any.

        Where no rule explains it alone, a rule marked ``combines`` (one with rewrites,
        whose own conditions hold for the entry) rewrites both texts first and another
        rule must then explain all that is left: two causes met in one entry. The
        answer is then the second rule under the name ``first + second``.
        """
        for rule in self.rules:
            if rule.covers(file, style, fields, ours, pandoc):
                return rule
        for first in self.rules:
            if not first.combines or not first.applies(file, style, fields):
                continue
            rewritten = first.rewrite(ours, pandoc)
            if rewritten == (ours, pandoc):
                continue  # the first cause is not in this entry
            for second in self.rules:
                if second is not first and second.covers(file, style, fields, *rewritten):
                    return replace(second, name=f"{first.name} + {second.name}")
        return None


def load(path: Path = KNOWN) -> KnownDifferences:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items: list[Difference] = []
    for raw in data.get("differences") or []:
        reason = str(raw.get("reason") or "").strip()
        if not reason:
            raise ValueError(f"known difference {raw} has no reason")
        if "key" in raw and "keys" in raw:
            raise ValueError(f"known difference {raw} has both key and keys")
        keys: frozenset[str] | None
        if "key" in raw:
            keys = frozenset([str(raw["key"])])
        elif raw.get("keys") == "all":
            keys = None
        elif isinstance(raw.get("keys"), list) and raw["keys"]:
            keys = frozenset(str(k) for k in raw["keys"])
        else:
            raise ValueError(f"known difference {raw} names no key (key, keys: [...], keys: all)")
        styles = raw.get("styles")
        if not isinstance(styles, list) or not styles:
            raise ValueError(f"known difference {raw} names no styles")
        items.append(Difference(str(raw["file"]), keys, frozenset(map(str, styles)), reason))
    rules: list[Rule] = []
    for raw in data.get("rules") or []:
        reason = str(raw.get("reason") or "").strip()
        if not reason or not raw.get("name"):
            raise ValueError(f"rule {raw} needs a name and a reason")
        source = tuple(
            (str(k).lower(), re.compile(str(v))) for k, v in (raw.get("source") or {}).items()
        )
        text = tuple((re.compile(str(a)), str(b)) for a, b in raw.get("text") or [])
        both = tuple((re.compile(str(a)), str(b)) for a, b in raw.get("both") or [])
        repeated = re.compile(str(raw["repeated"])) if raw.get("repeated") else None
        if not source and not text and not both and not repeated:
            raise ValueError(f"rule {raw['name']} has neither source nor text nor both")
        if raw.get("combines") and not text and not both and not repeated:
            raise ValueError(f"rule {raw['name']} combines but rewrites nothing")
        rules.append(
            Rule(
                str(raw["name"]),
                tuple(map(str, raw.get("files") or ["all"])),
                frozenset(map(str, raw.get("styles") or ["all"])),
                source,
                text,
                reason,
                both,
                bool(raw.get("deletions", False)),
                bool(raw.get("combines", False)),
                repeated,
                bool(raw.get("casefold", False)),
            )
        )
    return KnownDifferences(items, rules)
