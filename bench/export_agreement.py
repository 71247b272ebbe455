"""How often cybercoop's formatted references read exactly as pandoc's own, per style.

For every .bib file in the shared corpus (../shared/corpus, duplicates by content read
once) and each style, pandoc formats the file itself (``--citeproc --bibliography FILE``,
every entry, one run per file and style) and cybercoop formats the same entries from its
own reading (ingest/bibtex.py -> render/csl.py ``to_csl`` -> ``render_references``, as
``cybercoop export`` does). A reference agrees when its visible text (formatting dropped,
spaces folded) is the same.

Each pandoc run is bounded (``--pandoc-memory`` MB of heap, ``--pandoc-timeout`` seconds):
a file pandoc cannot read (not UTF-8, a syntax its reader rejects, a heap or time limit) is
reported as skipped with pandoc's reason and not counted. Differences listed in
tests/data/pandoc-known-differences.yaml (see bench/known_differences.py) are counted
apart: the "apart from listed" figure counts them as agreeing, as the acceptance of
issue 17 does.

    python bench/export_agreement.py                         # all six styles, all files
    python bench/export_agreement.py --styles apa,ieee --json /tmp/diffs.json --show 5

Prints one line per style and, with ``--show N``, the first N unlisted differences;
``--json`` writes every unlisted difference (and the figures) for triage.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.known_differences import KnownDifferences, load  # noqa: E402
from cybercoop_cli.ingest.bibtex import read_bibliography  # noqa: E402
from cybercoop_cli.render.bibliography import (  # noqa: E402
    _find_refs,
    _nocite_all,
    normalise_space,
    render_references,
    resolve_style,
)
from cybercoop_cli.render.csl import to_csl  # noqa: E402
from cybercoop_cli.render.pandoc import document, pandoc_path  # noqa: E402
from cybercoop_cli.render.richtext import stringify  # noqa: E402

STYLES = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "ieee": "ieee",
    "vancouver": "vancouver",
    "oscola": "oscola",
}
CORPUS = REPO.parent / "shared" / "corpus"


def visible(blocks: list[dict[str, Any]]) -> str:
    """A reference's visible text: every block's inline text, spaces folded."""
    parts: list[str] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            parts.append(stringify(block["c"]))
        elif block["t"] == "Div":
            parts.append(visible(block["c"][1]))
    return normalise_space(" ".join(parts))


class Skip(Exception):
    """pandoc cannot format this file (within the limits): not counted."""


def pandoc_texts(path: Path, style_path: Path, memory_mb: int, timeout: float) -> dict[str, str]:
    """pandoc's own reading of ``path``, every entry formatted in one bounded run."""
    doc = document([], {"nocite": _nocite_all()})
    command = [
        pandoc_path(),
        "+RTS",
        f"-M{memory_mb}m",
        "-RTS",
        "--from=json",
        "--to=json",
        "--citeproc",
        f"--csl={style_path}",
        f"--bibliography={path}",
    ]
    try:
        done = subprocess.run(
            command, input=json.dumps(doc).encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise Skip(f"pandoc took more than {timeout:.0f} s") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("Heap exhausted" in line for line in lines):
            raise Skip(f"pandoc needs more than {memory_mb} MB")
        raise Skip("pandoc failed: " + (lines[-1] if lines else f"exit {done.returncode}"))
    blocks = _find_refs(json.loads(done.stdout)["blocks"])
    return {b["c"][0][0][4:]: visible(b["c"][1]) for b in blocks}


def corpus_files(root: Path) -> list[Path]:
    seen: set[str] = set()
    files: list[Path] = []
    for path in sorted(root.rglob("*.bib")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            files.append(path)
    return files


@dataclass
class Tally:
    agree: int = 0
    compared: int = 0
    listed: int = 0  # differing, and listed as a deliberate difference
    stale: int = 0  # listed, but agreeing now
    one_sided: int = 0
    files: int = 0
    seconds: float = 0.0
    unlisted: list[dict[str, str]] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)
    stale_keys: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    name: str
    tallies: dict[str, Tally]
    skipped: dict[str, str]  # style -> reason


def compare_file(
    path: Path, name: str, styles: list[str], known: KnownDifferences, args: argparse.Namespace
) -> FileResult:
    result = FileResult(name, {}, {})
    try:
        sources = list(read_bibliography([path]).sources)
    except Exception as exc:
        return FileResult(name, {}, dict.fromkeys(styles, f"cybercoop cannot read it: {exc}"))
    unique: dict[str, Any] = {}
    for source in sources:
        unique.setdefault(source.key, source)
    items = [to_csl(s) for s in unique.values()]
    file_problem = ""
    for short in styles:
        if file_problem:
            result.skipped[short] = file_problem
            continue
        style = resolve_style(STYLES.get(short, short))
        started = time.perf_counter()
        try:
            theirs = pandoc_texts(path, style.path, args.pandoc_memory, args.pandoc_timeout)
        except Skip as exc:
            result.skipped[short] = str(exc)
            if "took more than" not in str(exc):
                file_problem = str(exc)  # reading the file fails the same way in every style
            continue
        ours = {
            r.key: visible(list(r.blocks))
            for r in render_references(items, style, workers=args.workers)
        }
        tally = Tally(files=1)
        for key in unique:
            if key not in theirs or key not in ours:
                tally.one_sided += 1
                continue
            tally.compared += 1
            reason = known.reason(name, key, STYLES.get(short, short))
            if theirs[key] == ours[key]:
                tally.agree += 1
                if reason is not None:
                    tally.stale += 1
                    tally.stale_keys.append(f"{name} {key}")
            elif reason is not None:
                tally.listed += 1
            elif rule := known.rule(
                name, STYLES.get(short, short), unique[key].fields, ours[key], theirs[key]
            ):
                tally.listed += 1
                tally.by_rule[rule.name] += 1
            else:
                tally.unlisted.append(
                    {
                        "style": short,
                        "file": name,
                        "key": key,
                        "cybercoop": ours[key],
                        "pandoc": theirs[key],
                    }
                )
        tally.seconds = time.perf_counter() - started
        result.tallies[short] = tally
    return result


def recheck(path: Path, corpus: Path, known: KnownDifferences) -> int:
    """Apply the known-differences file, as it is now, to the unlisted differences an
    earlier ``--json`` run wrote (for triage: no formatting is redone)."""
    data = json.loads(path.read_text("utf-8"))
    fields: dict[str, dict[str, Any]] = {}
    moved: Counter[str] = Counter()
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    left: list[dict[str, str]] = []
    for diff in data["differences"]:
        name, short = diff["file"], diff["style"]
        if name not in fields:
            sources = read_bibliography([corpus / name]).sources
            fields[name] = {}
            for source in sources:
                fields[name].setdefault(source.key, source.fields)
        style = STYLES.get(short, short)
        entry = fields[name].get(diff["key"], {})
        rule = known.rule(name, style, entry, diff["cybercoop"], diff["pandoc"])
        if known.reason(name, diff["key"], style) is not None or rule is not None:
            moved[short] += 1
            by_rule[short][rule.name if rule else "item"] += 1
        else:
            left.append(diff)
    for short, figure in data["figures"].items():
        listed = figure["listed"] + moved[short]
        apart = (
            100.0 * (figure["agree"] + listed) / figure["compared"] if figure["compared"] else 100
        )
        print(
            f"{short:10} {figure['agree']:6d} / {figure['compared']:6d} agree"
            f" ({figure['percent']:.2f}%); {listed} listed differences,"
            f" {figure['unlisted'] - moved[short]} unlisted: {apart:.2f}% apart from listed"
            f"  [{moved[short]} newly listed: {dict(by_rule[short].most_common())}]"
        )
    data["differences"] = left
    path.with_suffix(".recheck.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), "utf-8"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--files", default="*", help="only files whose corpus path matches")
    parser.add_argument("--max-files", type=int, default=0)
    parser.add_argument("--pandoc-memory", type=int, default=2000, help="MB of heap per run")
    parser.add_argument("--pandoc-timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write figures and every unlisted difference")
    parser.add_argument(
        "--workers", type=int, default=1, help="files compared at once (and pandoc processes)"
    )
    parser.add_argument(
        "--recheck",
        type=Path,
        help="re-apply the known-differences file to an earlier --json run's differences",
    )
    args = parser.parse_args()
    styles = args.styles.split(",")
    known = load()
    if args.recheck:
        return recheck(args.recheck, args.corpus, known)
    files = [
        f
        for f in corpus_files(args.corpus)
        if fnmatch.fnmatch(str(f.relative_to(args.corpus)), args.files)
    ]
    if args.max_files:
        files = files[: args.max_files]
    totals = {s: Tally() for s in styles}
    skipped: dict[str, dict[str, str]] = defaultdict(dict)
    started = time.perf_counter()

    def one(path: Path) -> FileResult:
        return compare_file(path, str(path.relative_to(args.corpus)), styles, known, args)

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for number, result in enumerate(pool.map(one, files), 1):
            seconds = sum(t.seconds for t in result.tallies.values())
            print(f"[{number}/{len(files)}] {result.name} {seconds:.1f} s", file=sys.stderr)
            for short, reason in result.skipped.items():
                skipped[result.name][short] = reason
            for short, tally in result.tallies.items():
                total = totals[short]
                for attr in ("agree", "compared", "listed", "stale", "one_sided", "files"):
                    setattr(total, attr, getattr(total, attr) + getattr(tally, attr))
                total.seconds += tally.seconds
                total.unlisted.extend(tally.unlisted)
                total.stale_keys.extend(tally.stale_keys)
                total.by_rule.update(tally.by_rule)
    figures: dict[str, dict[str, Any]] = {}
    for short in styles:
        t = totals[short]
        share = 100.0 * t.agree / t.compared if t.compared else 100.0
        apart = 100.0 * (t.agree + t.listed) / t.compared if t.compared else 100.0
        figures[short] = {
            "agree": t.agree,
            "compared": t.compared,
            "listed": t.listed,
            "unlisted": len(t.unlisted),
            "stale": t.stale,
            "one_sided": t.one_sided,
            "files": t.files,
            "by_rule": dict(t.by_rule.most_common()),
            "percent": round(share, 3),
            "percent_apart_from_listed": round(apart, 3),
            "seconds": round(t.seconds, 1),
        }
        print(
            f"{short:10} {t.agree:6d} / {t.compared:6d} agree ({share:.2f}%);"
            f" {t.listed} listed differences, {len(t.unlisted)} unlisted:"
            f" {apart:.2f}% apart from listed  [{t.files} files, {t.one_sided} entries"
            f" formatted by one side only, {t.stale} listed but agreeing, {t.seconds:.0f} s]",
            flush=True,
        )
        if t.by_rule:
            print("  listed by rule: " + ", ".join(f"{k} {v}" for k, v in t.by_rule.most_common()))
        for diff in t.unlisted[: args.show]:
            print(f"  {diff['file']} {diff['key']}\n    ours:   {diff['cybercoop']}")
            print(f"    pandoc: {diff['pandoc']}")
        for stale in t.stale_keys[: args.show]:
            print(f"  listed but agreeing: {stale}")
    by_reason: dict[str, list[str]] = defaultdict(list)
    for name, reasons in sorted(skipped.items()):
        for short, reason in reasons.items():
            by_reason[f"{name}: {reason}"].append(short)
    for line, shorts in by_reason.items():
        print(f"skipped ({','.join(shorts)}) {line}")
    print(f"{len(files)} files; elapsed {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {
            "figures": figures,
            "skipped": skipped,
            "stale": {s: totals[s].stale_keys for s in styles},
            "differences": [d for s in styles for d in totals[s].unlisted],
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
