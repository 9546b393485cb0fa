"""Building the index: incremental, in the cache, self-repairing, one writer at a time."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from content import load_library
from index import IndexBusy, open_index, update_index
from index.build import LOCK, STATE, WHOOSH_DIR, _exclusive, index_dir
from tests.conftest import write_library

ARTICLES = {
    "alpha.md": "# Alpha\n\nThe alpha lead about famines.\n\n## Harvest\n\nGrain and rice.\n\n"
                "## Markets\n\nPrices rose.\n",
    "beta.md": "# Beta\n\nBeta opens here.\n\n## Rivers\n\nThe Yellow River floods.\n",
    "topics/gamma.md": "# Gamma\n\nGamma is about zebras.\n\n## Stripes\n\nBlack and white.\n",
}


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    return write_library(tmp_path / "library", ARTICLES)


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The id of every document Whoosh actually writes, from now on."""
    from whoosh.writing import SegmentWriter

    ids: list[str] = []
    original = SegmentWriter.add_document

    def counting(self: Any, **fields: Any) -> Any:
        ids.append(fields["id"])
        return original(self, **fields)

    monkeypatch.setattr(SegmentWriter, "add_document", counting)
    return ids


def generation(root: Path) -> int:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir(root) / WHOOSH_DIR))
    try:
        return int(ix.latest_generation())
    finally:
        ix.close()


def hit_ids(root: Path, query: str) -> list[str]:
    with open_index(load_library(root)) as searcher:
        return [hit.id for hit in searcher.search(query, limit=50).hits]


def test_first_build_indexes_every_section_in_the_cache(library_root: Path,
                                                        encyclopedia_home: Path) -> None:
    before = sorted(p.relative_to(library_root) for p in library_root.rglob("*"))
    stats = update_index(load_library(library_root))
    assert (stats.articles, stats.sections, stats.added) == (3, 7, 7)
    assert (stats.updated, stats.removed, stats.rebuilt) == (0, 0, True)
    assert index_dir(library_root).is_relative_to(encyclopedia_home / "cache" / "indexes")
    assert sorted(p.relative_to(library_root) for p in library_root.rglob("*")) == before
    assert set(stats.as_json()) == {"articles", "sections", "added", "updated", "removed",
                                    "seconds"}


def test_unchanged_library_reopens_without_writing_a_document(library_root: Path,
                                                               written: list[str]) -> None:
    update_index(load_library(library_root))
    assert len(written) == 7
    first = generation(library_root)
    written.clear()
    stats = update_index(load_library(library_root))
    assert written == []
    assert generation(library_root) == first  # not even an empty commit
    assert (stats.added, stats.updated, stats.removed, stats.rebuilt) == (0, 0, 0, False)
    assert stats.sections == 7


def test_changed_file_reindexes_only_its_own_sections(library_root: Path,
                                                      written: list[str]) -> None:
    update_index(load_library(library_root))
    written.clear()
    (library_root / "beta.md").write_text(
        "# Beta\n\nBeta opens here.\n\n## Rivers\n\nThe Yangtze floods.\n\n## Dams\n\nConcrete.\n",
        encoding="utf-8")
    stats = update_index(load_library(library_root))
    assert sorted(written) == ["beta#beta", "beta#dams", "beta#rivers"]
    assert (stats.added, stats.updated, stats.removed) == (1, 2, 0)
    assert stats.sections == 8
    assert hit_ids(library_root, "Yangtze") == ["beta#rivers"]
    assert hit_ids(library_root, "Yellow") == []
    assert hit_ids(library_root, "zebras") == ["topics/gamma#gamma"]


def test_section_gone_from_a_changed_file_is_removed(library_root: Path) -> None:
    update_index(load_library(library_root))
    (library_root / "alpha.md").write_text("# Alpha\n\nOnly the lead now.\n", encoding="utf-8")
    stats = update_index(load_library(library_root))
    assert (stats.added, stats.updated, stats.removed, stats.sections) == (0, 1, 2, 5)
    assert hit_ids(library_root, "grain") == []


