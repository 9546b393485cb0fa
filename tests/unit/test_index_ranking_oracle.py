"""Ranking held to a slow, plainly right oracle, whatever the index's history.

The oracle is :meth:`Searcher.exhaustive`: every section the query matches,
scored one by one with nothing skipped, best first and ties by section id. The
fast path (``search(q, limit=k)``, which prunes what cannot reach the top k)
must give exactly its first k, for several k.

The indexes are real Whoosh indexes on disk, made with several segments the
ways a library gets them: built at once; built, then edited file by file (old
segments keep their deleted sections); built in two parts, as the two writer
processes of the command line leave it; and finished after a writer was
killed. The same library must answer the same whichever way it was reached.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.codec.whoosh3 import W3Codec

import index.build
from content import load_library
from index import Searcher, open_index, update_index
from index.build import WHOOSH_DIR, index_dir
from tests.conftest import write_library

# Words that share stems ("clone", "cloned", "cloning") and prefixes ("clo",
# "com", "tar"), so that stems, prefixes and fuzzy matches meet and collide.
WORDS = ["clone", "cloned", "cloning", "clones", "clock", "repository", "repositories",
         "report", "tar", "tarball", "target", "gzip", "archive", "archives", "archiving",
         "branch", "branches", "merge", "merged", "commit", "commits", "committed", "common",
         "create", "created", "delta", "decompress", "compress", "directory", "file", "files",
         "system", "user", "option", "run", "running"]
# Written in pages only: mnemonic letters, as tldr pages have them.
MNEMONICS = ["[c]reate", "g[z]ip", "[d]e[c]ompress", "[a]rchive"]
KS = (1, 2, 3, 5, 10)

word = st.sampled_from(WORDS)
text = st.lists(word | st.sampled_from(MNEMONICS), min_size=0, max_size=24).map(" ".join)
title = st.lists(word, min_size=1, max_size=3).map(" ".join)


@st.composite
def articles(draw: st.DrawFn) -> str:
    sections = [f"# {draw(title).title()}\n\n{draw(text)}\n"]
    for _ in range(draw(st.integers(0, 3))):
        sections.append(f"## {draw(title)}\n\n{draw(text)}\n")
    return "\n".join(sections)


def libraries(min_files: int = 3, max_files: int = 12) -> st.SearchStrategy[dict[str, str]]:
    names = st.integers(0, 40).map(lambda n: f"page{n:02d}.md")
    return st.dictionaries(names, articles(), min_size=min_files, max_size=max_files)


def misspelt(draw: st.DrawFn) -> str:
    chosen = draw(word)
    cut = draw(st.integers(1, len(chosen) - 1))
    return chosen[:cut] + chosen[cut + 1:]


@st.composite
def queries(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["words", "phrase", "prefix", "title", "fuzzy", "boolean"]))
    if kind == "words":
        return " ".join(draw(st.lists(word, min_size=1, max_size=3)))
    if kind == "phrase":
        return f'"{draw(word)} {draw(word)}"'
    if kind == "prefix":
        chosen = draw(word)
        return chosen[:draw(st.integers(2, len(chosen)))] + "*"
    if kind == "title":
        return f"title:{draw(word)}"
    if kind == "fuzzy":
        return f"{misspelt(draw)}~"
    return f"{draw(word)} {draw(st.sampled_from(['OR', 'AND', 'NOT']))} {draw(word)}"


# Ways to reach a library


def put(root: Path, files: dict[str, str]) -> None:
    """Write files as an editor saves them: a new file renamed over the old."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(path.name + ".new")
        fresh.write_text(source, encoding="utf-8")
        os.replace(fresh, path)


def settle(root: Path, files: dict[str, str]) -> None:
    """Make the folder hold exactly ``files``."""
    for path in root.glob("*.md"):
        if path.name not in files:
            path.unlink()
    put(root, files)


def fresh(root: Path, final: dict[str, str], data: st.DataObject) -> None:
    settle(root, final)
    update_index(load_library(root))


def edited(root: Path, final: dict[str, str], data: st.DataObject) -> None:
    """Another library first, then edits, deletions and additions in batches."""
    settle(root, data.draw(libraries(min_files=1), label="first library"))
    update_index(load_library(root))
    for _ in range(data.draw(st.integers(1, 3), label="batches")):
        now = {path.name: path.read_text(encoding="utf-8") for path in root.glob("*.md")}
        step = {}
        for name in sorted(set(now) | set(final)):
            versions = [s for s in (now.get(name), final.get(name)) if s is not None]
            choice = data.draw(st.sampled_from([None, *versions]), label=name)
            if choice is not None:
                step[name] = choice
        if step:
            settle(root, step)
            update_index(load_library(root))
    settle(root, final)
    update_index(load_library(root))


