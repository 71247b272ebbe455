"""``cybercoop note new KEY``: a reading note for a source, ready to fill in.

The note is Markdown with YAML front matter in the README's note schema: the source's
key and title as fields, its authors, year and venue in a comment line (the schema has
no fields for them: the bibliography holds them), empty annotation parts, and the
review's sections and facets listed in comments as the ids a claim can be tagged with.
With ``claim`` the note starts with that claim, tagged as asked. The note is written to
``notes/KEY.md`` and never replaces a file, nor adds a second note for a source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from cybercoop_cli.errors import OutputError, UnknownKeyError, UsageError
from cybercoop_cli.ingest.project import suggest
from cybercoop_cli.model import Project, Review, Source, Stance

_UNSAFE_FILE_CHARS = re.compile(r"[^\w.+-]+")


def find_source(sources: Sequence[Source], key: str) -> Source:
    """The source with ``key`` (BibTeX keys match case-insensitively); else an error that
    suggests the nearest key."""
    for source in sources:
        if source.key == key:
            return source
    folded = [s for s in sources if s.key.lower() == key.lower()]
    if len(folded) == 1:
        return folded[0]
    raise UnknownKeyError(key, suggest(key, [s.key for s in sources]))


def note_path(review: Review, key: str) -> Path:
    """``notes/KEY.md``; characters a file name cannot hold become ``_``, and so does a
    leading dot, which would hide the note."""
    stem = _UNSAFE_FILE_CHARS.sub("_", key)
    if stem.startswith("."):
        stem = "_" + stem[1:]
    return review.notes_dir / f"{stem}.md"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain where YAML reads it back as the same string
    (``smith2020``), quoted where it would not (``true``, ``null``, ``#x``, ``[a]``, ``*a``)."""
    import yaml

    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain and text == text.strip() else _quoted(text)


def _comment(text: str) -> str:
    return " ".join(text.split())


def note_text(
    source: Source,
    review: Review,
    *,
    claim: str = "",
    sections: Sequence[str] = (),
    facets: Sequence[str] = (),
    stance: Stance = Stance.SUPPORTS,
) -> str:
    """The new note's text (Markdown with front matter)."""
    names = "; ".join(p.display() for p in source.names) or "no author"
    if source.authors_truncated:
        names += " et al."
    about = " · ".join(
        part for part in (names, str(source.year or "n.d."), source.container) if part
    )
    lines = ["---", f"key: {_scalar(source.key)}"]
    if source.title:
        lines.append(f"title: {_quoted(source.title)}")
    lines += [
        f"# {_comment(about)}",
        "tags: []",
        "annotation:",
        '  summary: ""      # what the source says',
        '  evaluation: ""   # how strong it is, and its limits',
        '  relevance: ""    # what it does for this review\'s question',
    ]
    example_sections = list(sections) or [s.id for s in review.sections[:1]]
    example_facets = list(facets) or [f.id for f in review.facets[:1]]
    if claim:
        lines += [
            "claims:",
            f"  - text: {_quoted(' '.join(claim.split()))}",
            f"    sections: [{', '.join(sections)}]",
            f"    facets: [{', '.join(facets)}]",
            f"    stance: {stance.value}   # supports, contests or qualifies",
        ]
    else:
        lines += [
            "# What the source supports, contests or qualifies, one claim each:",
            "# claims:",
            "#   - text: One sentence in your own words.",
            f"#     sections: [{', '.join(example_sections)}]",
            f"#     facets: [{', '.join(example_facets)}]",
            "#     stance: supports          # supports, contests or qualifies",
            "#     locator: p. 12            # optional",
        ]
    lines.append("#")
    lines.append("# Section ids:")
    ids = [s.id for s in review.sections] + [f.id for f in review.facets]
    width = max(map(len, ids), default=0)
    lines += [f"#   {s.id.ljust(width)}  {_comment(s.title)}" for s in review.sections]
    if review.facets:
        lines.append("# Facet ids:")
        lines += [f"#   {f.id.ljust(width)}  {_comment(f.question)}" for f in review.facets]
    lines += ["---", "", ""]
    return "\n".join(lines)


def _check_ids(given: Sequence[str], known: Sequence[str], what: str) -> None:
    for ident in given:
        if ident not in known:
            hint = suggest(ident, known)
            listed = ", ".join(known) or "none defined"
            raise UsageError(
                f"unknown {what} '{ident}'"
                + (f"; did you mean '{hint}'?" if hint else "")
                + f" ({what}s: {listed})"
            )


def create_note(
    project: Project,
    key: str,
    *,
    claim: str = "",
    sections: Sequence[str] = (),
    facets: Sequence[str] = (),
    stance: Stance = Stance.SUPPORTS,
) -> Path:
    """Write the new note for ``key``; return its path. Never replaces a note."""
    from cybercoop_cli.outputs import write_atomic

    review = project.review
    if (sections or facets) and not claim:
        raise UsageError("--section and --facet tag a claim: give its text with --claim")
    _check_ids(sections, [s.id for s in review.sections], "section")
    _check_ids(facets, [f.id for f in review.facets], "facet")
    source = find_source(project.sources, key)
    existing = project.notes_by_key().get(source.key)
    if existing is not None:
        raise OutputError(
            f"{existing.file} is already the note for '{source.key}'; open it instead"
        )
    path = note_path(review, source.key)
    if path.exists():
        raise OutputError(f"{path} exists; it was not changed")
    if not review.notes_dir.is_dir():
        review.notes_dir.mkdir(parents=True)
    text = note_text(source, review, claim=claim, sections=sections, facets=facets, stance=stance)
    return write_atomic(path, text)
