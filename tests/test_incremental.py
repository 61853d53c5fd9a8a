"""Incremental rebuilds (``goodpractice serve``): after each edit of a series, what the rebuild
left in build/ and site/ is byte for byte what a clean build of the same content writes, and
the rebuild was incremental (it rewrote only some files). A failed rebuild leaves the last good
build as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodpractice import pipeline, staging
from goodpractice.content import ContentError

from . import synthetic
from .conftest import edit

MEMO = "memoranda/synthetic-0001"
SOURCE = "source/synthetic-0001.md"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def assert_same_as_clean_build(content: Path, out: Path, site: Path, clean: Path) -> None:
    pipeline.build(content, clean / "build", site_dir=clean / "site")
    for made, expected in ((out, clean / "build"), (site, clean / "site")):
        got, want = tree(made), tree(expected)
        assert sorted(got.keys() - want.keys()) == [], (
            f"{made.name}/ has files a clean build has not"
        )
        assert sorted(want.keys() - got.keys()) == [], f"{made.name}/ lacks files of a clean build"
        assert [name for name in want if got[name] != want[name]] == [], f"{made.name}/ differs"
        assert folders(made) == folders(expected)


def text_edit(content: Path) -> None:
    """A practice's words changed, in its file and in the source text alike."""
    for name in (f"{MEMO}/practices/gp03.md", SOURCE):
        edit(
            content / name,
            "Rights policymakers services information",
            "Rights policymakers services knowledge",
        )


CITATION = (
    "  citations:\n  - cites: document-01\n    as: citesAsEvidence\n"
    "    words: National rights policymakers monitoring\n"
)
MENTIONS = "  mentions:\n  - org/synthetic-02\n"


def citation_added(content: Path) -> None:
    """A citation added to footnote 2 of the second memorandum."""
    edit(content / "memoranda/synthetic-0002/footnotes.yaml", MENTIONS, MENTIONS + CITATION)


def citation_removed(content: Path) -> None:
    edit(content / "memoranda/synthetic-0002/footnotes.yaml", MENTIONS + CITATION, MENTIONS)


def first_example_added(content: Path) -> None:
    """A citation of a kind the corpus had none of: it becomes the example docs/citations.md
    shows, a prose page only MkDocs makes, so the site is built in full (the exports are
    still updated in place)."""
    edit(
        content / f"{MEMO}/footnotes.yaml",
        MENTIONS,
        MENTIONS
        + CITATION.replace("National rights policymakers monitoring",
                           "Criminal trust support families framework")
        .replace("citesAsEvidence", "citesForInformation"),
    )  # fmt: skip


def footnote_moved(content: Path) -> None:
    """Footnote 5's marker moved to the end of its paragraph."""
    for name in (f"{MEMO}/practices/gp03.md", SOURCE):
        edit(content / name, "terrorism.⁵ ", "terrorism. ")
        edit(content / name, "offenders framework schools.\n", "offenders framework schools.⁵\n")


def practice_renumbered(content: Path) -> None:
    """A practice inserted as Good Practice 20 of the second memorandum: the old 20 is now 21."""
    memo = content / "memoranda/synthetic-0002"
    edit(content / "source/synthetic-0002.md", "Good Practice 20: Mechanisms",
         f"Good Practice 20: {NEW_TITLE}\n\n{NEW_TEXT}\n\nGood Practice 21: Mechanisms")  # fmt: skip
    edit(memo / "practices/gp20.md", "number: 20\n", "number: 21\n")
    (memo / "practices/gp20-new.md").write_text(
        f"---\nnumber: 20\nsection: IV\ntitle: {NEW_TITLE}\n---\n\n{NEW_TEXT}\n", encoding="utf-8"
    )


NEW_TITLE = "Oversight training schools."
NEW_TEXT = "States may consider oversight training in schools."


def file_deleted(content: Path) -> None:
    """The second memorandum's glossary deleted: its terms' pages and files go."""
    (content / "memoranda/synthetic-0002/glossary.yaml").unlink()