def in_two_parts(root: Path, final: dict[str, str], data: st.DataObject) -> None:
    """Half the files, then the rest: two segments, as two writer processes leave it."""
    names = sorted(final)
    first = data.draw(st.sets(st.sampled_from(names), min_size=1), label="first part")
    settle(root, {name: final[name] for name in names if name in first})
    update_index(load_library(root))
    settle(root, final)
    update_index(load_library(root))


def after_a_kill(root: Path, final: dict[str, str], data: st.DataObject) -> None:
    """A writer killed part-way through (in a forked process), then an update."""
    if data.draw(st.booleans(), label="indexed before"):
        settle(root, data.draw(libraries(min_files=1), label="earlier library"))
        update_index(load_library(root))
    settle(root, final)
    killed_after = data.draw(st.integers(0, len(final) - 1), label="killed after")

    def progress(done: int, total: int) -> None:
        if done == killed_after and done < total:
            os.kill(os.getpid(), signal.SIGKILL)

    in_a_child(lambda: update_index(load_library(root), progress))
    update_index(load_library(root))


HISTORIES: dict[str, Callable[[Path, dict[str, str], st.DataObject], None]] = {
    "fresh": fresh, "edited": edited, "in two parts": in_two_parts}
if hasattr(os, "fork"):
    HISTORIES["after a kill"] = after_a_kill


