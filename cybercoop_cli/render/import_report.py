"""What ``cybercoop import`` did, as text lines or one JSON document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cybercoop_cli.model import Problem, Source
from cybercoop_cli.workflow.importer import ImportPlan


def _who(source: Source) -> str:
    names = source.names
    if not names:
        who = "no author"
    elif len(names) == 1:
        who = names[0].surname
    elif len(names) == 2:
        who = f"{names[0].surname} & {names[1].surname}"
    else:
        who = f"{names[0].surname} et al."
    return f"{who} {source.year or 'n.d.'}"


def _title(source: Source, width: int = 60) -> str:
    title = source.title or "(no title)"
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def shown(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _problem(problem: Problem) -> str:
    return f"  {problem.severity.value} {problem.location()}: {problem.message}"


def import_lines(plan: ImportPlan, written: Path | None, *, dry_run: bool = False) -> list[str]:
    """The report, one line each: files read, problems, sources added, sources skipped."""
    lines: list[str] = []
    for result in plan.files:
        lines.append(f"{result.path} ({result.format.value}): {result.entries} entries")
        lines.extend(_problem(p) for p in result.problems)
        if result.rejected:
            lines.append(
                f"  not imported: {result.path} has errors (above); fix them and import it again"
            )
    target = shown(written or plan.target)
    if plan.added:
        verb = "Would add" if dry_run else "Added"
        lines.append(f"{verb} {len(plan.added)} to {target}:")
        width = max(len(item.source.key) for item in plan.added)
        for item in plan.added:
            source = item.source
            lines.append(f"  + {source.key.ljust(width)}  {_who(source)}  {_title(source)}")
            if item.key_change is not None:
                lines.append(f"    {'':{width}}  new key: {item.key_change.reason}")
    if plan.skipped:
        lines.append(f"Skipped {len(plan.skipped)} already in the review:")
        for skip in plan.skipped:
            other = skip.duplicate_of
            where = (
                "earlier in this import" if skip.in_this_import else f"{other.file}:{other.line}"
            )
            lines.append(
                f"  = {skip.source.file}:{skip.source.line} {_who(skip.source)} "
                f"'{_title(skip.source, 50)}' is {other.key or '(no key)'} ({where}): {skip.reason}"
            )
    if not plan.added:
        if plan.skipped and not plan.has_errors:
            lines.append("Nothing added: every entry is already in the review (listed above).")
        else:
            lines.append("Nothing added.")
    elif dry_run:
        lines.append("Nothing written (--dry-run).")
    return lines


def import_json(plan: ImportPlan, written: Path | None) -> dict[str, Any]:
    from cybercoop_cli.render.jsonout import problem_json

    return {
        "target": shown(plan.target),
        "written": written is not None,
        "files": [
            {
                "path": f.path,
                "format": f.format.value,
                "entries": f.entries,
                "imported": not f.rejected,
                "problems": [problem_json(p) for p in f.problems],
            }
            for f in plan.files
        ],
        "added": [
            {
                "key": a.source.key,
                "original_key": a.key_change.original if a.key_change else a.source.key,
                "key_reason": a.key_change.reason if a.key_change else None,
                "title": a.source.title,
                "year": a.source.year,
                "file": a.source.file,
                "line": a.source.line,
            }
            for a in plan.added
        ],
        "skipped": [
            {
                "key": s.source.key,
                "title": s.source.title,
                "file": s.source.file,
                "line": s.source.line,
                "duplicate_of": s.duplicate_of.key,
                "duplicate_file": s.duplicate_of.file,
                "duplicate_line": s.duplicate_of.line,
                "rule": s.rule,
                "reason": s.reason,
                "in_this_import": s.in_this_import,
            }
            for s in plan.skipped
        ],
    }
