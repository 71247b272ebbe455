"""Shell-completion callbacks for source keys, section ids and facet ids.

Attach them to an argument or option with ``autocompletion=complete_key`` (or
``complete_section``, ``complete_facet``). They honour a ``--project`` given earlier on
the command line and never fail: a review that cannot be read completes to nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer


def _project(ctx: typer.Context) -> Path | None:
    value = ctx.params.get("project")
    return Path(value) if value else None


def complete_key(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from cybercoop_cli.workflow.completion import complete, source_keys

    return complete(source_keys(_project(ctx)), incomplete)


def complete_section(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from cybercoop_cli.workflow.completion import complete, section_ids

    return complete(section_ids(_project(ctx)), incomplete)


def complete_facet(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from cybercoop_cli.workflow.completion import complete, facet_ids

    return complete(facet_ids(_project(ctx)), incomplete)