def in_a_child(work: Callable[[], object]) -> None:
    """Run ``work`` in a forked child, which may kill itself; wait for it."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            work()
        except BaseException:
            code = 1
        os._exit(code)
    deadline = time.monotonic() + 60
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("the forked writer hung")
        time.sleep(0.002)


@contextlib.contextmanager
def library_by(history: str, final: dict[str, str], data: st.DataObject) -> Iterator[Searcher]:
    """The library ``final``, indexed by ``history``, with posting blocks of a drawn
    size: small blocks make Whoosh skip block by block even in these small indexes."""
    block = data.draw(st.sampled_from([2, 5, 128]), label="postings per block")
    with tempfile.TemporaryDirectory(prefix="oracle-") as folder, \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(index.build, "make_codec", lambda: W3Codec(blocklimit=block,
                                                                 compression=0))
        root = Path(folder)
        HISTORIES[history](root, final, data)
        with open_index(load_library(root)) as searcher:
            assert searcher.stats is not None and searcher.stats.added == 0
            yield searcher


def segments(searcher: Searcher) -> list[tuple[int, int]]:
    """(documents, of which live) per segment."""
    reader = searcher._searcher.reader()
    return [(leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in reader.leaf_readers()]


# The properties


def check_top_k(searcher: Searcher, query: str) -> list[tuple[str, float]]:
    ranked = searcher.exhaustive(query)
    assert ranked == sorted(ranked, key=lambda hit: (-hit[1], hit[0])), query
    for k in KS:
        top = [(hit.id, hit.score) for hit in searcher.search(query, k).hits]
        assert top == ranked[:k], (query, k, segments(searcher))
    check_against_whoosh(searcher, query, dict(ranked))
    return ranked


def check_against_whoosh(searcher: Searcher, query: str, ours: dict[str, float]) -> None:
    """Our matchers match what Whoosh's own match, and score them alike (Whoosh
    adds 1 for each NOT, so there only the sections are compared)."""
    from whoosh import query as wq
    from whoosh.collectors import UnlimitedCollector

    compiled, _ = searcher._compile(query)
    if compiled is wq.NullQuery:
        assert ours == {}
        return
    reader = searcher._searcher
    collector = UnlimitedCollector()
    try:
        reader.search_with_collector(compiled, collector,
                                     reader.context(weighting=searcher._weighting))
    except Exception:  # a phrase on the path field, say: search() fell back to words
        return
    theirs = {reader.stored_fields(docnum)["id"]: score
              for score, docnum in collector.results().top_n}
    assert set(theirs) == set(ours), query
    if "NOT" not in query:
        for hit_id, score in ours.items():
            assert math.isclose(score, theirs[hit_id], rel_tol=1e-9), (query, hit_id)


@dataclass(frozen=True)
class Answer:
    ranked: list[tuple[str, float]]
    total: int
    suggestion: str | None
    terms: frozenset[str]


def answer(searcher: Searcher, query: str) -> Answer:
    ranked = check_top_k(searcher, query)
    results = searcher.search(query, 10)
    return Answer(ranked, results.total, results.suggestion, results.terms)


@settings(max_examples=45, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(final=libraries(), other=st.sampled_from(sorted(set(HISTORIES) - {"fresh"})),
       asked=st.lists(queries(), min_size=4, max_size=10), data=st.data())
def test_top_k_heads_the_exhaustive_ranking_and_history_changes_nothing(
        final: dict[str, str], other: str, asked: list[str], data: st.DataObject) -> None:
    titles = [source.split("\n", 1)[0].lstrip("# ") for source in final.values()]
    asked = [*asked, data.draw(st.sampled_from(titles), label="a page's title")]
    with library_by("fresh", final, data) as searcher:
        expected = {query: answer(searcher, query) for query in asked}
    with library_by(other, final, data) as searcher:
        for query in asked:
            assert answer(searcher, query) == expected[query], (query, other, segments(searcher))


# The case of the issue: two segments, and the best page missing from a short list


def test_the_best_page_stays_first_however_few_hits_are_asked_for(tmp_path: Path) -> None:
    rng = random.Random(1)
    words = ["clone", "repository", "branch", "merge", "commit"]

    def pages(prefix: str) -> dict[str, str]:
        return {f"{prefix}{n:02d}.md": f"# Page {n}\n\n"
                f"{' '.join(rng.choice(words) for _ in range(rng.randint(3, 40)))}\n"
                for n in range(30)}

    root = write_library(tmp_path / "lib", pages("p"))
    update_index(load_library(root))
    write_library(root, pages("q"))
    update_index(load_library(root))
    with open_index(load_library(root)) as searcher:
        assert len(segments(searcher)) == 2
        best = searcher.exhaustive("clone repository")[0]
        for k in KS:
            hit = searcher.search("clone repository", k).hits[0]
            assert (hit.id, hit.score) == best, k
        check_top_k(searcher, "clone repository")


# Two real writer processes, as `encyclopedia index` uses for big libraries


def test_two_writer_processes_answer_as_one(tmp_path: Path) -> None:
    rng_words = WORDS * 3
    files = {f"p{n:02d}.md": f"# {WORDS[n % len(WORDS)].title()} {n}\n\n"
             f"{' '.join(rng_words[n:n + 20])}\n\n"
             + "".join(f"## {WORDS[(n + k) % len(WORDS)]}\n\n"
                       f"{' '.join(rng_words[n + k:n + k + 12])}\n\n" for k in range(4))
             for n in range(60)}
    asked = ["clone repository", "tar gzip", '"merge commit"', "arch*", "title:branch",
             "comit~", "file NOT user", "delta OR target"]
    expected = {}
    root = write_library(tmp_path / "one", files)
    with open_index(load_library(root)) as searcher:
        expected = {query: answer(searcher, query) for query in asked}
    root = write_library(tmp_path / "two", files)
    script = textwrap.dedent(f"""
        import index.build
        from content import load_library
        index.build.PARALLEL_FROM = 1
        index.build.update_index(load_library({str(root)!r}), procs=2)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    with open_index(load_library(root)) as searcher:
        # Usually one segment per writer; a quick one may take every batch.
        assert sum(live for _, live in segments(searcher)) == len(files) * 5
        for query in asked:
            assert answer(searcher, query) == expected[query], query


def whoosh_segments(root: Path) -> Any:
    from whoosh import index as whoosh_index

    return whoosh_index.open_dir(str(index_dir(root) / WHOOSH_DIR))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_killed_writer_leaves_nothing_that_changes_answers(tmp_path: Path) -> None:
    files = {f"k{n:02d}.md": f"# Page {n}\n\nclone repository {n} " + "tar " * (n % 5)
             + "\n\n## Part\n\ngzip archive\n" for n in range(10)}
    root = write_library(tmp_path / "lib", files)

    def progress(done: int, total: int) -> None:
        if done == 6:
            os.kill(os.getpid(), signal.SIGKILL)

    in_a_child(lambda: update_index(load_library(root), progress))
    update_index(load_library(root))
    killed = {query: None for query in ["clone", "tar gzip", "archive"]}
    with open_index(load_library(root)) as searcher:
        killed = {query: answer(searcher, query) for query in killed}
    other = write_library(tmp_path / "other", files)
    with open_index(load_library(other)) as searcher:
        assert {query: answer(searcher, query) for query in killed} == killed
