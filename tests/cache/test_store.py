"""The cache gives exactly what parsing gives, sees every edit, and trusts nothing it reads."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cybercoop_cli.cache as cache_module
from cybercoop_cli.cache import CacheRefused, ReviewCache, cache_file, check_safe, connect
from cybercoop_cli.cli.app import app
from cybercoop_cli.ingest.project import load_project, open_review

runner = CliRunner()


def review_json(project: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, [*extra, "review", "-p", str(project), "-f", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def settle_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat files as settled as soon as they were hashed (no 2-second racy window)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)


def rows(kind: str | None = None) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cache_file()) as conn:
        query = "SELECT kind, name, digest, value FROM entry"
        if kind is None:
            return conn.execute(query).fetchall()
        return conn.execute(query + " WHERE kind = ?", (kind,)).fetchall()


def plant(project: Path, kind: str, name: str, digest: str, value: str) -> None:
    """Write a row as only the user's own cybercoop could: under this review, sealed anew."""
    store = ReviewCache.open(project / "cybercoop.yaml")
    with store.conn:
        store.conn.execute(
            "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            store._sealed(kind, name, "", 0, digest, value),
        )
    store.close()


def assert_damage_reported_and_rebuilt(project: Path, good: dict[str, Any]) -> None:
    result = runner.invoke(app, ["review", "-p", str(project), "-f", "json"])
    assert json.loads(result.stdout) == good and "damaged" in result.stderr
    assert review_json(project) == good


def test_cached_and_uncached_outputs_are_identical(example_project: Path) -> None:
    uncached = review_json(example_project, "--no-cache")
    assert not cache_file().exists()
    first = review_json(example_project)
    assert cache_file().exists()
    second = review_json(example_project)
    assert uncached == first == second
    assert load_project(example_project, cache=True) == load_project(example_project)


def test_one_row_per_note_and_one_index_holding_json(example_project: Path) -> None:
    load_project(example_project, cache=True)
    kinds = sorted(kind for kind, *_ in rows())
    assert kinds.count("note") == 6 and kinds.count("index") == 1
    # The head (every key, the problems) and one row of sources.
    assert sorted(name for kind, name, *_ in rows() if kind == "bibliography") == ["0", "head"]
    (index,) = [value for kind, _, _, value in rows() if kind == "index"]
    columns = json.loads(index)  # by kind: names, states, times, digests
    assert sorted(columns) == ["bib", "note"]
    assert [len(column) for column in columns["note"]] == [6] * 4  # six notes
    assert columns["bib"][0] == ["references/cybercrime-cooperation.bib"]
    for _, _, _, value in rows():
        json.loads(value)  # plain JSON, every one (no memo here: a memo is an output)


def test_every_kind_of_edit_is_seen(example_project: Path) -> None:
    review_json(example_project)  # fill the cache
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text().replace("sections: [intro]", "sections: [implementation]"))
    sections = {s["id"]: s for s in review_json(example_project)["sections"]}
    assert sections["implementation"]["source_keys"] == ["sekati2022assessing"]

    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(bib.read_text().replace("@article{amoo2024legal,", "@article{amoo2024renamed,"))
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert result.exit_code == 3  # the note now names a key that is gone
    (problem,) = json.loads(result.stdout)["problems"]
    assert "did you mean 'amoo2024renamed'" in problem["message"]
    bib.write_text(bib.read_text().replace("@article{amoo2024renamed,", "@article{amoo2024legal,"))

    review_file = example_project / "cybercoop.yaml"
    review_file.write_text(
        review_file.read_text().replace(
            "title: 1. The current legal framework", "title: 1. The framework"
        )
    )
    titles = [s["title"] for s in review_json(example_project)["sections"]]
    assert "1. The framework" in titles


def test_deleted_note_disappears_and_its_row_with_it(example_project: Path) -> None:
    review_json(example_project)
    (example_project / "notes" / "brass2021adaptive.md").unlink()
    assert review_json(example_project)["unused_sources"] == ["brass2021adaptive"]
    assert "notes/brass2021adaptive.md" not in [name for _, name, *_ in rows("note")]


