#!/usr/bin/env python3
"""Every input bomb of issue 15, at the size the issue gives, run through the CLI.

    python bench/bombs.py            # a table: case, size, exit code, seconds, peak MB

Each case is one ``cybercoop`` process; its wall time and peak memory (max RSS, from
``os.wait4``, so POSIX only) are checked against the issue's bounds, 10 s and 500 MB.
Exit status 1 when any case is over a bound or crashed (exit 70). The inputs are built
in a temporary folder and removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MAX_SECONDS = 10.0
MAX_MB = 500.0
REPO = Path(__file__).resolve().parent.parent
REVIEW = "title: Bombs\nquestion: Q?\nsections:\n  - id: intro\n    title: Introduction\n"
SMITH = (
    "@article{smith2020, author = {Smith, Ann}, title = {A title}, journal = {J}, year = 2020}\n"
)


def review(folder: Path, bib: str = SMITH) -> Path:
    folder.mkdir(parents=True)
    (folder / "cybercoop.yaml").write_text(REVIEW, encoding="utf-8")
    (folder / "references").mkdir()
    (folder / "references" / "refs.bib").write_text(bib, encoding="utf-8")
    return folder


def string_macros(folder: Path) -> tuple[list[str], int]:
    # 40 levels of s{n} = s{n-1} # s{n-1}: 2**40 characters asked for; 30 levels took 1.1 GB.
    lines = ['@string{s0 = "abcdefgh"}']
    lines += [f"@string{{s{n} = s{n - 1} # s{n - 1}}}" for n in range(1, 41)]
    lines.append("@article{bomb, title = s40 # s40, author = {Doe, J.}, year = 2020}")
    bib = "\n".join(lines)
    review(folder, bib)
    return ["sources"], len(bib.encode())


def crossref_chain(folder: Path) -> tuple[list[str], int]:
    # 20,000 links (1.2 MB) took hours when each entry walked its chain.
    entries = ["@book{e0, title = {Root}, publisher = {P}, year = 2000}"]
    entries += [
        f"@incollection{{e{n}, crossref = {{e{n - 1}}}, author = {{A{n}, B.}}, title = {{T{n}}}}}"
        for n in range(1, 20_000)
    ]
    bib = "\n".join(entries)
    review(folder, bib)
    return ["sources"], len(bib.encode())


def utf16_docx(folder: Path) -> tuple[list[str], int]:
    # A UTF-16 document.xml bypassed the DOCTYPE guard: 543 KB took 6 GB in gaps --manuscript.
    review(folder)
    laughs = ['<!ENTITY l0 "lol">']
    laughs += [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    body = "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>" * 14_000
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE w:document [' + "".join(laughs) + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode("utf-16")
    path = folder / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", xml)
    return ["gaps", "--manuscript", str(path)], len(xml)


def long_line(unit: str, size: int) -> Callable[[Path], tuple[list[str], int]]:
    # check's context search was quadratic in the line: 192 KB of citations took 24 s.
    def make(folder: Path) -> tuple[list[str], int]:
        review(folder)
        text = "# Draft\n\n" + unit * (size // len(unit)) + "\n"
        (folder / "draft.md").write_text(text, encoding="utf-8")
        return ["check", str(folder / "draft.md")], len(text.encode())

    return make


CASES: dict[str, Callable[[Path], tuple[list[str], int]]] = {
    "@string doubling, 40 levels": string_macros,
    "crossref chain, 20,000 links": crossref_chain,
    "UTF-16 docx with entities": utf16_docx,
    'check, 96 KB line of "a b c d" (Smith, 2020)': long_line('"a b c d" (Smith, 2020) ', 96_000),
    'check, 192 KB line of "a b c d" (Smith, 2020)': long_line('"a b c d" (Smith, 2020) ', 192_000),
    "check, 192 KB run of [@": long_line("[@", 192_000),
}


def run(args: list[str], cwd: Path) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak MB of one cybercoop process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "cybercoop_cli", "--no-cache", *args]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    # ru_maxrss is in KB on Linux, in bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return process.returncode, seconds, peak


def main() -> int:
    if not hasattr(os, "wait4"):
        print("bench/bombs.py needs os.wait4 (Linux, macOS)", file=sys.stderr)
        return 2
    failed = False
    print(f"{'case':48} {'input':>9} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="cybercoop-bombs-") as scratch:
        for index, (name, make) in enumerate(CASES.items()):
            folder = Path(scratch) / f"case{index}"
            args, size = make(folder)
            code, seconds, peak = run(args, folder)
            over = seconds > MAX_SECONDS or peak > MAX_MB or code == 70
            failed |= over
            print(
                f"{name:48} {size / 1024:>7.0f}KB {code:>4} {seconds:>8.2f} {peak:>8.0f}"
                + ("  OVER" if over else "")
            )
    print(f"bounds: {MAX_SECONDS:.0f} s, {MAX_MB:.0f} MB; {'FAILED' if failed else 'all within'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
