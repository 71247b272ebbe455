"""``cybercoop sources`` as plain lines: for a pipe, or a list longer than the screen.

One source a line, its fields separated by tabs (key, type, authors, year, title), so
that ``cut``, ``sort`` and ``grep`` can work on it; then one line per problem, and a
count. Laying out a rich table of 10,000 rows took about 4 seconds, and a pipe gains
nothing from the layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from cybercoop_cli.model import Problem, Source


def sources_text(sources: Sequence[Source], problems: Sequence[Problem]) -> str:
    lines = ["key\ttype\tauthors\tyear\ttitle"]
    for source in sources:
        names = [p.surname for p in source.names]
        authors = ", ".join(names[:3]) + (
            " et al." if len(names) > 3 or source.authors_truncated else ""
        )
        fields = (source.key, source.entry_type, authors, str(source.year or ""), source.title)
        lines.append("\t".join(" ".join(field.split()) for field in fields))
    if problems:
        lines.append("")
        lines.append(f"Problems ({len(problems)})")
        lines.extend(f"  {p.severity.value} {p.location()}: {p.message}" for p in problems)
    lines.append("")
    lines.append(f"{len(sources)} sources · {len(problems)} problems")
    return "\n".join(lines) + "\n"