def test_cache_location_follows_the_environment() -> None:
    assert str(cache_file()).startswith(os.environ["CYBERCOOP_CACHE_DIR"])


def test_cache_hit_however_the_review_is_named(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    monkeypatch.chdir(example_project)
    named = open_review(Path(), cache=True)  # named relatively (".")
    named.load()
    monkeypatch.chdir(example_project / "notes")
    found = open_review(cache=True)  # found by searching upwards: an absolute path
    assert found.fingerprint == named.fingerprint
    assert open_review(example_project, cache=True).fingerprint == named.fingerprint


def scan_reads(project: Path) -> list[str]:
    """The inputs a scan of the review's cache reads (the others' digests are known)."""
    opened = open_review(project)
    reads: list[str] = []

    def read(path: str | Path, is_note: bool) -> bytes:
        reads.append(Path(path).name)
        return Path(path).read_bytes()

    store = ReviewCache.open(opened.review_file)
    try:
        store.scan("review", opened.bibs, opened.notes, read)
    finally:
        store.close()
    return reads


def test_unchanged_files_are_not_read_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    assert len(scan_reads(example_project)) == 7  # nothing known yet: the .bib, six notes
    load_project(example_project, cache=True)
    assert scan_reads(example_project) == []
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text() + "\n")
    assert scan_reads(example_project) == ["sekati2022assessing.md"]


def test_a_file_changed_within_the_racy_window_is_hashed_again(example_project: Path) -> None:
    # With the real window, a file written just now is read on every run until it is
    # older than RACY_NS, whatever its state says.
    load_project(example_project, cache=True)
    assert len(scan_reads(example_project)) == 7


