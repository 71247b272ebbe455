"""Synthetic reviews for benchmarks: N sources with realistic names, accents, macros and
abstracts, a note with claims for each, and a manuscript of W words with C citations.

    python bench/generate.py OUT_DIR --sources 10000 [--words 200000 --citations 10000]

The output is a complete review (cybercoop.yaml, references/, notes/, manuscript.md),
deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

FAMILY = [
    "Smith", "M{\\\"u}ller", "Garc{\\'\\i}a", "van der Berg", "O'Brien", "Nguyen", "Wicki-Birchler",
    "{\\O}stergaard", "Kowalski", "Sch{\\\"o}n", "de la Cruz", "Tanaka", "Dubois", "{\\v{S}}koda",
    "Martillo Jerem{\\'\\i}as", "Chen", "Okafor", "Lindqvist", "Rossi", "Fern{\\'a}ndez", "Ivanova",
    "Hansen", "Brass", "Sowell", "Amoo", "Sekati", "Widodo", "Chang", "Holt", "Bossler", "Kr{\\\"a}uter",
    "Nakamura", "Papadopoulos", "Yilmaz", "{\\c{C}}etinkaya", "Andersson", "Kim", "Park", "Singh", "Patel",
]  # fmt: skip
GIVEN = [
    "Anna", "Jos{\\'e}", "Li", "Hans", "Irina", "Jesse H.", "P. N. M.", "Lennon Y. C.", "Olukunle",
    "Fran{\\c{c}}ois", "Zo{\\\"e}", "Bj{\\\"o}rn", "Mar{\\'\\i}a", "Thomas J.", "Adam M.", "David",
]  # fmt: skip
WORDS = [
    "international",
    "cooperation",
    "cybercrime",
    "jurisdiction",
    "extradition",
    "treaty",
    "convention",
    "enforcement",
    "evidence",
    "sovereignty",
    "privacy",
    "data",
    "protection",
    "harmonisation",
    "capacity",
    "governance",
    "security",
    "internet",
    "things",
    "artificial",
    "intelligence",
    "reform",
    "policy",
    "regulation",
    "criminal",
    "justice",
    "network",
    "digital",
    "forensic",
    "investigation",
    "mutual",
    "legal",
    "assistance",
    "transnational",
    "comparative",
    "analysis",
]
JOURNALS = ["rego", "iclr", "cilsa", "wjarr", "gijir"]
SECTIONS = ["intro", "framework", "implementation", "challenges", "reforms", "conclusion"]
FACETS = ["effectiveness", "reforms"]
STANCES = ["supports", "supports", "supports", "qualifies", "contests"]


def _title(rng: random.Random, n: int) -> str:
    words = rng.sample(WORDS, n)
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words[1] = "{" + words[1].upper() + "}"
    return " ".join(words)


def generate(out: Path, sources: int, words: int = 0, citations: int = 0, seed: int = 1) -> Path:
    rng = random.Random(seed)
    (out / "references").mkdir(parents=True, exist_ok=True)
    (out / "notes").mkdir(exist_ok=True)
    (out / "cybercoop.yaml").write_text(
        "title: Synthetic benchmark review\nquestion: Does cooperation work?\n"
        "facets:\n"
        + "".join(f"  - id: {f}\n    question: What about {f}?\n" for f in FACETS)
        + "sections:\n"
        + "".join(
            f"  - id: {s}\n    title: {s.title()}\n    description: About {s}.\n" for s in SECTIONS
        ),
        encoding="utf-8",
    )
    macros = "".join(f'@string{{{j} = "Journal of {j.upper()} Studies"}}\n' for j in JOURNALS)
    (out / "references" / "macros.bib").write_text(macros, encoding="utf-8")
    entries: list[str] = []
    cite_forms: list[str] = []
    for i in range(sources):
        n_authors = rng.choice([1, 1, 2, 2, 3, 4, 6])
        people = [(rng.choice(FAMILY), rng.choice(GIVEN)) for _ in range(n_authors)]
        year = rng.randint(1985, 2025)
        key = f"src{i:06d}"
        authors = " and ".join(f"{f}, {g}" for f, g in people)
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140)))
        if i % 3 == 0:
            entries.append(
                f"@incollection{{{key},\n  author = {{{authors}}},\n  title = {{{_title(rng, 6)}}},\n"
                f"  booktitle = {{The Handbook of {_title(rng, 3)}}},\n  editor = {{Holt, Thomas J. and Bossler, Adam M.}},\n"
                f"  publisher = {{Palgrave Macmillan}},\n  year = {{{year}}},\n  pages = {{{i % 300 + 1}--{i % 300 + 20}}},\n"
                f"  abstract = {{{abstract}}},\n}}\n"
            )
        else:
            entries.append(
                f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{_title(rng, 8)}}},\n"
                f'  journal = {rng.choice(JOURNALS)} # " (Online)",\n  year = {year},\n  volume = {{{i % 40 + 1}}},\n'
                f"  number = {{{i % 4 + 1}}},\n  pages = {{{i % 900 + 1}--{i % 900 + 15}}},\n"
                f"  doi = {{10.{1000 + i % 9000}/bench.{i}}},\n  abstract = {{{abstract}}},\n}}\n"
            )
        claims = []
        for _ in range(rng.randint(1, 3)):
            claims.append(
                f"  - text: {' '.join(rng.choice(WORDS) for _ in range(14)).capitalize()}.\n"
                f"    sections: [{rng.choice(SECTIONS)}]\n    facets: [{rng.choice(FACETS)}]\n"
                f"    stance: {rng.choice(STANCES)}\n"
            )
        (out / "notes" / f"{key}.md").write_text(
            f"---\nkey: {key}\ntags: [bench]\nannotation:\n  summary: {_title(rng, 10)}.\n"
            f"  evaluation: {_title(rng, 8)}.\n  relevance: {_title(rng, 6)}.\nclaims:\n{''.join(claims)}---\n"
            f"{abstract}\n",
            encoding="utf-8",
        )
        first = people[0][0]
        plain = first.replace("{", "").replace("}", "").replace('\\"', "").replace("\\'", "")
        plain = plain.replace("\\v", "").replace("\\c", "").replace("\\O", "Ø").replace("\\i", "i")
        if n_authors == 1:
            cite_forms.append(f"{plain}, {year}")
        elif n_authors == 2:
            second = (
                people[1][0].replace("{", "").replace("}", "").replace('\\"', "").replace("\\'", "")
            )
            cite_forms.append(f"{plain} & {second}, {year}")
        else:
            cite_forms.append(f"{plain} et al., {year}")
    (out / "references" / "sources.bib").write_text("\n".join(entries), encoding="utf-8")
    if words:
        _manuscript(out / "manuscript.md", rng, words, citations, cite_forms)
    return out


def _manuscript(
    path: Path, rng: random.Random, words: int, citations: int, forms: list[str]
) -> None:
    every = max(1, words // max(1, citations))
    out: list[str] = ["# Synthetic manuscript\n"]
    line: list[str] = []
    written = 0
    while written < words:
        line.append(rng.choice(WORDS))
        written += 1
        if written % every == 0 and forms:
            line[-1] += f" ({rng.choice(forms)})"
        if len(line) >= 14:
            out.append(" ".join(line) + ".")
            line = []
            if rng.random() < 0.15:
                out.append("")
    out.append(" ".join(line))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--words", type=int, default=0)
    parser.add_argument("--citations", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.sources, args.words, args.citations, args.seed)


if __name__ == "__main__":
    main()
