"""Rich renderings for the terminal: the review dashboard, the source list, problems."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cybercoop_cli.analysis.review import ReviewReport, SectionReport, SectionStatus
from cybercoop_cli.model import Problem, Severity, Source

STATUS_LABEL = {
    SectionStatus.NO_SUPPORT: ("✗ no support", "bold red"),
    SectionStatus.SINGLE_SOURCE: ("! single source", "yellow"),
    SectionStatus.SUPPORTED: ("✓ supported", "green"),
    SectionStatus.CONTESTED: ("± contested", "magenta"),
}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _status(section: SectionReport) -> Text:
    if section.status is SectionStatus.NO_SUPPORT and not section.needs_support:
        return Text("– none needed", style="dim")
    label, style = STATUS_LABEL[section.status]
    return Text(label, style=style)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# A dashboard is read, not searched: long lists are cut here, and the JSON output has all.
MAX_CLAIMS_PER_SECTION = 8
MAX_LISTED = 20


def _more(count: int, what: str) -> Text:
    return Text(f"… and {count:,} more {what} (all of them: --format json)", style="dim")


def _keys(keys: Sequence[str], limit: int = 6) -> Text:
    if not keys:
        return Text("—", style="dim")
    shown = "\n".join(keys[:limit])
    return Text(shown if len(keys) <= limit else f"{shown}\n… +{len(keys) - limit:,} more")


def render_review(report: ReviewReport, console: Console) -> None:
    console.print(
        Panel(
            Group(
                Text(report.title, style="bold"),
                Text.assemble(("Question: ", "bold"), report.question),
            ),
            box=box.ROUNDED,
            expand=True,
        )
    )
    facets = Table(
        box=box.SIMPLE_HEAD, title="Facets of the question", title_justify="left", expand=True
    )
    facets.add_column("facet", style="bold", no_wrap=True)
    facets.add_column("question", ratio=1)
    facets.add_column("claims", justify="right")
    facets.add_column("sources", justify="right")
    for facet in report.facets:
        count = Text(str(facet.claim_count), style="bold red" if not facet.claim_count else "")
        facets.add_row(Text(facet.id), Text(facet.question), count, str(len(facet.source_keys)))
    console.print(facets)

    _render_sections(report, console)

    console.print(Text("Claims by section", style="italic"))
    for section in report.sections:
        if not section.claims:
            continue
        console.print(Text.assemble("  ", (section.id, "bold")))
        for item in section.claims[:MAX_CLAIMS_PER_SECTION]:
            stance = item.claim.stance.value
            console.print(
                Padding(
                    Text.assemble(
                        (f"{item.source} ", "cyan"),
                        (f"[{stance}] ", "dim"),
                        _clip(item.claim.text, 160),
                    ),
                    (0, 0, 0, 4),
                )
            )
        if len(section.claims) > MAX_CLAIMS_PER_SECTION:
            hidden = len(section.claims) - MAX_CLAIMS_PER_SECTION
            console.print(Padding(_more(hidden, "claims"), (0, 0, 0, 4)))
    console.print()

    if report.suggestions:
        _render_suggestions(report, console)

    unreadable = dict(report.unreadable_notes)
    missing = [key for key in report.unused_sources if key not in unreadable]
    if missing:
        console.print(Text("Sources without a note", style="italic"))
        for key in missing[:MAX_LISTED]:
            console.print(f"  {escape(key)}", highlight=False)
        if len(missing) > MAX_LISTED:
            console.print(Padding(_more(len(missing) - MAX_LISTED, "sources"), (0, 0, 0, 2)))
        console.print()
    if unreadable:
        console.print(Text("Sources whose note cannot be read (see Problems)", style="italic"))
        for key, where in list(unreadable.items())[:MAX_LISTED]:
            console.print(Text.assemble("  ", key, ": fix ", (where, "bold")))
        if len(unreadable) > MAX_LISTED:
            console.print(Padding(_more(len(unreadable) - MAX_LISTED, "sources"), (0, 0, 0, 2)))
        console.print()

    if report.problems:
        render_problems(report.problems, console, limit=MAX_LISTED * 5)

    if report.next_steps:
        console.print(Text("Next steps", style="bold"))
        for number, step in enumerate(report.next_steps, start=1):
            console.print(Padding(Text(f"{number}. {step.message}"), (0, 0, 0, 2)))
        console.print()
    console.print(
        Text(
            f"{report.source_count} sources · {report.note_count} notes · {report.claim_count} claims · "
            f"{len(report.problems)} problems",
            style="dim",
        )
    )


# The status column's widest label, "! single source", and the claim count's heading.
_STATUS_WIDTH = 15
_CLAIMS_WIDTH = len("claims")
# Below this many characters for its text, a claim reads better on lines of its own.
_MIN_CLAIM_WIDTH = 30


def _table_width(contents: Sequence[int]) -> int:
    """The width of a SIMPLE_HEAD table: each column pads 1 a side and a separator or edge."""
    return sum(contents) + 3 * len(contents) + 1


def _render_sections(report: ReviewReport, console: Console) -> None:
    """The sections as a table when ids and keys fit whole beside each other, else stacked.

    rich cuts a cell that does not fit with "…"; a key or id cut that way cannot be found
    again, so the layout is chosen from their widths rather than left to rich.
    """
    id_width = max((len(s.id) for s in report.sections), default=len("section"))
    key_width = max(
        (len(line) for s in report.sections for line in str(_keys(s.source_keys)).splitlines()),
        default=1,
    )
    needed = _table_width([max(id_width, 7), _STATUS_WIDTH, _CLAIMS_WIDTH, max(key_width, 7)])
    if needed <= console.width:
        table = Table(box=box.SIMPLE_HEAD, title="Sections", title_justify="left", expand=True)
        table.add_column("section")
        table.add_column("status", no_wrap=True)
        table.add_column("claims", justify="right", no_wrap=True)
        table.add_column("sources", no_wrap=True)
        for section in report.sections:
            table.add_row(
                Text.assemble((section.id, "bold"), "\n", (section.title, "dim")),
                _status(section),
                str(len(section.claims)),
                _keys(section.source_keys),
            )
        console.print(table)
        return
    console.print(Text("Sections", style="italic"))
    for section in report.sections:
        claims = len(section.claims)
        console.print(
            Padding(
                Text.assemble(
                    (section.id, "bold"),
                    "  ",
                    _status(section),
                    f"  {claims} claim{'' if claims == 1 else 's'}",
                ),
                (0, 0, 0, 2),
            )
        )
        console.print(Padding(Text(section.title, style="dim"), (0, 0, 0, 4)))
        if section.source_keys:
            keys = Text("sources: ", style="dim")
            keys.append(", ".join(section.source_keys[:6]))
            if len(section.source_keys) > 6:
                keys.append(f" … +{len(section.source_keys) - 6:,} more", style="dim")
            console.print(Padding(keys, (0, 0, 0, 4)))
    console.print()


def _render_suggestions(report: ReviewReport, console: Console) -> None:
    """Untagged claims with their suggested links: a table when the claims keep room to be
    read beside ``file:line`` and the suggestions, else one claim after another."""
    rows: dict[tuple[str, int | None, str], list[Text]] = {}
    for suggestion in report.suggestions:
        row = rows.setdefault((suggestion.file, suggestion.claim.line, suggestion.claim.text), [])
        if suggestion.target:
            row.append(
                Text(
                    f"{suggestion.kind}: {suggestion.target} ({suggestion.score:g})",
                    style="green",
                )
            )
        else:
            row.append(Text(f"{suggestion.kind}: no match ({suggestion.score:g})", style="dim"))
    listed = list(rows.items())[:MAX_LISTED]
    places = [f"{file}:{line}" if line else file for (file, line, _), _ in listed]
    where_width = max(len(place) for place in places)
    hint_width = max(len(hint.plain) for _, hints in listed for hint in hints)
    title = "Untagged claims, with suggested links"
    if _table_width([where_width, _MIN_CLAIM_WIDTH, hint_width]) <= console.width:
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", expand=True)
        table.add_column("where", no_wrap=True)
        table.add_column("claim")
        table.add_column("suggestion", no_wrap=True)
        for place, ((_, _, text), hints) in zip(places, listed, strict=True):
            table.add_row(Text(place), Text(_clip(text, 120)), Text("\n").join(hints))
        console.print(table)
    else:
        console.print(Text(title, style="italic"))
        for place, ((_, _, text), hints) in zip(places, listed, strict=True):
            console.print(Padding(Text(place, style="bold"), (0, 0, 0, 2)))
            console.print(Padding(Text(_clip(text, 240)), (0, 0, 0, 4)))
            console.print(Padding(Text("; ").join(hints), (0, 0, 0, 4)))
        console.print()
    if len(rows) > MAX_LISTED:
        console.print(Padding(_more(len(rows) - MAX_LISTED, "untagged claims"), (0, 0, 0, 2)))
        console.print()


def render_problems(
    problems: Sequence[Problem], console: Console, limit: int | None = None
) -> None:
    console.print(Text(f"Problems ({len(problems)})", style="bold"))
    for problem in problems[:limit]:
        console.print(
            Text.assemble(
                ("  ", ""),
                (problem.severity.value, SEVERITY_STYLE[problem.severity]),
                " ",
                (problem.location(), "bold"),
                ": ",
                problem.message,
            )
        )
    if limit is not None and len(problems) > limit:
        console.print(Padding(_more(len(problems) - limit, "problems"), (0, 0, 0, 2)))
    console.print()


def render_sources(
    sources: Sequence[Source], problems: Sequence[Problem], console: Console
) -> None:
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("authors", ratio=1)
    table.add_column("year", no_wrap=True)
    table.add_column("title", ratio=2)
    for source in sources:
        names = [p.surname for p in source.names]
        authors = ", ".join(names[:3]) + (
            " et al." if len(names) > 3 or source.authors_truncated else ""
        )
        # Text, never markup: a title "[link=...]erratum[/link]" must not become a link.
        table.add_row(
            Text(source.key),
            Text(source.entry_type),
            Text(authors),
            str(source.year or "—"),
            Text(source.title),
        )
    console.print(table)
    if problems:
        render_problems(problems, console)
    console.print(Text(f"{len(sources)} sources · {len(problems)} problems", style="dim"))
