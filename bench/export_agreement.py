"""How often cybercoop's formatted references read exactly as pandoc's own, per style.

For every .bib file in the shared corpus (../shared/corpus, duplicates by content read
once) and each style, pandoc formats the file itself (``--citeproc --bibliography``) and
cybercoop formats the same entries from its own reading (BibTeX -> CSL items -> pandoc's
citeproc). A reference agrees when its visible text (formatting dropped, spaces folded)
is the same. Entries are formatted in slices of at most ``--slice`` keys on both sides
(pandoc's ``nocite`` lists the slice), so a 3,600-entry file stays tractable; both sides
see the same slices, so disambiguation is compared like with like.

    python bench/export_agreement.py                 # all styles, all files
    python bench/export_agreement.py --styles apa,oscola --max-files 20

Prints one line per style (agreeing / compared, percent) and, with ``--show N``, the first
N differing references. Files pandoc cannot read are reported and skipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cybercoop_cli.errors import ExternalToolError  # noqa: E402
from cybercoop_cli.ingest.bibtex import read_bibliography  # noqa: E402
from cybercoop_cli.render.bibliography import (  # noqa: E402
    _find_refs,
    normalise_space,
    render_once,
    resolve_style,
)
from cybercoop_cli.render.csl import to_csl  # noqa: E402
from cybercoop_cli.render.pandoc import document, run_json  # noqa: E402
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


def _cite(keys: list[str]) -> dict[str, Any]:
    citations = [
        {
            "citationId": key,
            "citationPrefix": [],
            "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for key in keys
    ]
    return {"t": "MetaInlines", "c": [{"t": "Cite", "c": [citations, []]}]}


def pandoc_texts(path: Path, keys: list[str], style_path: Path) -> dict[str, str]:
    meta = {"nocite": _cite(keys)}
    result = run_json(
        document([], meta), ["--citeproc", f"--csl={style_path}", f"--bibliography={path}"]
    )
    return {b["c"][0][0][4:]: visible(b["c"][1]) for b in _find_refs(result["blocks"])}


def corpus_files(root: Path) -> list[Path]:
    seen: set[str] = set()
    files: list[Path] = []
    for path in sorted(root.rglob("*.bib")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            files.append(path)
    return files


def compare_file(
    path: Path, style_name: str, slice_size: int
) -> tuple[int, int, list[tuple[str, str, str]], int]:
    """(agreeing, compared, differences, entries only one side formats) for one file."""
    style = resolve_style(style_name)
    sources = list(read_bibliography([path]).sources)
    unique: dict[str, Any] = {}
    for source in sources:
        unique.setdefault(source.key, source)
    keys = list(unique)
    agree = compared = one_sided = 0
    diffs: list[tuple[str, str, str]] = []
    for start in range(0, len(keys), slice_size):
        chunk = keys[start : start + slice_size]
        theirs = pandoc_texts(path, chunk, style.path)
        ours = {
            r.key: normalise_space(visible(list(r.blocks)))
            for r in render_once([to_csl(unique[k]) for k in chunk], style)
        }
        for key in chunk:
            if key not in theirs or key not in ours:
                one_sided += 1
                continue
            compared += 1
            if theirs[key] == ours[key]:
                agree += 1
            else:
                diffs.append((key, ours[key], theirs[key]))
    return agree, compared, diffs, one_sided


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--slice", type=int, default=250)
    parser.add_argument("--max-files", type=int, default=0)
    parser.add_argument(
        "--max-bytes", type=int, default=0, help="skip .bib files larger than this (0: none)"
    )
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every difference here")
    parser.add_argument("--workers", type=int, default=2, help="files compared at once")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    if args.max_bytes:
        files = [f for f in files if f.stat().st_size <= args.max_bytes]
    if args.max_files:
        files = files[: args.max_files]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    all_diffs: dict[str, list[dict[str, str]]] = defaultdict(list)
    skipped: list[str] = []
    started = time.perf_counter()
    for style_short in args.styles.split(","):
        style_name = STYLES.get(style_short, style_short)
        from concurrent.futures import ThreadPoolExecutor

        def one(path: Path, style_name: str = style_name) -> tuple[Path, Any]:
            try:
                return path, compare_file(path, style_name, args.slice)
            except ExternalToolError as exc:
                return path, exc

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for path, outcome in pool.map(one, files):
                name = str(path.relative_to(args.corpus))
                if isinstance(outcome, ExternalToolError):
                    skipped.append(f"{style_short} {name}: {outcome}")
                    continue
                agree, compared, diffs, one_sided = outcome
                totals[style_short][0] += agree
                totals[style_short][1] += compared
                totals[style_short][2] += one_sided
                for key, ours, theirs in diffs:
                    all_diffs[style_short].append(
                        {"file": name, "key": key, "cybercoop": ours, "pandoc": theirs}
                    )
        agree, compared, one_sided = totals[style_short]
        share = 100.0 * agree / compared if compared else 100.0
        print(
            f"{style_short:10} {agree:6d} / {compared:6d} agree ({share:.2f}%)"
            f"  [{one_sided} formatted by one side only; {len(files)} files]",
            flush=True,
        )
        for diff in all_diffs[style_short][: args.show]:
            print(f"  {diff['file']} {diff['key']}\n    ours:   {diff['cybercoop']}")
            print(f"    pandoc: {diff['pandoc']}")
    for line in skipped:
        print("skipped:", line)
    print(f"elapsed {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(all_diffs, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