# Each edit, and whether the site is updated in place (True) or built in full (False)
EDITS = [(text_edit, True), (citation_added, True), (citation_removed, True),
         (footnote_moved, True), (first_example_added, False),
         (practice_renumbered, True), (file_deleted, True)]  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    return synthetic.write_corpus(tmp_path / "content", memoranda=2)


def test_each_rebuild_after_an_edit_is_a_clean_build(corpus, tmp_path):
    out, site = tmp_path / "build", tmp_path / "site"
    rebuild = pipeline.Rebuilder(corpus, out, None, site)
    first = rebuild()
    assert first.rewritten is None  # the first build is a full one
    # and ready when the copies the first edit starts from are made
    assert all(staging.SPARES[folder.resolve()].sizes for folder in (out, site))
    # and the check's copy of the graph, which each rebuild's check then updates
    assert rebuild.reuse.check_memory.counts == {"made": 1}
    spares_before = staging.Spare.used
    for number, (make_edit, in_place) in enumerate(EDITS, start=1):
        make_edit(corpus)
        built = rebuild()
        name = make_edit.__name__
        assert built.rewritten is not None, f"{name}: not incremental"
        assert 0 < len(built.rewritten) < len(built.files) / 10, name
        if in_place:
            assert built.site_written is not None, f"{name}: the site was built again"
            assert 0 < len(built.site_written) < built.site_pages / 4, name
        else:
            assert built.site_written is None, f"{name}: the site was updated in place"
        assert_same_as_clean_build(corpus, out, site, tmp_path / f"clean-{number}")
    # Each staging over build/ and site/ started from the copy made after the last rebuild
    updates = sum(in_place for _edit, in_place in EDITS)
    assert staging.Spare.used - spares_before == len(EDITS) + updates
    assert rebuild.reuse.check_memory.counts == {
        "made": 1,
        "updated": len(EDITS),
        "given": len(EDITS),  # the graph's triples known
    }
    rebuild.close()  # the copies are gone; what the next build starts from is left
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [
        ".build.goodpractice-state"
    ]


def test_a_failed_rebuild_leaves_the_last_build_and_the_next_one_is_incremental(
    corpus, tmp_path, monkeypatch
):
    out, site = tmp_path / "build", tmp_path / "site"
    rebuild = pipeline.Rebuilder(corpus, out, None, site)
    rebuild()
    before = tree(out), tree(site)
    # words the source text does not have: the fidelity check refuses them
    edit(corpus / f"{MEMO}/practices/gp03.md", "Rights policymakers", "Rights of policymakers")
    with pytest.raises(ContentError):
        rebuild()
    assert (tree(out), tree(site)) == before
    # another edit, elsewhere: the first one is still checked (its memorandum is not
    # made again now, but it has not passed since the last good build)
    citation_added(corpus)
    with pytest.raises(ContentError) as refused:
        rebuild()
    assert "gp03.md" in str(refused.value.problems[0])
    citation_removed(corpus)
    edit(corpus / f"{MEMO}/practices/gp03.md", "Rights of policymakers", "Rights policymakers")
    text_edit(corpus)

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(staging, "write_file", full_disk)
    with pytest.raises(pipeline.WriteFailed):
        rebuild()
    monkeypatch.undo()
    assert (tree(out), tree(site)) == before
    # Beside them, only the copies made for the next rebuild: hard links to their files
    left = sorted(p for p in tmp_path.iterdir() if p.name.startswith(".") and p.is_dir())
    assert [p.name.split(".")[1] for p in left] == ["build", "site"]
    for copy in left:
        assert linked_to(copy, tmp_path / copy.name.split(".")[1])
    built = rebuild()
    assert built.rewritten is not None
    assert_same_as_clean_build(corpus, out, site, tmp_path / "clean")
    rebuild.close()  # the copies are gone; what the next build starts from is left
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [
        ".build.goodpractice-state"
    ]


def linked_to(copy: Path, folder: Path) -> bool:
    """Whether ``copy`` holds ``folder``'s files as hard links, and nothing else."""
    files = {p.relative_to(folder): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}
    copied = {p.relative_to(copy): p.stat().st_ino for p in copy.rglob("*")
              if p.is_file() and p.name != staging.LOCK}  # fmt: skip
    return len(files) > 0 and files == copied