def test_deleted_file_takes_its_sections_with_it(library_root: Path,
                                                 written: list[str]) -> None:
    update_index(load_library(library_root))
    written.clear()
    (library_root / "topics" / "gamma.md").unlink()
    stats = update_index(load_library(library_root))
    assert written == []
    assert (stats.articles, stats.sections, stats.removed) == (2, 5, 2)
    assert hit_ids(library_root, "zebras stripes") == []
    assert hit_ids(library_root, "famines") == ["alpha#alpha"]


def test_progress_counts_files_and_ends_after_the_commit(library_root: Path) -> None:
    calls: list[tuple[int, int]] = []
    update_index(load_library(library_root), lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    calls.clear()
    update_index(load_library(library_root), lambda done, total: calls.append((done, total)))
    assert calls == []  # nothing to do, nothing to show


class Cancelled(Exception):
    pass


def test_a_cancelled_first_build_is_finished_later_without_alarm(library_root: Path) -> None:
    def cancel(done: int, total: int) -> None:
        if done == 2:
            raise Cancelled  # as the window does when it closes mid-build

    with pytest.raises(Cancelled):
        update_index(load_library(library_root), cancel)
    stats = update_index(load_library(library_root))
    assert (stats.added, stats.sections, stats.notice) == (7, 7, "")
    assert hit_ids(library_root, "zebras") == ["topics/gamma#gamma"]


def _segment_file(root: Path, suffix: str) -> Path:
    files = [p for p in (index_dir(root) / WHOOSH_DIR).iterdir() if p.name.endswith(suffix)]
    assert files, f"no {suffix} file in {sorted(p.name for p in files)}"
    return max(files, key=lambda p: p.stat().st_size)


def _truncate(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.truncate(size // 2)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda root: _truncate(_segment_file(root, ".pst")), id="truncated-postings"),
    pytest.param(lambda root: _truncate(_segment_file(root, ".trm")), id="truncated-terms"),
    pytest.param(lambda root: _segment_file(root, "._stored.col").write_bytes(b""),
                 id="empty-stored-fields"),
    pytest.param(lambda root: _segment_file(root, ".toc").write_bytes(b""), id="empty-toc"),
    pytest.param(lambda root: _segment_file(root, ".toc").unlink(), id="missing-toc"),
    pytest.param(lambda root: (index_dir(root) / STATE).write_text("{not json"),
                 id="garbled-record"),
])
def test_damaged_index_is_rebuilt_with_a_notice(library_root: Path, damage: Any,
                                                caplog: pytest.LogCaptureFixture) -> None:
    update_index(load_library(library_root))
    damage(library_root)
    with caplog.at_level(logging.INFO, logger="index.build"):  # the notice is the warning
        stats = update_index(load_library(library_root))
    assert stats.rebuilt and stats.notice
    assert (stats.added, stats.sections) == (7, 7)
    assert any("rebuilding the search index" in r.getMessage() for r in caplog.records)
    assert hit_ids(library_root, "zebras") == ["topics/gamma#gamma"]


def test_index_of_an_older_format_is_rebuilt(library_root: Path) -> None:
    update_index(load_library(library_root))
    state_file = index_dir(library_root) / STATE
    state = json.loads(state_file.read_text())
    state["format"] = "0.0.0"
    state_file.write_text(json.dumps(state))
    stats = update_index(load_library(library_root))
    assert stats.rebuilt and "another version" in stats.notice
    assert update_index(load_library(library_root)).rebuilt is False


def test_damage_found_while_searching_is_repaired_by_the_next_open(library_root: Path) -> None:
    library = load_library(library_root)
    searcher = open_index(library)
    # Same size, wrong bytes: only reading the postings notices.
    postings = _segment_file(library_root, ".pst")
    postings.write_bytes(b"\xff" * postings.stat().st_size)
    with pytest.raises(Exception) as raised:
        searcher.search("zebras famines rice", limit=5)
    assert type(raised.value).__name__ == "IndexCorrupt"
    searcher.close()
    with open_index(library) as repaired:
        assert repaired.stats is not None and repaired.stats.rebuilt
        assert [h.id for h in repaired.search("zebras", 5).hits] == ["topics/gamma#gamma"]


def test_searcher_survives_a_rebuild_by_someone_else(library_root: Path) -> None:
    library = load_library(library_root)
    with open_index(library) as searcher:
        assert [h.id for h in searcher.search("zebras", 5).hits] == ["topics/gamma#gamma"]
        update_index(library, rebuild=True)  # as another process might, any time
        assert [h.id for h in searcher.search("zebras", 5).hits] == ["topics/gamma#gamma"]
        assert [h.id for h in searcher.search("rice grain", 5).hits] == ["alpha#harvest"]
    assert update_index(library).rebuilt is False  # nothing was marked for rebuilding


def test_read_only_content_folder_is_indexed(library_root: Path) -> None:
    paths = [library_root, *library_root.rglob("*")]
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        stats = update_index(load_library(library_root))
        assert stats.sections == 7
        assert sorted(library_root.rglob("*")) == sorted(paths[1:])
    finally:
        for path in paths:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_rebuild_on_request_starts_from_nothing(library_root: Path) -> None:
    update_index(load_library(library_root))
    before = generation(library_root)
    stats = update_index(load_library(library_root), rebuild=True)
    assert (stats.added, stats.rebuilt, stats.notice) == (7, True, "")
    # A searcher elsewhere tells versions apart by generation: it must not repeat.
    assert generation(library_root) > before


def test_a_held_lock_makes_a_second_updater_wait_then_give_up(library_root: Path) -> None:
    update_index(load_library(library_root))
    with _exclusive(index_dir(library_root) / LOCK, wait=1.0):
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            update_index(load_library(library_root), wait=0.3)
        assert time.monotonic() - started >= 0.3


def test_parallel_writers_build_the_same_index(tmp_path: Path) -> None:
    # The command line's big builds fork writer processes; here from a script,
    # with the threshold lowered so that this small library takes that path.
    root = write_library(tmp_path / "lib", {
        f"p{n:02d}.md": f"# P{n}\n\nLead word{n}.\n\n"
                        + "".join(f"## S{k}\n\nTopic{k} of p{n}.\n\n" for k in range(5))
        for n in range(40)})  # 240 sections: more than one batch of 100 per writer
    script = textwrap.dedent(f"""
        import json
        import index.build
        from content import load_library
        index.build.PARALLEL_FROM = 1
        stats = index.build.update_index(load_library({str(root)!r}), procs=2)
        print(json.dumps(stats.as_json()))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sections"] == 240
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir(root) / WHOOSH_DIR))
    try:
        assert len(ix._segments()) == 2  # one per writer process
    finally:
        ix.close()
    assert update_index(load_library(root)).added == 0  # recorded as usual
    assert hit_ids(root, "word17") == ["p17#p17"]
    assert hit_ids(root, "topic3 p33")[0] == "p33#s3"


def test_two_processes_indexing_at_once_leave_one_good_index(tmp_path: Path) -> None:
    root = write_library(tmp_path / "big", {
        f"part{n:02d}.md": f"# Part {n}\n\nLead {n} word{n}.\n\n"
                           + "".join(f"## Section {n}-{k}\n\nText about topic{k} in part{n}. "
                                     f"{'filler words here ' * 40}\n\n" for k in range(8))
        for n in range(40)})
    go = tmp_path / "go"
    script = textwrap.dedent(f"""
        import json, os, sys, time
        from content import load_library
        from index import update_index
        library = load_library({str(root)!r})
        open(sys.argv[1], "w").close()  # loaded: ready to go
        while not os.path.exists({str(go)!r}):
            time.sleep(0.005)
        print(json.dumps(update_index(library).as_json()))
    """)
    ready = [tmp_path / f"ready{n}" for n in range(2)]
    workers = [subprocess.Popen([sys.executable, "-c", script, str(flag)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ))
               for flag in ready]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    stats = sorted((json.loads(out) for out, _ in outputs), key=lambda s: s["added"])
    # One built everything; the other waited for the lock, looked again, and had nothing to do.
    assert [s["added"] for s in stats] == [0, 40 * 9]
    assert all(s["sections"] == 40 * 9 for s in stats)
    # It did wait: an up-to-date check alone takes a fraction of a build.
    assert stats[0]["seconds"] > 0.3 * stats[1]["seconds"]
    with open_index(load_library(root)) as searcher:
        assert searcher.search("word7", 5).hits[0].id == "part07#part-7"
        assert searcher.search("topic3 part12", 5).hits[0].id == "part12#section-12-3"
        assert searcher.stats is not None and searcher.stats.added == 0
