#!/usr/bin/env python3
"""Score `cybercoop check` on the real manuscripts of ../shared/corpus/grobid-manuscripts.

    python bench/check_corpus.py                 # every document, then by style
    python bench/check_corpus.py -v              # also each miss and false detection
    python bench/check_corpus.py --keep DIR      # keep the JSON outputs in DIR

Each manuscript is checked as its README says: `cybercoop check DOC.txt --format json`
from a folder with no review, so the manuscript's own reference list is used. The
corpus's own score.py then compares the citations with the gold spans and counts the
error-level findings. Figures: detection precision and recall, and error findings per 100
gold citations (on published papers nearly every one of those is a false alarm).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "grobid-manuscripts"


def run_check(document: Path, out: Path, workdir: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with out.open("wb") as sink:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cybercoop_cli",
                "check",
                str(document),
                "--format",
                "json",
                "-q",
            ],
            cwd=workdir,
            stdout=sink,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    return done.returncode


def score(gold_dir: Path, tool_dir: Path, style: str | None, verbose: bool) -> dict[str, object]:
    command = [sys.executable, str(CORPUS / "score.py"), "--all", str(gold_dir), str(tool_dir)]
    if style:
        command += ["--style", style]
    if verbose:
        command.append("-v")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    if verbose:
        sys.stderr.write(done.stderr)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list misses and false detections"
    )
    parser.add_argument("--keep", type=Path, help="write the check outputs here")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS / "dev", help="folder of DOC.txt + DOC.gold.json"
    )
    args = parser.parse_args()
    if not (CORPUS / "score.py").is_file() or not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        tool_dir = args.keep or Path(scratch) / "out"
        tool_dir.mkdir(parents=True, exist_ok=True)
        workdir = Path(scratch) / "cwd"
        workdir.mkdir()
        crashed = []
        for document in sorted(args.corpus.glob("*.txt")):
            code = run_check(document, tool_dir / f"{document.stem}.json", workdir)
            if code not in (0, 1, 3):  # 1: findings at the threshold, 3: input problems
                crashed.append(f"{document.name}: exit {code}")
        rows = {
            style or "all": score(args.corpus, tool_dir, style, args.verbose and not style)
            for style in (None, "author-date", "numeric")
        }
    print(
        f"{'style':<12} {'docs':>4} {'gold':>5} {'precision':>9} {'recall':>7} {'errors/100':>10}"
    )
    for style, row in rows.items():
        print(
            f"{style:<12} {row['docs']:>4} {row['gold']:>5} {row['precision']!s:>9} {row['recall']!s:>7} {row['errors_per_100']!s:>10}"
        )
    for line in crashed:
        print("exit code:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