def test_what_a_change_reaches_walked_upwards_is_what_the_members_rule_says(model):
    """``Impact.holders`` walks the part hierarchy upwards from the changed nodes; the rule it
    stands for is ``ResourceIndex.members`` walked downwards from every resource."""
    from goodpractice.export.index import index_for
    from goodpractice.pipeline.incremental import Impact, resource_of

    index = index_for(model.graph)
    resources = set(index.resources(index.base))
    walked = 0
    for node in sorted(resources)[::7]:  # every seventh resource, each level of the hierarchy
        impact = Impact(index, {node}, resources)
        members_rule = {r for r in resources
                        if any(resource_of(m) in impact.near for m in index.members(r))}  # fmt: skip
        assert impact.holders(impact.near) == members_rule, node
        dirty_rule = {r for r in resources
                      if any(resource_of(m) in impact.dirty for m in index.members(r))}  # fmt: skip
        assert impact.documents() == dirty_rule, node
        walked += len(members_rule) > 1
    assert walked > 10  # changes that reach more than their own resource were tried


def test_a_rebuild_of_released_content_takes_the_history_out_of_the_graph_again(tmp_path):
    """The real memorandum has a release: the build adds its history to the content's graph
    (change sets, dcterms:modified, the earlier releases' description) and a rebuild takes
    exactly that out again before the next one, so each is a clean build's."""
    import shutil

    from .conftest import CONTENT

    content, out, site = tmp_path / "content", tmp_path / "build", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    rebuild = pipeline.Rebuilder(content, out, None, site, spares=False)
    rebuild()
    reuse = rebuild.reuse
    assert set(reuse.graph) == set(reuse.counts)  # the graph as the content made it
    practice = content / "memoranda/rabat-washington/practices/gp01.md"
    for number, note in enumerate(["A first note.", "A second note."], start=1):
        front, _, body = practice.read_text(encoding="utf-8").partition("\n---\n")
        front = front.split("\neditorial_notes:", 1)[0]
        practice.write_text(f"{front}\neditorial_notes:\n  - {note}\n---\n{body}", "utf-8")
        built = rebuild()
        assert built.rewritten is not None and built.site_written is not None
        assert set(reuse.graph) == set(reuse.counts)
        assert_same_as_clean_build(content, out, site, tmp_path / f"clean-{number}")


def test_builds_run_with_the_collector_paused_and_serve_freezes_what_outlives_them(
    corpus, tmp_path, collector_at_load
):
    """The garbage-collector regime: every build with the collector paused (on again after);
    in serve, after each build one collection, and what is left frozen (later collections walk
    only what later builds make); all of it let go when serve stops."""
    import gc

    enabled = collector_at_load
    rebuild = pipeline.Rebuilder(corpus, tmp_path / "build", None, tmp_path / "site")
    try:
        rebuild()
        assert (rebuild.collections, gc.isenabled(), gc.get_freeze_count() > 0) == (1, True, True)
        text_edit(corpus)
        assert rebuild().rewritten is not None
    finally:
        rebuild.close()
    assert (enabled, rebuild.collections, gc.get_freeze_count()) == ([False, False], 2, 0)
    pipeline.build(corpus, tmp_path / "other")
    assert enabled == [False, False, False] and gc.isenabled()


def test_what_serves_first_build_queried_is_not_left_to_the_watchers_thread(
    corpus, tmp_path, monkeypatch
):
    """serve's first build runs in the main thread and warms the check's pyoxigraph copy;
    its rebuilds run in the watcher's. pyoxigraph's query results may be dropped only by the
    thread that made them: none is left for a later thread's collection to drop."""
    import sys
    import threading

    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: dropped.append(report))
    rebuild = pipeline.Rebuilder(corpus, tmp_path / "build", None, tmp_path / "site")
    try:
        rebuild()
        assert rebuild.reuse.check_memory.answers.counts["made"] > 0  # the answers warmed
        text_edit(corpus)
        built = []
        watcher = threading.Thread(target=lambda: built.append(rebuild()))
        watcher.start()
        watcher.join()
        assert built and built[0].rewritten is not None
    finally:
        rebuild.close()
    assert [str(report.exc_value) for report in dropped] == []
