"""The fast paths of a rebuild (``goodpractice serve``), each against the full computation it
stands for: the consistency rules of a memorandum alone kept while it is unchanged
(``content.rules.RuleMemory``), and the check's copy of the graph told the graph's triples
(``check.CheckMemory.graph_holds``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodpractice import pipeline
from goodpractice.check import CheckMemory
from goodpractice.content import ContentError, load_content
from goodpractice.content.reuse import ReadBefore

from . import synthetic
from .conftest import edit

FIRST, SECOND = "memoranda/synthetic-0001", "memoranda/synthetic-0002"


@pytest.fixture
def corpus(tmp_path):
    return synthetic.write_corpus(tmp_path / "content", memoranda=3)


def problems_of(content: Path, reuse: ReadBefore | None = None) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(content, reuse=reuse)
    return [str(problem) for problem in raised.value.problems]


def described(content) -> dict:
    """What the rules recorded in the content: the descriptions of cited practices, and the
    unit each footnote is attached to."""
    return {
        "descriptions": {(entry.key, p.notation): list(p.descriptions)
                         for entry in content.catalogue.values() for p in entry.practices},
        "attached": {(m.key, fn.number): fn.attached_to
                     for m in content.memoranda for fn in m.footnotes},
    }  # fmt: skip


def test_the_rules_of_an_unchanged_memorandum_are_kept_with_the_same_problems(corpus):
    reuse = ReadBefore()
    full = load_content(corpus)
    kept = load_content(corpus, reuse=reuse)
    assert reuse.rules.counts == {"made": 3}
    assert described(kept) == described(full) and any(described(full)["descriptions"].values())
    # A problem in the first memorandum alone: it is read again, its rules run again
    edit(corpus / f"{FIRST}/practices/gp03.md", "terrorism.⁵ ", "terrorism.⁹⁹ ")
    assert problems_of(corpus, reuse) == problems_of(corpus)
    assert reuse.rules.counts == {"made": 4, "reused": 2}
    # An edit elsewhere: the first memorandum is kept as it was read, and so are its
    # problems, reported with the same words as a full check's
    edit(corpus / f"{SECOND}/practices/gp03.md", "section: I\n",
         'section: I\neditorial_notes: ["A note."]\n')  # fmt: skip
    found = problems_of(corpus, reuse)
    assert found == problems_of(corpus)
    assert any("footnote marker 99 has no footnote 99" in problem for problem in found)
    assert reuse.rules.counts == {"made": 5, "reused": 4}
    # A problem of the whole content in an unchanged memorandum: a cited resource no longer
    # in the catalogue, found by a rule run on every memorandum each time
    edit(corpus / f"{FIRST}/practices/gp03.md", "terrorism.⁹⁹ ", "terrorism.⁵ ")
    documents = corpus / "catalogue/documents.yaml"
    edit(documents, "id: document-02\n", "id: document-02-renamed\n")
    found = problems_of(corpus, reuse)
    assert found == problems_of(corpus)
    assert any("cited resource 'document-02' is not in the catalogue" in p for p in found)
    assert reuse.rules.counts["reused"] == 6
    edit(documents, "id: document-02-renamed\n", "id: document-02\n")
    kept = load_content(corpus, reuse=reuse)
    assert described(kept) == described(load_content(corpus))
    assert reuse.rules.counts["reused"] == 9 and len(reuse.rules.kept) == 3


def test_a_rebuilds_check_is_told_the_graphs_triples_and_they_are_the_graphs(
    corpus, tmp_path, monkeypatch
):
    """The triples a rebuild gives the check's copy (``Reuse.content_triples``) are those the
    graph it checks holds: the copy is not made by reading the graph triple by triple. And
    where each resource is defined (``pipeline.model.locate``), kept for the memoranda a
    rebuild reuses, is what a build without reuse finds, in the same order."""
    seen = []
    store_for = CheckMemory.store_for

    def compared(memory, graph):
        if memory.given is not None:
            seen.append(memory.given == set(graph))
        return store_for(memory, graph)

    monkeypatch.setattr(CheckMemory, "store_for", compared)
    rebuild = pipeline.Rebuilder(corpus, tmp_path / "build", None, tmp_path / "site",
                                 spares=False)  # fmt: skip
    rebuild()
    for old, new in (("services information", "services knowledge"),
                     ("services knowledge", "services information")):  # fmt: skip
        for name in (f"{FIRST}/practices/gp03.md", "source/synthetic-0001.md"):
            edit(corpus / name, f"Rights policymakers {old}", f"Rights policymakers {new}")
        built = rebuild()
        assert built.rewritten is not None
        expected = pipeline.load_model(corpus).locations
        assert list(built.model.locations.items()) == list(expected.items())
    assert seen == [True, True]
    # the first build reads all three, each rebuild one again
    assert rebuild.reuse.located.counts == {"made": 3 + 1 + 1, "reused": 2 + 2}
    # (without spares, serve's first build does not make the copy: the first rebuild does)
    assert rebuild.reuse.check_memory.counts == {"made": 1, "updated": 1, "given": 2}


def test_a_rebuilds_look_at_the_content_tells_unchanged_memoranda_as_their_files_do(corpus):
    """``ReadBefore.unchanged``: a memorandum kept while the rebuild's look at the content
    (``content_state``) shows its files as they were when it was read; read again (by
    ``folder_state``) after any file of it is edited, added or removed, or where the look
    cannot see into it (a link to a folder). What it keeps is what reading it again gives."""
    import os

    from goodpractice.pipeline.incremental import content_state

    reuse = ReadBefore()
    load_content(corpus, reuse=reuse)
    folder = corpus / FIRST

    def read_again():  # as a load without reuse reads it (its rules run)
        return next(m for m in load_content(corpus).memoranda if m.key == folder.name)

    def verdict() -> bool:
        reuse.looked(corpus, content_state(corpus))
        try:
            return reuse.unchanged(folder, reuse[folder][0])
        finally:
            reuse.looked(None, None)

    assert verdict() and reuse.counts == {"unchanged": 1}
    assert reuse[folder][1] == read_again()
    # a file made and deleted again: the folder's time changed, not its files
    (folder / "practices/notes.tmp").write_text("x")
    (folder / "practices/notes.tmp").unlink()
    assert verdict() and reuse[folder][1] == read_again()
    footnotes = folder / "footnotes.yaml"
    text = footnotes.read_text(encoding="utf-8")
    footnotes.write_text(text + "\n", encoding="utf-8")  # edited
    assert not verdict()
    footnotes.write_text(text, encoding="utf-8")
    os.utime(footnotes, ns=(0, 0))
    assert not verdict()  # the same size, another time
    load_content(corpus, reuse=reuse)  # read again: the look tells it unchanged again
    assert verdict()
    (folder / "notes.md").write_text("x")
    assert not verdict()  # added
    load_content(corpus, reuse=reuse)
    (folder / "notes.md").unlink()
    assert not verdict()  # removed
    load_content(corpus, reuse=reuse)
    assert verdict()
    practices = folder / "practices"
    practices.rename(corpus / "practices-elsewhere")
    practices.symlink_to(corpus / "practices-elsewhere")  # a link: the look does not enter it
    load_content(corpus, reuse=reuse)
    assert reuse[folder][1] == read_again() and not verdict()
    # in a rebuild, the look is the one the rebuild starts from
    reuse.looked(corpus, content_state(corpus))
    counted = reuse.counts["unchanged"]
    kept = load_content(corpus, reuse=reuse)
    assert reuse.counts["unchanged"] == counted + 2  # the two others
    assert [m.key for m in kept.memoranda] == [m.key for m in load_content(corpus).memoranda]


def test_the_documents_a_rebuilds_site_is_of_are_followed_from_the_changed_triples(tmp_path):
    """``site.pages.Documents``: counted once after serve's first build, then changed by each
    rebuild's triples added and removed (resources added, renumbered, removed): each time the
    pages' resources are ``resources_of`` the triples, found in every one of them. The
    published graph the site reads is changed by the same triples (``Reuse.published_graph``)
    and holds the published triples, no more."""
    from goodpractice.site.pages import resources_of

    from .test_incremental import EDITS

    corpus = synthetic.write_corpus(tmp_path / "content", memoranda=2)
    rebuild = pipeline.Rebuilder(corpus, tmp_path / "build", None, tmp_path / "site")
    try:
        built = rebuild()
        documents = rebuild.reuse.documents
        assert documents.counts == {"made": 1, "updated": 0} and documents.of is built.triples
        for number, (make_edit, _in_place) in enumerate(EDITS, start=1):
            make_edit(corpus)
            built = rebuild()
            assert built.rewritten is not None
            base = built.model.content.publication.base_iri
            expected = resources_of(built.triples, base, built.files)
            assert documents.resources(base, built.files) == expected, make_edit.__name__
            assert documents.counts == {"made": 1, "updated": number}
            # and the published graph the site reads, changed by the same triples
            assert set(rebuild.reuse.published) == built.triples
            assert rebuild.reuse.diffs_used == number
    finally:
        rebuild.close()


def test_the_resources_with_files_leave_out_the_earlier_releases_as_the_triples_say(model):
    """``ResourceIndex.resources`` tells an earlier release (its files are its data) by the
    subjects with a dcat:distribution it noted while indexing: what looking through each
    subject's triples finds."""
    from rdflib import URIRef
    from rdflib.namespace import DCAT, RDF

    from goodpractice.export.index import ResourceIndex, index_for

    base = index_for(model.graph).base
    release = URIRef(f"{base}dataset/0.0.1")  # an earlier release, as ``publish`` adds one
    index = ResourceIndex([*index_for(model.graph).all, (release, RDF.type, DCAT.Dataset),
                           (release, DCAT.distribution, URIRef(f"{release}#turtle"))])  # fmt: skip
    looked_through = {
        s for s in index.triples
        if isinstance(s, URIRef) and str(s).startswith(base) and "#" not in s
        and s != index.dataset and str(s) != base
        and not any(p == DCAT.distribution for _s, p, _o in index.triples[s])
    }  # fmt: skip
    assert index.resources(base) == sorted(looked_through, key=str)
    assert index.distributed == {index.dataset, release}
    assert release not in index.resources(base) and release in index.triples
