"""Reading a manuscript's own reference list: splitting entries, authors, year."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cybercoop_cli.ingest.manuscript import parse_manuscript, read_manuscript
from cybercoop_cli.ingest.references import (
    GUESSED,
    join_lines,
    parse_reference,
    reference_sources,
    split_entries,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REPRO = SHARED / "repro" / "check"
CORPUS = SHARED / "corpus"


def _entries(listing: str) -> list[str]:
    text = f"Body.\n\nReferences\n{listing}"
    manuscript = parse_manuscript(text, "text")
    start = manuscript.text.index("\n", manuscript.body_end) + 1
    spans = split_entries(manuscript.text, [(start, len(manuscript.text.rstrip("\n")))])
    return [" ".join(manuscript.text[s:e].split()) for s, e in spans]


# ----------------------------------------------------------------------------- splitting


def test_hard_wrapped_apa_list_splits_at_entries_not_at_continuation_lines() -> None:
    # The second entry wraps after a comma onto a line that reads like a new entry.
    listing = (
        "Arakawa, K., Miyasaka, T., & Ochi, H. (1974). Studies of het-\n"
        "erocyclic compounds. Chemical & Pharmaceutical Bulletin, 22,\n"
        "207-213.\n"
        "Baraldi, P. G., Preti, D., Tabrizi, M. A., Fruttarolo, F., Saponaro, G.,\n"
        "Baraldi, S., Romagnoli, R., & Borea, P. A. (2007). N(6)-[(hetero)aryl]-\n"
        "adenosines. Bioorganic & Medicinal Chemistry, 15, 2514-2547.\n"
        "Bruker. (2012a). Bruker APEX2. Bruker AXS Inc.\n"
    )
    entries = _entries(listing)
    assert len(entries) == 3
    assert entries[1].startswith("Baraldi, P. G.") and "Borea" in entries[1]
    assert entries[2].startswith("Bruker.")


def test_a_journal_line_is_not_a_given_name_first_entry() -> None:
    # "Nature Reviews Cancer, 6(1)" looks like "Jenny Rose Finkel," but no name follows.
    listing = (
        "Minucci, S., & Pelicci, P. G. (2006). Histone deacetylase inhibitors\n"
        "and the promise of epigenetic treatments for cancer.\n"
        "Nature Reviews Cancer, 6(1), 38-51.\n"
        "Jenny Rose Finkel, Trond Grenager, and Christopher Manning. 2005.\n"
        "Incorporating non-local information. In Proceedings of ACL.\n"
    )
    entries = _entries(listing)
    assert [e.split(",")[0] for e in entries] == ["Minucci", "Jenny Rose Finkel"]


def test_vancouver_list_with_years_after_the_authors() -> None:
    listing = (
        "Barton ME, Klein BD, Wolf HH, White HS (2001) Pharmacological\n"
        "characterization of the 6 Hz psychomotor seizure model of\n"
        "partial epilepsy. Epilepsy Res 47(3):217-227\n"
        "Bębenek E, Kadela-Tomanek M, Chrobak E, Wietrzyk J, Sadowska J,\n"
        "Boryczka (2016) New acetylenic derivatives of betulin. Med Chem Res\n"
        "26:1-8\n"
    )
    entries = _entries(listing)
    assert len(entries) == 2
    assert entries[1].endswith("26:1-8")


def test_a_wrapped_line_shaped_like_a_name_does_not_start_an_undated_entry() -> None:
    # "Part V." reads like the Vancouver author "Part V"; the entry it would open has no
    # year before the next plainly dated entry, so it is the line of a title.
    listing = (
        "Kaminski K, Obniska J, Chlebek I (2013)\n"
        "Synthesis and biological properties of new bases\n"
        "Part V. Eur J Med Chem 66:12-21\n"
        "Kaminski K, Wiklik B, Obniska J (2014) Synthesis, anticonvulsant\n"
        "properties. Arch Pharm Chem Life Sci 347:1-13\n"
    )
    entries = _entries(listing)
    assert len(entries) == 2
    assert entries[0].endswith("66:12-21") and "(2014)" in entries[1]


def test_surname_initials_pairs_keep_a_surname_that_opens_with_an_initial() -> None:
    """APA "S. de Souza, R., Quanfeng, X., ..." (a real JOSS reference list) is five
    people, surname first, not one person written initials first (IEEE)."""
    entry = parse_reference(
        "S. de Souza, R., Quanfeng, X., Shen, S., Peng, C., & Mu, Z. (2022). Qrpca: A "
        "package for fast principal component analysis. Astronomy and Computing, 41, 100633."
    )
    assert entry is not None
    assert [(p.family, p.given) for p in entry.people] == [
        ("S. de Souza", "R."),
        ("Quanfeng", "X."),
        ("Shen", "S."),
        ("Peng", "C."),
        ("Mu", "Z."),
    ]
    ieee = parse_reference('J. Smith, K. Jones, and L. Brown, "A title," IEEE Trans., 2019.')
    assert ieee is not None and [p.family for p in ieee.people] == ["Smith", "Jones", "Brown"]


def test_a_line_ending_in_a_particle_continues_the_name() -> None:
    listing = (
        "Neelarapu, R., Holzle, D. L., & Petukhov, P. A. (2011). Design, synthesis.\n"
        "Oehme, I., Deubzer, H. E., Wegener, D., Pickert, D., Ulrich, S. M., Von\n"
        "Deimling, A., & Fischer, M. (2009). Histone deacetylase 8 in\n"
        "neuroblastoma tumorigenesis. Clinical Cancer Research, 15(1), 91-99.\n"
    )
    entries = _entries(listing)
    assert len(entries) == 2
    assert entries[1].startswith("Oehme") and "Von Deimling" in entries[1]


def test_numbered_list_splits_at_the_next_label_only() -> None:
    # "83 (11) (2014)" opens a wrapped line with a number that is not the next label.
    listing = (
        "[7] L. Nguyen, E. Bellucci, Electronic health records implementation, Int J Med Inform\n"
        "83 (11) (2014) 779-796.\n"
        "[8] H.J. Warraich, R.M. Califf, The digital transformation of medicine,\n"
        "npj Digit Med 2 (2019).\n"
    )
    entries = _entries(listing)
    assert len(entries) == 2
    assert entries[0].endswith("779-796.")


def test_a_line_left_blank_by_a_url_stays_with_its_entry() -> None:
    listing = (
        "Rassi, A., & de Rezende, J. M. (2012). American trypanosomiasis.\n"
        "Infectious Disease Clinics, 26(2), 275-291.\n"
        "https://doi.org/10.1016/j.idc.2012.03.002\n"
        "van Griensven, J., & Diro, E. (2012). Visceral leishmaniasis. Infectious\n"
        "Disease Clinics, 26(2), 309-322.\n"
    )
    manuscript = parse_manuscript(f"Body.\n\nReferences\n{listing}", "text")
    assert [(e.authors, e.line) for e in manuscript.references] == [
        (("Rassi", "de Rezende"), 4),
        (("van Griensven", "Diro"), 7),
    ]


def test_lower_cased_list() -> None:
    listing = (
        "smith, j., & jones, k. (2010). a lower-cased title. journal of things, 3,\n"
        "1-2.\n"
        "van dijk, t. a. (1997). discourse studies. sage.\n"
    )
    manuscript = parse_manuscript(f"Body.\n\nReferences\n{listing}", "text")
    assert [(e.authors, e.year) for e in manuscript.references] == [
        (("Smith", "Jones"), "2010"),
        (("van Dijk",), "1997"),
    ]


def test_line_break_hyphens() -> None:
    assert join_lines("immunocom-\npromised") == "immunocompromised"
    assert join_lines("Kadela-\nTomanek, M.") == "Kadela-Tomanek, M."
    assert join_lines("Smith, J.\n  (2010).") == "Smith, J. (2010)."


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("entry", "authors", "year"),
    [
        # APA, a leading label, corporate authors
        (
            "1. Amoo, O. O., Atadoga, A., & Ajoke, O. (2024). The legal landscape.",
            ("Amoo", "Atadoga", "Ajoke"),
            "2024",
        ),
        (
            "[12] Brass, I., & Sowell, J. H. (2021). Adaptive governance.",
            ("Brass", "Sowell"),
            "2021",
        ),
        (
            "World Health Organization (2010) Epilepsy: key facts.",
            ("World Health Organization",),
            "2010",
        ),
        ("Bruker. (2012a). Bruker APEX2. Bruker AXS Inc.", ("Bruker",), "2012a"),
        # "Ji" is a surname, not initials; two-word surnames keep their initials apart
        (
            "Clark, E., Ji, Y., & Smith, N. A. (2018). Neural text generation.",
            ("Clark", "Ji", "Smith"),
            "2018",
        ),
        (
            "Rodríguez Uribe, G., Trejo Muñoz, C. R., & Mancilla Percino, T. (2020). Métodos.",
            ("Rodríguez Uribe", "Trejo Muñoz", "Mancilla Percino"),
            "2020",
        ),
        # particles: no phantom author, the particle goes in front
        (
            "Paridon, J. van, & Thompson, B. (2021). subs2vec. Behavior Research Methods.",
            ("van Paridon", "Thompson"),
            "2021",
        ),
        ("van Dijk, T. A. (1997). Discourse. Sage.", ("van Dijk",), "1997"),
        # ACL and Chicago: given names first, year after a full stop
        (
            "Daniel M. Bikel. 2004. Intricacies of Collins' parsing model. Computational Linguistics, 30(4):479-511.",
            ("Bikel",),
            "2004",
        ),
        (
            "Jin-Dong Kim, Tomoko Ohta, and Jun'ichi Tsujii. 2008. Corpus annotation. BMC Bioinformatics.",
            ("Kim", "Ohta", "Tsujii"),
            "2008",
        ),
        (
            "Marie-Catherine de Marneffe, Bill MacCartney, and Christopher D. Manning. 2006. Generating typed dependency parses.",
            ("de Marneffe", "MacCartney", "Manning"),
            "2006",
        ),
        ("Bikel, Daniel M., and Jane Doe. 2004. A title. A journal.", ("Bikel", "Doe"), "2004"),
        (
            "Barnett, J., S. Anderson, J. Broglio, and S. W. Kuo. 1997. Experiments in spoken queries.",
            ("Barnett", "Anderson", "Broglio", "Kuo"),
            "1997",
        ),
        # Chicago author-date (pandoc's chicago-author-date): only the first name inverted
        (
            "Aron, Arthur, Elaine N Aron, and Danny Smollan. 1992. Inclusion of other.",
            ("Aron", "Aron", "Smollan"),
            "1992",
        ),
        (
            "Barbone, Jordan Mark, and Jan Marvin Garbuszus. 2023. Openxlsx2.",
            ("Barbone", "Garbuszus"),
            "2023",
        ),
        ("Kozak, Marcin, and H-P Piepho. 2018. What's normal anyway?", ("Kozak", "Piepho"), "2018"),
        # Vancouver, Nature, physics: the year comes late
        ("Smith J, Jones KL. A study of things. Lancet. 2010;5:1-3.", ("Smith", "Jones"), "2010"),
        (
            "Hingley-Wilson, S. M., Sambandamurthy, V. K. & Jacobs, W. R. Jr. Survival perspectives. Nat. Immunol 4, 949-955 (2003).",
            ("Hingley-Wilson", "Sambandamurthy", "Jacobs"),
            "2003",
        ),
        ("H. Tasaki, Phys. Rev. Lett. 69, 1608 (1992).", ("Tasaki",), "1992"),
        ("A. Ali and C. Greub, Phys. Rev. D 57 (1998), 2996.", ("Ali", "Greub"), "1998"),
        (
            'J. W. Layland and L. L. Rauch, "The evolution of technology," in The TDA Progress Report, 1997.',
            ("Layland", "Rauch"),
            "1997",
        ),
        # n.d., truncation
        ("Smith, J. (n.d.). Undated.", ("Smith",), "n.d."),
    ],
)
def test_parse_reference_styles(entry: str, authors: tuple[str, ...], year: str) -> None:
    parsed = parse_reference(entry)
    assert parsed is not None
    assert (parsed.authors, parsed.year) == (authors, year)


def test_truncated_author_lists() -> None:
    for entry in (
        "Brown, A., Lee, B., ... Zhou, B. (2019). Many authors. J.",
        "Brown, A., Lee, B., … Zhou, B. (2019). Many authors. J.",
        "Brown A, Lee B, et al. (2019) Many authors. J.",
    ):
        parsed = parse_reference(entry)
        assert parsed is not None and parsed.truncated, entry
        assert parsed.authors[:2] == ("Brown", "Lee")


def test_people_keep_particle_and_given_names() -> None:
    parsed = parse_reference("Paridon, J. van, & Thompson, B. (2021). subs2vec.")
    assert parsed is not None
    first = parsed.people[0]
    assert (first.particle, first.family, first.given) == ("van", "Paridon", "J.")


def test_an_entry_read_without_confidence_is_marked_on_its_source() -> None:
    confident = parse_reference("Smith, J. (2010). A title. A journal.")
    guessed = parse_reference("Proceedings of something 2010 with no names at all")
    assert confident is not None and confident.confident
    assert guessed is not None and not guessed.confident
    sources = reference_sources([confident, guessed], "m.txt")
    assert GUESSED not in sources[0].fields
    assert GUESSED in sources[1].fields


# ----------------------------------------------------------------------------- repros


def _repro(name: str) -> Path:
    path = REPRO / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return path


def test_repro_name_first_reference_list() -> None:
    manuscript = read_manuscript(_repro("02-name-first-reflist.txt"))
    assert [(e.authors, e.year) for e in manuscript.references] == [
        (("Bikel",), "2004"),
        (("Kim", "Ohta", "Tsujii"), "2008"),
    ]


def test_repro_wrapped_entry_is_one_entry() -> None:
    manuscript = read_manuscript(_repro("03-wrapped-entry.tex"))
    assert [(e.authors[0], len(e.authors), e.year) for e in manuscript.references] == [
        ("Button", 7, "2015"),
        ("Lynott", 7, "2014"),
    ]


def test_repro_reference_list_names() -> None:
    manuscript = read_manuscript(_repro("06-reflist-names.md"))
    assert [(e.authors, e.year) for e in manuscript.references] == [
        (("Clark", "Ji", "Smith"), "2018"),
        (("van Paridon", "Thompson"), "2021"),
    ]


# ----------------------------------------------------------------------------- real lists


def _bench(what: str) -> str:
    if not (CORPUS / "grobid-manuscripts" / "dev").is_dir():
        pytest.skip("shared corpus not available")
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "reflist_accuracy.py"), what],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
    )
    return done.stdout


def test_real_lists_split_into_their_entries() -> None:
    # 41 real reference lists, hard-wrapped, numbered or not; gold: one entry per line.
    out = _bench("split")
    precision = float(out.split("precision ")[1].split(",")[0])
    recall = float(out.split("recall ")[1].split()[0])
    assert precision >= 0.99 and recall >= 0.99, out


def test_real_reference_strings_give_their_year_and_first_surname() -> None:
    # GROBID's ~8,600 labelled reference strings, many styles and languages.
    if not (CORPUS / "grobid-reference-strings" / "citation").is_dir():
        pytest.skip("shared corpus not available")
    out = _bench("parse")
    year = float(out.split("year: ")[1].split("= ")[1].split()[0])
    first = float(out.split("<author>: ")[1].split("= ")[1].split()[0])
    assert year >= 0.97 and first >= 0.88, out


def test_bulleted_and_numbered_markdown_lists() -> None:
    text = (
        "Text (Smith, 2010).\n\n# References\n\n"
        "- Smith, J. (2010). A title.\n- Jones, K. (2011). Another.\n\n"
        "1. Lee, A. (2012). A third.\n2. Kim, B. (2013). A fourth.\n"
    )
    manuscript = parse_manuscript(text, "markdown")
    assert [(e.authors, e.year) for e in manuscript.references] == [
        (("Smith",), "2010"),
        (("Jones",), "2011"),
        (("Lee",), "2012"),
        (("Kim",), "2013"),
    ]
