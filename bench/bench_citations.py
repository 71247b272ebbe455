"""Benchmark: citation finding is linear in the text's length, adversarial text included.

Run ``python bench/bench_citations.py``. For each kind of adversarial text it times reading
(cleaning) and citation finding on N and on 2N characters in the same run and prints the
ratio; a linear algorithm gives about 2 (a quadratic one about 4). It also times resolving
10,000 citations against 10,000 sources, and resolving N citations against N sources that
share 40 surnames (as Wang and Smith recur in a real review) for N and 10N: the work per
citation must not grow with the number of sources sharing its surname, so the ratio should
stay near 10 (it was ~20 before the resolver narrowed its candidates). ``--size`` sets N
(default 500,000 characters).
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cybercoop_cli.analysis.citations import find_citations
from cybercoop_cli.analysis.resolve import resolve
from cybercoop_cli.ingest.manuscript import parse_manuscript
from cybercoop_cli.model import Person, Source


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _capitalised(size: int) -> str:
    rng = random.Random(1)
    words = []
    total = 0
    while total < size:
        word = rng.choice(string.ascii_uppercase) + "".join(
            rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))
        )
        words.append(word)
        total += len(word) + 1
    return " ".join(words)[:size] + " (2020)"


def _mixed(size: int) -> str:
    unit = (
        "(Smith, Jones, Brown, & (see ((( [@a; [-@b [see @c, "
        "\\citep[p.~4]{k1,k2 \\cite{ `code ``` <!-- a@b.c http://x.org/( "
        "Chang (2020 et al., (2019, 2018, 2017, p. Vargo & Lusch, 2008, 2011) "
    )
    return _repeat(unit, size)


CASES: dict[str, Callable[[int], str]] = {
    "unclosed parentheses": lambda n: _repeat("(", n),
    "unclosed '(Name, ' runs": lambda n: _repeat("(Smith, ", n),
    "capitalised words, one line": _capitalised,
    "a megabyte-scale line of text": lambda n: _repeat("word Chang and Sekati 2020 ", n),
    "digits and years": lambda n: _repeat("2020, 2021 (2022) 12345678901234567890 ", n),
    "at signs and brackets": lambda n: _repeat("@@[@x; @", n),
    "backticks": lambda n: _repeat("`` ` ``` x ", n),
    "mixed citation debris": _mixed,
}


def _time(function: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _finding(text: str, kind: str) -> Callable[[], object]:
    def run() -> object:
        manuscript = parse_manuscript(text, kind)
        return find_citations(manuscript.body)

    return run


def bench_linear(size: int) -> list[tuple[str, str, float, float, float]]:
    rows = []
    for name, make in CASES.items():
        for kind in ("markdown", "latex"):
            small, large = make(size), make(2 * size)
            t_small = _time(_finding(small, kind))
            t_large = _time(_finding(large, kind))
            rows.append((name, kind, t_small, t_large, t_large / max(t_small, 1e-9)))
    return rows


def bench_resolve(count: int) -> float:
    rng = random.Random(7)
    surnames = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))).title()
        for _ in range(count)
    ]
    sources = [
        Source(
            key=f"s{i}",
            entry_type="article",
            file="x.bib",
            line=i,
            authors=(Person(family=surnames[i]),),
            year=1990 + i % 35,
        )
        for i in range(count)
    ]
    text_parts = []
    for i in range(count):
        name = surnames[rng.randrange(count)]
        if i % 5 == 0:  # a misspelling: fuzzy matching has work to do
            name = name[:-1] + ("x" if name[-1] != "x" else "y")
        text_parts.append(f"({name}, {1990 + rng.randrange(35)})")
    citations = find_citations(" text ".join(text_parts))
    started = time.perf_counter()
    resolve(citations, sources)
    return time.perf_counter() - started


_SURNAMES = """
    Smith Muller Garcia Berg OBrien Nguyen Wicki Ostergaard Kowalski Schon Cruz Tanaka
    Dubois Skoda Jeremias Chen Okafor Lindqvist Rossi Fernandez Ivanova Hansen Brass
    Sowell Amoo Sekati Widodo Chang Holt Bossler Krauter Nakamura Papadopoulos Yilmaz
    Cetinkaya Andersson Kim Park Singh Patel
"""


def bench_crowded(count: int) -> float:
    """Resolve ``count`` citations against ``count`` sources drawn from 40 surnames."""
    rng = random.Random(11)
    family = _SURNAMES.split()
    sources = []
    forms = []
    for i in range(count):
        people = [rng.choice(family) for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6]))]
        year = rng.randint(1985, 2025)
        sources.append(
            Source(
                key=f"s{i}",
                entry_type="article",
                file="x.bib",
                line=i,
                authors=tuple(Person(family=name) for name in people),
                year=year,
            )
        )
        if len(people) == 1:
            forms.append(f"({people[0]}, {year})")
        elif len(people) == 2:
            forms.append(f"({people[0]} & {people[1]}, {year})")
        else:
            forms.append(f"({people[0]} et al., {year})")
    citations = find_citations(" text ".join(rng.choice(forms) for _ in range(count)))
    started = time.perf_counter()
    resolve(citations, sources)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=500_000, help="N, in characters")
    parser.add_argument("--sources", type=int, default=10_000)
    args = parser.parse_args()
    worst = 0.0
    print(f"{'input':34} {'format':9} {'N s':>8} {'2N s':>8} {'ratio':>6}")
    for name, kind, t_small, t_large, ratio in bench_linear(args.size):
        print(f"{name:34} {kind:9} {t_small:8.3f} {t_large:8.3f} {ratio:6.2f}")
        if t_small > 0.01:  # ratios of tiny times are noise
            worst = max(worst, ratio)
    print(f"worst ratio (inputs over 10 ms): {worst:.2f} (linear ~2, quadratic ~4)")
    seconds = bench_resolve(args.sources)
    print(f"resolve {args.sources} citations against {args.sources} sources: {seconds:.2f} s")
    small, large = bench_crowded(args.sources // 2), bench_crowded(args.sources * 5)
    print(
        f"resolve N citations against N sources of 40 surnames, N={args.sources // 2:,}: "
        f"{small:.2f} s, 10N: {large:.2f} s, growth {large / max(small, 1e-9):.1f}x (linear ~10)"
    )
    return 0 if worst < 3.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
