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
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    built = rebuild()
    assert built.rewritten is not None
    assert_same_as_clean_build(corpus, out, site, tmp_path / "clean")
