"""The whole dataset's files made from the last build's pieces (``export.memory``): after a
change of the graph, the files made with the memory are byte for byte those made from scratch,
and only the changed subjects were serialised again (counted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from goodpractice import pipeline
from goodpractice.export import forget_index
from goodpractice.export import memory as memory_module
from goodpractice.export.blocks import Blocks
from goodpractice.export.files import dataset_wide_files
from goodpractice.export.index import index_for
from goodpractice.export.memory import ExportMemory
from goodpractice.export.rdf import nt_line
from goodpractice.pipeline.model import load_model, publish
from goodpractice.vocab import GP

from . import synthetic
from .conftest import CONTENT
from .test_incremental import citation_added, citation_removed, file_deleted, text_edit, tree

# Files that hold the whole dataset (the ones the memory makes from pieces)
WHOLE = ("dataset.ttl", "dataset.nt", "dataset.rdf", "dataset.jsonld", "dataset.embedded.jsonld")


def from_scratch(graph) -> dict[str, bytes]:
    forget_index(graph)
    files = dict(dataset_wide_files(graph))
    forget_index(graph)
    return files


def with_memory(graph, memory: ExportMemory) -> dict[str, bytes]:
    forget_index(graph)
    files = dict(dataset_wide_files(graph, memory))
    forget_index(graph)
    return files


@pytest.fixture
def graph():
    return publish(load_model(CONTENT)).graph


def practices(graph) -> list[URIRef]:
    return sorted(graph.subjects(SKOS.notation, None))


def test_a_change_reserialises_only_the_changed_subjects(graph):
    memory = ExportMemory()
    memory_module.stats.reset()
    assert with_memory(graph, memory) == from_scratch(graph)  # the first time: all made
    subjects = memory_module.stats.made
    assert memory_module.stats.reused == 0 and subjects > 100
    first, second, third = practices(graph)[:3]
    changes = [
        # a triple no table reads: the tables are kept
        lambda: graph.add((URIRef("urn:x:unrelated"), RDFS.comment, Literal("unrelated"))),
        # a practice's label changed
        lambda: graph.set((first, SKOS.prefLabel, Literal("A label changed", lang="en"))),
        # a practice moved to the front (its sort key changes: the arrays naming it too)
        lambda: graph.set((second, GP.position, Literal(-1))),
        # a resource removed, with every triple naming it
        lambda: (graph.remove((third, None, None)), graph.remove((None, None, third))),
        # a blank node (the JSON-LD falls back to pyld, the rest still from pieces)
        lambda: graph.add((first, RDFS.seeAlso, BNode("b0"))),
    ]
    for number, change in enumerate(changes):
        change()
        memory_module.stats.reset()
        made = with_memory(graph, memory)
        assert made == from_scratch(graph), f"change {number}"
        assert [name for name in WHOLE if name in made] == list(WHOLE)
        # the fast path ran: a handful of subjects made again, the others kept
        assert 0 < memory_module.stats.made < 10, f"change {number}"
        assert memory_module.stats.reused > subjects - 10, f"change {number}"
        assert memory_module.stats.vocpub_reused + memory_module.stats.vocpub_made > 0
        assert memory_module.stats.tables_reused + memory_module.stats.tables_made == 1
        if number == 0:
            assert memory_module.stats.tables_reused == 1
        if number == 1:  # the practices table reads the practice's label
            assert memory_module.stats.tables_made >= 1


def test_the_same_graph_again_reuses_every_piece(graph):
    memory = ExportMemory()
    expected = with_memory(graph, memory)
    memory_module.stats.reset()
    assert with_memory(graph, memory) == expected
    assert memory_module.stats.made == 0 and memory_module.stats.reused > 100
    assert memory_module.stats.vocpub_made == 0 and memory_module.stats.vocpub_reused > 0
    assert memory_module.stats.tables_reused == 1


def test_a_failed_build_leaves_no_half_memory(graph, monkeypatch):
    memory = ExportMemory()
    with_memory(graph, memory)

    def broken(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(memory_module, "rdfxml", broken)
    with pytest.raises(OSError):
        with_memory(graph, memory)
    assert memory.triples is None and memory.nt == {}  # the next build makes every piece
    monkeypatch.undo()
    assert with_memory(graph, memory) == from_scratch(graph)
    index_for(graph)


# Edits of the content, through the rebuilder: its build/ is a clean build's, and the memory ran
EDITS = [text_edit, citation_added, citation_removed, file_deleted]


def test_rebuilds_with_the_memory_write_a_clean_builds_exports(tmp_path):
    content = synthetic.write_corpus(tmp_path / "content", memoranda=2)
    out, site = tmp_path / "build", tmp_path / "site"
    rebuild = pipeline.Rebuilder(content, out, None, site)
    rebuild()
    for number, make_edit in enumerate(EDITS):
        make_edit(content)
        memory_module.stats.reset()
        built = rebuild()
        assert built.rewritten is not None, make_edit.__name__
        assert 0 < memory_module.stats.made < memory_module.stats.reused / 10, make_edit.__name__
        assert memory_module.stats.diffs_given == 1, make_edit.__name__  # made once, not twice
        assert memory_module.stats.rows_reused > memory_module.stats.rows_made, make_edit.__name__
        assert memory_module.stats.tables_reused + memory_module.stats.tables_made == 1
        clean: Path = tmp_path / f"clean-{number}"
        pipeline.build(content, clean)
        got, want = tree(out), tree(clean)
        assert got.keys() == want.keys(), make_edit.__name__
        assert [name for name in want if got[name] != want[name]] == [], make_edit.__name__


LITERALS = [
    Literal('a "quoted"\\ back\\slash\nnew line\r\ttab', lang="en"),
    Literal("3", datatype=XSD.integer),
    Literal("plain"),
    Literal("é ✓ 𝄞"),
    Literal("2024-01", datatype=XSD.gYearMonth),
]


@pytest.mark.parametrize("literal", LITERALS)
def test_a_literal_is_written_as_rdflibs_row_writer_writes_it(literal):
    triple = (URIRef("urn:x:s"), URIRef("urn:x:p"), literal)
    assert Blocks({}).line(triple) == nt_line(triple)
