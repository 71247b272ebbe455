"""``cybercoop init``: a new review folder, from answers the CLI collected or options.

It writes the review file (``cybercoop.yaml``, with comments that explain each part),
``references/``, ``notes/``, a ``.gitignore`` for cybercoop's cache folder and a README
stub that says how to go on. An existing review file is never replaced; an existing
``.gitignore`` or ``README.md`` is kept as it is (and reported as kept).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cybercoop_cli.errors import OutputError, UsageError
from cybercoop_cli.ingest.review import REVIEW_FILE

#: Where the parse cache goes when ``CYBERCOOP_CACHE_DIR`` points inside the review;
#: the review's .gitignore keeps it out of git (by default the cache is in the user's
#: cache folder, outside the review).
CACHE_DIR = ".cybercoop-cache"
#: The outline used when no sections are given: the conclusion argues from the rest.
DEFAULT_SECTIONS = (
    ("introduction", "Introduction"),
    ("background", "Background"),
    ("discussion", "Discussion"),
    ("conclusion", "Conclusion"),
)
_ID = re.compile(r"^[A-Za-z0-9][\w.-]*$")
_SLUG_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "and",
        "for",
        "to",
        "at",
        "by",
        "with",
        "is",
        "are",
        "do",
        "does",
        "can",
        "could",
        "would",
        "should",
        "will",
        "what",
        "which",
        "who",
        "how",
        "why",
        "when",
        "where",
    ]
)
#: Section ids that argue from the others and need no sources of their own.
NO_SUPPORT_IDS = frozenset({"conclusion", "conclusions"})


@dataclass(frozen=True, slots=True)
class Item:
    """A facet (id, question) or a section (id, title)."""

    id: str
    text: str
    needs_support: bool = True


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    title: str
    question: str
    facets: tuple[Item, ...] = ()
    sections: tuple[Item, ...] = ()
    style: str = "apa"


@dataclass(frozen=True, slots=True)
class InitResult:
    folder: Path
    created: tuple[Path, ...] = ()
    kept: tuple[Path, ...] = field(default_factory=tuple)


def slug(text: str, taken: Sequence[str] = ()) -> str:
    """An id from a title: "1. The current legal framework" -> ``current-legal-framework``.

    Section numbers and stop words are dropped, at most three words are kept, and a
    clash with ``taken`` gets ``-2``, ``-3`` ...
    """
    from cybercoop_cli.analysis.duplicates import fold

    words = [w for w in re.sub(r"[^a-z0-9 ]+", " ", fold(text)).split() if not w.isdigit()]
    meaningful = [w for w in words if w not in _SLUG_STOP] or words
    base = "-".join(meaningful[:3]) or "item"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _is_id_before_equals(head: str) -> bool:
    """Whether ``head`` (the text before '=') is an id, not the start of a title.

    ``intro=Introduction`` and ``intro = Introduction`` name an id; in ``E = mc2 in law``
    the '=' belongs to the title. With spaces around '=' the id must look like one a
    person types (and ``slug`` makes): lower case, more than one character.
    """
    ident = head.strip()
    if not _ID.match(ident):
        return False
    if ident == head:  # no spaces: 'E=mc2' is an id, as it always was
        return True
    return len(ident) > 1 and ident == ident.lower()


def parse_items(values: Sequence[str], what: str) -> tuple[Item, ...]:
    """``ID=TEXT`` or ``ID = TEXT``, or just ``TEXT`` (the id is made from it).

    A section with the id ``conclusion`` needs no sources of its own (it argues from the
    others), as in the shipped example; the review file says so and can be edited.
    """
    items: list[Item] = []
    for raw in values:
        head, sep, tail = raw.partition("=")
        if sep and _is_id_before_equals(head) and tail.strip():
            ident, text = head.strip(), " ".join(tail.split())
        elif raw.strip():
            text = " ".join(raw.split())
            ident = slug(text, [i.id for i in items])
        else:
            raise UsageError(f"empty {what}: write {what.upper()} as 'id=text' or just the text")
        if any(i.id == ident for i in items):
            raise UsageError(f"{what} id '{ident}' is given twice")
        items.append(Item(ident, text, needs_support=ident.lower() not in NO_SUPPORT_IDS))
    return tuple(items)


def default_sections() -> tuple[Item, ...]:
    return tuple(Item(i, t, needs_support=i not in NO_SUPPORT_IDS) for i, t in DEFAULT_SECTIONS)


def review_yaml(plan: ReviewPlan) -> str:
    """The review file's text: the plan's values, with comments a newcomer can follow."""
    sections = plan.sections or default_sections()
    lines = [
        "# The review file: what this review asks, how the paper is built, where its inputs live.",
        "# cybercoop finds it by looking in the current folder and its parents, as git does.",
        f"title: {_scalar(plan.title)}",
        f"question: {_scalar(plan.question)}",
        "# The facets of the question: tag claims in your notes with their ids.",
    ]
    if plan.facets:
        lines.append("facets:")
        for facet in plan.facets:
            lines += [f"  - id: {facet.id}", f"    question: {_scalar(facet.text)}"]
            lines.append("    keywords: []   # words that help suggest links for untagged claims")
    else:
        lines += [
            "facets: []",
            "# facets:",
            "#   - id: effectiveness",
            "#     question: How well does ... work?",
        ]
    lines += [
        "# The paper's sections, in order: tag claims with their ids; 'description' and",
        "# 'keywords' help cybercoop suggest links for untagged claims.",
        "sections:",
    ]
    for section in sections:
        lines += [f"  - id: {section.id}", f"    title: {_scalar(section.text)}"]
        if not section.needs_support:
            lines.append("    needs_support: false   # argues from the sections before it")
    lines += [
        "references: references   # folder of .bib files ('cybercoop import' adds to it)",
        "notes: notes             # folder of reading notes ('cybercoop note new KEY' adds one)",
        f"style: {_scalar(plan.style)}               # citation style for 'cybercoop export'",
        "# manuscript: manuscript/draft.md   # default manuscript for 'cybercoop check'",
        "",
    ]
    return "\n".join(lines)


def _scalar(text: str) -> str:
    """A YAML scalar for any text: plain when safe, else double-quoted (JSON is valid YAML)."""
    if (
        re.fullmatch(r"[A-Za-z0-9][\w .,()'?/&-]*", text)
        and not text.endswith(" ")
        and ": " not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def readme_text(plan: ReviewPlan) -> str:
    return "\n".join(
        [
            f"# {plan.title}",
            "",
            f"**Question:** {plan.question}",
            "",
            "A literature review kept with cybercoop (`cybercoop --help` lists its commands).",
            "`cybercoop.yaml` holds the question, its facets and the sections; `references/`",
            "the bibliography (.bib files); `notes/` one reading note per source.",
            "",
            "## How to go on",
            "",
            "1. Bring in sources exported from Zotero (CSL-JSON or BibTeX) or a database (RIS):",
            "   `cybercoop import my-library.json`",
            "2. Write a note per source, with its claims tagged by section and facet:",
            "   `cybercoop note new KEY --edit`",
            "3. See where the review stands and what to do next: `cybercoop review`",
            "   (`cybercoop review --watch` keeps it up to date while you write notes).",
            "4. List the gaps: `cybercoop gaps`; write the annotated bibliography:",
            "   `cybercoop export -o annotated.docx`; check a draft's citations:",
            "   `cybercoop check draft.md`.",
            "",
            "Shell completion of commands, source keys and section ids:",
            "`cybercoop --install-completion`.",
            "",
        ]
    )


def gitignore_text() -> str:
    return (
        "# cybercoop keeps its parse cache in your user cache folder, not here; if you point\n"
        f"# CYBERCOOP_CACHE_DIR at {CACHE_DIR}/ inside this review, this keeps it out of git.\n"
        f"{CACHE_DIR}/\n"
        "# lock and swap files that editors leave next to open files\n"
        "~$*.docx\n"
        ".~lock.*#\n"
        "*.swp\n"
    )


def init_review(folder: Path, plan: ReviewPlan) -> InitResult:
    """Create the review in ``folder`` (made if missing); refuse if it already has one."""
    if not plan.title.strip() or not plan.question.strip():
        raise UsageError("a review needs a title and a research question")
    review_file = folder / REVIEW_FILE
    if review_file.exists():
        raise OutputError(
            f"{review_file} exists: this folder is already a review; nothing was changed"
        )
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror}") from None
    from cybercoop_cli.outputs import write_atomic

    created: list[Path] = []
    kept: list[Path] = []
    for name in ("references", "notes"):
        path = folder / name
        if path.is_dir():
            kept.append(path)
        else:
            path.mkdir()
            created.append(path)
    for path, text in (
        (folder / ".gitignore", gitignore_text()),
        (folder / "README.md", readme_text(plan)),
    ):
        if path.exists():
            kept.append(path)
        else:
            created.append(write_atomic(path, text))
    # The review file last: a folder is a review only once everything else is in place.
    created.append(write_atomic(review_file, review_yaml(plan)))
    return InitResult(folder, tuple(created), tuple(kept))