def test_an_edit_keeping_size_and_mtime_is_seen(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    load_project(example_project, cache=True)
    note = example_project / "notes" / "sekati2022assessing.md"
    before = note.stat()
    text = note.read_text()
    edited = text.replace("sections: [intro]", "sections: [frame]")
    assert len(edited) == len(text) and edited != text
    note.write_text(edited)
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a sloppy tool might
    project = load_project(example_project, cache=True)
    (sekati,) = [n for n in project.notes if n.key == "sekati2022assessing"]
    assert any("frame" in c.sections for c in sekati.claims)  # its change time told


def test_an_unreadable_input_is_reported_with_the_cache_as_without(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.project as project_module
    from cybercoop_cli.ingest import text as text_module

    real = text_module.read_bounded
    unreadable = {"cybercrime-cooperation.bib", "amoo2024legal.md"}

    def refusing(path: str | Path, limit: int) -> bytes:
        if Path(path).name in unreadable:
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(text_module, "read_bounded", refusing)
    monkeypatch.setattr(project_module, "read_bounded", refusing)
    uncached = load_project(example_project)
    cached = load_project(example_project, cache=True)
    assert cached == uncached
    codes = {(p.file, p.code) for p in cached.problems}
    assert ("references/cybercrime-cooperation.bib", "bib-unreadable") in codes
    assert ("notes/amoo2024legal.md", "note-unreadable") in codes


def test_memo_is_served_only_for_its_fingerprint(tmp_path: Path) -> None:
    store = ReviewCache.open(tmp_path / "cybercoop.yaml")
    store.remember("thing", "fingerprint-a", '{"x": 1}\n', 3)
    assert store.recall("thing", "fingerprint-a") == ('{"x": 1}\n', 3)
    assert store.recall("thing", "fingerprint-b") is None
    assert store.recall("other", "fingerprint-a") is None
    other = ReviewCache.open(tmp_path / "elsewhere" / "cybercoop.yaml")
    assert other.recall("thing", "fingerprint-a") is None  # another review's memo


def test_json_review_is_served_from_the_memo_until_an_input_changes(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    first = review_json(example_project)
    (memo,) = rows("memo")
    # A memo is served as it is: change it, and the changed one shows (sealed anew, as
    # only the user's own cybercoop can).
    store = ReviewCache.open(example_project / "cybercoop.yaml")
    code, text = memo[3].split("\n", 1)
    store.remember(memo[1], memo[2], text.replace("Efficacy", "EFFICACY"), int(code))
    store.close()
    assert review_json(example_project)["title"].startswith("The EFFICACY")
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text().replace("sections: [intro]", "sections: [implementation]"))
    again = review_json(example_project)
    assert again["title"] == first["title"]  # recomputed: the fingerprint changed


# -- a damaged or planted cache never changes a result ----------------------------------


def flip_bytes_in_values(path: Path) -> None:
    """Change one character inside every stored value, as a bad disk block would."""
    with sqlite3.connect(path) as conn:
        for rowid, value in conn.execute("SELECT rowid, value FROM entry").fetchall():
            at = len(value) // 2
            changed = value[:at] + ("?" if value[at] != "?" else "!") + value[at + 1 :]
            conn.execute("UPDATE entry SET value = ? WHERE rowid = ?", (changed, rowid))


def test_damaged_records_are_ignored_and_rebuilt(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    flip_bytes_in_values(cache_file())
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert json.loads(result.stdout) == good
    assert "damaged" in result.stderr
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert json.loads(result.stdout) == good and "damaged" not in result.stderr  # rebuilt


def test_a_file_that_is_not_a_database_is_replaced(example_project: Path) -> None:
    good = review_json(example_project, "--no-cache")
    cache_file().parent.mkdir(parents=True, exist_ok=True)
    cache_file().write_bytes(b"\x80\x04\x95 not a database, a pickle perhaps" * 100)
    assert review_json(example_project) == good
    assert review_json(example_project) == good
    assert rows("note")  # a working cache again


def test_another_reviews_rows_planted_here_change_nothing(
    example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of another review, copied under this review's id and sealed anew."""
    import shutil

    settle_now(monkeypatch)
    other = tmp_path / "other"
    shutil.copytree(example_project, other)
    for note in (other / "notes").iterdir():
        note.write_text(note.read_text().replace("stance: supports", "stance: contests"))
    good = review_json(example_project, "--no-cache")
    review_json(other)
    theirs = ReviewCache.open(other / "cybercoop.yaml")
    ours = ReviewCache.open(example_project / "cybercoop.yaml")
    with ours.conn:
        for row in theirs.conn.execute(
            "SELECT kind, name, state, hashed_at, digest, value FROM entry WHERE review = ?",
            (theirs.id,),
        ).fetchall():
            ours.conn.execute(
                "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ours._sealed(*row),
            )
    theirs.close()
    ours.close()
    assert review_json(example_project) == good


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_cache_writable_by_others_is_refused(example_project: Path) -> None:
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    cache_file().chmod(0o666)
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert json.loads(result.stdout) == good
    assert "writable by other users" in result.stderr and "not using the cache" in result.stderr
    folder = cache_file().parent
    cache_file().chmod(0o600)
    folder.chmod(0o777)
    try:
        with pytest.raises(CacheRefused, match="writable by other users"):
            connect()
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_cache_owned_by_another_user_is_refused(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_json(example_project)
    # As if another user had planted the file: the owner we compare with is someone else.
    monkeypatch.setattr(os, "getuid", lambda: cache_file().stat().st_uid + 1)
    with pytest.raises(CacheRefused, match="belongs to another user"):
        check_safe(cache_file())
    warnings: list[str] = []
    project = load_project(example_project, cache=True, warn=warnings.append)
    assert project == load_project(example_project)
    assert len(warnings) == 1 and "belongs to another user" in warnings[0]


def test_a_cache_of_other_code_is_emptied(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_json(example_project)
    assert rows()
    full = cache_file().stat().st_size
    monkeypatch.setattr(cache_module, "code_stamp", lambda: "another version")
    connect().close()
    assert rows() == []
    assert cache_file().stat().st_size < full  # the dropped rows' pages are given back
    with sqlite3.connect(cache_file()) as conn:
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        assert free * 4 <= conn.execute("PRAGMA page_count").fetchone()[0]


def test_a_cache_of_another_schema_is_made_anew_and_used(example_project: Path) -> None:
    """An older version's table has other columns: emptying it would not be enough."""
    good = review_json(example_project, "--no-cache")
    cache_file().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(cache_file()) as conn:
        conn.executescript(
            "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('stamp', '2/0.0.1+old');"
            "CREATE TABLE review(id TEXT PRIMARY KEY, path TEXT NOT NULL, used INTEGER NOT NULL);"
            "CREATE TABLE entry(review TEXT, kind TEXT, name TEXT, state TEXT, hashed_at INTEGER,"
            " digest TEXT, value TEXT, value_hash TEXT, seal TEXT, size INTEGER);"
        )
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert json.loads(result.stdout) == good and "cache" not in result.stderr
    assert rows("note")  # written: the cache works again


def test_the_cache_is_capped_by_dropping_the_reviews_used_longest_ago(
    example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copies = []
    for number in range(3):
        copy = tmp_path / f"copy{number}"
        shutil.copytree(example_project, copy)
        copies.append(copy)
        load_project(copy, cache=True)
        with sqlite3.connect(cache_file()) as conn:  # used in the order made
            conn.execute(
                "UPDATE review SET used = ? WHERE path LIKE ?", (number, f"%copy{number}%")
            )
    with sqlite3.connect(cache_file()) as conn:
        per_review = conn.execute("SELECT SUM(size) FROM entry GROUP BY review").fetchall()
    size = max(total for (total,) in per_review)
    monkeypatch.setattr(cache_module, "max_bytes", lambda: int(size * 2.5))
    newest = tmp_path / "copy3"
    shutil.copytree(example_project, newest)
    load_project(newest, cache=True)
    with sqlite3.connect(cache_file()) as conn:
        kept = sorted(Path(path).parent.name for (path,) in conn.execute("SELECT path FROM review"))
    assert kept == ["copy2", "copy3"]


# -- what is stored per bibliography or review never outlives its inputs ----------------


def test_an_edited_bib_file_replaces_every_bibliography_row(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    monkeypatch.setattr(cache_module, "CHUNK", 2)  # six sources: three rows
    assert load_project(example_project, cache=True) == load_project(example_project)
    assert len(rows("bibliography")) == 4  # the head and three rows of sources
    bib = example_project / "references" / "cybercrime-cooperation.bib"
    text = bib.read_text()
    # A title edited, and two entries fewer: a smaller bibliography's rows must not be
    # eked out with the larger one's last row.
    edited = text.replace("The legal landscape of cybercrime", "The legal seascape of cybercrime")
    for key in ("wickibirchler2020budapest", "widodo2024international"):
        start = edited.index("@article{" + key)
        end = edited.find("\n@", start)
        edited = edited[:start] + (edited[end + 1 :] if end >= 0 else "")
    bib.write_text(edited)
    cached = load_project(example_project, cache=True)
    assert cached == load_project(example_project)
    assert len(cached.sources) == 4 and len(rows("bibliography")) == 3
    assert cached.sources[0].title.startswith("The legal seascape")
    assert load_project(example_project, cache=True) == cached  # read back from the rows


def test_a_lost_bibliography_row_is_rebuilt(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    monkeypatch.setattr(cache_module, "CHUNK", 2)  # three rows
    good = load_project(example_project)
    load_project(example_project, cache=True)
    with sqlite3.connect(cache_file()) as conn:
        # The last: the rows left are whole, and only their count can tell.
        conn.execute("DELETE FROM entry WHERE kind = 'bibliography' AND name = '2'")
    warnings: list[str] = []
    assert load_project(example_project, cache=True, warn=warnings.append) == good
    assert warnings and "damaged" in warnings[0]
    assert len(rows("bibliography")) == 4
    warnings.clear()
    assert load_project(example_project, cache=True, warn=warnings.append) == good
    assert warnings == []


def test_an_edited_note_changes_the_json_review_and_the_memo(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    review_json(example_project)
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text().replace("stance: supports", "stance: contests"))
    uncached = review_json(example_project, "--no-cache")
    assert review_json(example_project) == uncached
    (memo,) = rows("memo")
    assert json.loads(memo[3].split("\n", 1)[1]) == uncached  # remembered for the edited note
    assert review_json(example_project) == uncached


def test_a_damaged_memo_or_index_is_rebuilt_with_the_same_result(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    with sqlite3.connect(cache_file()) as conn:
        for kind in ("memo", "index"):
            (value,) = conn.execute("SELECT value FROM entry WHERE kind = ?", (kind,)).fetchone()
            damaged = value.replace("sekati2022assessing", "sekati2022assessinG")
            assert damaged != value
            conn.execute("UPDATE entry SET value = ? WHERE kind = ?", (damaged, kind))
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert json.loads(result.stdout) == good and "damaged" in result.stderr
    assert review_json(example_project) == good
    assert "sekati2022assessing" in rows("memo")[0][3] and "assessinG" not in rows("index")[0][3]


# -- sources stay encoded until used ---------------------------------------------------


@pytest.mark.parametrize(
    "planted",
    [
        '{"note": [["notes/a.md"], ["1 2 3 4"], [1], [2]]}',  # a digest that is a number
        '{"note": [["notes/a.md"], ["1 2 3 4"], ["1"], ["d"]]}',  # a time that is text
        '{"note": [["notes/a.md", "notes/b.md"], ["s"], [1], ["d"]]}',  # columns of two lengths
        '{"note": "names"}',
        "[]",
    ],
)
def test_a_sealed_index_of_another_shape_is_rebuilt(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    """An index row written by something else and sealed anew is not trusted."""
    settle_now(monkeypatch)
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    plant(example_project, "index", "", "", planted)
    assert_damage_reported_and_rebuilt(example_project, good)
    (index,) = [value for kind, _, _, value in rows() if kind == "index"]
    assert len(json.loads(index)["note"][0]) == 6  # written again


@pytest.mark.parametrize("planted", ['{"title": "planted"}', "x\n{}", "-1\n{}", ""])
def test_a_sealed_memo_without_its_exit_code_is_computed_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    settle_now(monkeypatch)
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    (memo,) = rows("memo")
    plant(example_project, "memo", memo[1], memo[2], planted)
    assert_damage_reported_and_rebuilt(example_project, good)


def test_an_unchanged_review_file_is_not_parsed_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.project as project_module

    parsed = open_review(example_project).review
    open_review(example_project, cache=True)

    def refuse(*_: Any) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(project_module, "read_review", refuse)
    assert open_review(example_project, cache=True).review == parsed
    review_file = example_project / "cybercoop.yaml"
    review_file.write_text(review_file.read_text().replace("title:", "title: Edited", 1))
    with pytest.raises(AssertionError, match="parsed again"):
        open_review(example_project, cache=True)


@pytest.mark.parametrize("planted", ["[]", '["a", "b"]', "{}"])
def test_a_sealed_review_row_of_another_shape_is_parsed_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    settle_now(monkeypatch)
    good = review_json(example_project, "--no-cache")
    review_json(example_project)
    ((name, digest),) = [(row[1], row[2]) for row in rows("review")]
    with sqlite3.connect(cache_file()) as conn:
        conn.execute("DELETE FROM entry WHERE kind = 'memo'")
    plant(example_project, "review", name, digest, planted)
    assert_damage_reported_and_rebuilt(example_project, good)


def test_review_reads_the_keys_and_decodes_no_source(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cybercoop_cli.analysis.review import summarize
    from cybercoop_cli.cache import EncodedSources

    settle_now(monkeypatch)
    parsed = load_project(example_project)
    load_project(example_project, cache=True)
    cached = load_project(example_project, cache=True)
    assert isinstance(cached.sources, EncodedSources) and not cached.sources.decoded
    assert summarize(cached) == summarize(parsed)
    assert not cached.sources.decoded  # the report needed only the keys
    assert cached.source_keys() == tuple(s.key for s in parsed.sources)
    assert list(cached.sources) == list(parsed.sources) and cached.sources.decoded


def test_a_damaged_row_of_sources_is_read_from_the_bib_files_and_rebuilt(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of sources are read only when a command uses the sources: damage found
    then still gives the parsed sources, says so, and writes the rows again."""
    settle_now(monkeypatch)
    parsed = load_project(example_project)
    load_project(example_project, cache=True)
    with sqlite3.connect(cache_file()) as conn:
        (value,) = conn.execute(
            "SELECT value FROM entry WHERE kind = 'bibliography' AND name = '0'"
        ).fetchone()
        damaged = value.replace("Budapest", "Budapezt")
        assert damaged != value
        conn.execute(
            "UPDATE entry SET value = ? WHERE kind = 'bibliography' AND name = '0'", (damaged,)
        )
    warnings: list[str] = []
    cached = load_project(example_project, cache=True, warn=warnings.append)
    assert not warnings  # nothing read yet: review would never notice
    assert list(cached.sources) == list(parsed.sources)
    assert len(warnings) == 1 and "damaged" in warnings[0]
    again = load_project(example_project, cache=True, warn=warnings.append)
    assert list(again.sources) == list(parsed.sources) and len(warnings) == 1  # rebuilt


@pytest.mark.parametrize(
    "planted",
    [
        "[1, 2, 3]",  # JSON, not sources
        "not JSON at all",
        # real sources, of another bibliography: their keys differ from the head's
        json.dumps([["other", "book", "x.bib", 1, {}, [], [], False, *[""] * 2, None, *[""] * 7]]),
    ],
)
def test_a_sealed_row_that_does_not_decode_is_read_from_the_bib_files(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    """A row written by something else, sealed anew: its seal holds, its content cannot."""
    settle_now(monkeypatch)
    parsed = load_project(example_project)
    load_project(example_project, cache=True)
    store = ReviewCache.open(example_project / "cybercoop.yaml")
    with store.conn:
        (state, hashed_at, digest) = store.conn.execute(
            "SELECT state, hashed_at, digest FROM entry WHERE kind = 'bibliography' AND name = '0'"
        ).fetchone()
        store.conn.execute(
            "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            store._sealed("bibliography", "0", state, hashed_at, digest, planted),
        )
    store.close()
    cached = load_project(example_project, cache=True)
    assert cached.sources == parsed.sources and cached == parsed


def test_an_edit_writes_a_recent_index_row_and_a_removal_the_whole_index(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    monkeypatch.setattr(cache_module, "max_bytes", lambda: 1 << 30)
    review_json(example_project)

    def index_rows() -> dict[str, Any]:
        return {name: json.loads(value) for _, name, _, value in rows("index")}

    whole = index_rows()[""]
    notes = sorted((example_project / "notes").glob("*.md"))
    for note in notes[:2]:  # two edits, one run each
        note.write_text(note.read_text().replace("stance: supports", "stance: contests"))
        assert review_json(example_project) == review_json(example_project, "--no-cache")
    index = index_rows()
    assert index[""] == whole  # not written again
    assert sorted(index["recent"]["note"][0]) == [f"notes/{n.name}" for n in notes[:2]]
    assert index["recent"]["note"][3] != [
        whole["note"][3][whole["note"][0].index(f"notes/{n.name}")] for n in notes[:2]
    ]  # the new digests
    notes[-1].unlink()
    assert review_json(example_project) == review_json(example_project, "--no-cache")
    index = index_rows()
    assert "recent" not in index and len(index[""]["note"][0]) == len(whole["note"][0]) - 1
    assert f"notes/{notes[-1].name}" not in {name for _, name, *_ in rows("note")}
