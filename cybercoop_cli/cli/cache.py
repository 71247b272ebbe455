"""``cybercoop cache``: where the cache is and what it holds (``info``), and emptying it (``clear``)."""

from __future__ import annotations

import time

import typer
from typer.core import TyperCommand, TyperGroup

from cybercoop_cli.errors import InputError, OutputError

cache_app = typer.Typer(
    name="cache",
    help="Where the cache of parsed inputs is, what it holds, and emptying it.",
    short_help="Show or empty the cache of parsed inputs.",
    no_args_is_help=True,
    cls=TyperGroup,
)


@cache_app.command("info", cls=TyperCommand)
def info() -> None:
    """Show where the cache is, its size and limit, and the reviews it holds.

    A cache that belongs to another user or that others may write is reported, not read.
    """
    from cybercoop_cli.cache import CacheRefused, cache_info

    try:
        found = cache_info()
    except CacheRefused as exc:
        raise InputError(str(exc)) from None
    typer.echo(f"folder: {found.folder}")
    if not found.exists:
        typer.echo("file: none yet (the next review run creates it)")
        return
    megabytes = found.file_bytes / 1024 / 1024
    limit = found.max_bytes / 1024 / 1024
    typer.echo(f"file: {found.file} ({megabytes:.1f} MB; limit {limit:.0f} MB)")
    typer.echo(f"format: {found.stamp}")
    typer.echo(f"reviews: {len(found.reviews)}")
    for review in found.reviews:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(review.used))
        size = review.bytes / 1024 / 1024
        typer.echo(f"  {review.path}  {review.rows} records, {size:.1f} MB, last used {used}")


@cache_app.command("clear", cls=TyperCommand)
def clear() -> None:
    """Delete the cache file; the next run parses every input again.

    Only cybercoop's own files are removed, never the folder's other content.
    """
    from cybercoop_cli.cache import cache_dir, clear_cache

    try:
        freed = clear_cache()
    except OSError as exc:
        raise OutputError(f"cannot remove the cache in {cache_dir()}: {exc.strerror}") from None
    typer.echo(f"removed {freed / 1024 / 1024:.1f} MB from {cache_dir()}")
