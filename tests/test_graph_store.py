"""The fast paths of loading and checking: the build's graph store (``graph.store.TripleStore``)
answers as rdflib's own store does, the graph is built in bulk with the garbage collector
paused, the check reads the store's own indexes, and a rebuild's check keeps its pyoxigraph
copy of the graph (``check.CheckMemory``), updated, with the same findings as a check without
it. Each test asserts that its fast path ran."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from goodpractice.check import CheckMemory, check_focus, fast, focus
from goodpractice.graph import build_graph, new_graph
from goodpractice.graph import store as graph_store
from goodpractice.graph.store import TripleStore

from .conftest import BASE
from .shape_cases import BATCHES, mutated

PRACTICE = URIRef(BASE + "rabat-washington/gp5")
MEMORANDUM = URIRef(BASE + "rabat-washington")


def patterns(graph: Graph) -> list[tuple]:
    """Every kind of triple pattern, each with terms the graph has."""
    s, p, o = next(t for t in graph.triples((PRACTICE, SKOS.prefLabel, None)))
    unknown = URIRef(BASE + "nothing")
    return [
        (None, None, None), (s, None, None), (None, p, None), (None, None, o), (s, p, None),
        (None, p, o), (s, None, o), (s, p, o), (unknown, None, None), (None, unknown, None),
        (None, None, unknown), (s, RDF.type, None), (None, RDF.type, SKOS.Concept),
    ]  # fmt: skip


def memory_copy(graph: Graph) -> Graph:
    """The same triples in rdflib's default store (``Memory``)."""
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def test_the_store_answers_every_pattern_as_rdflibs_memory_store(model):
    ours = new_graph()
    ours += model.graph
    assert type(ours.store) is TripleStore
    theirs = memory_copy(ours)
    assert len(ours) == len(theirs) == len(model.graph)
    for pattern in patterns(theirs):
        assert sorted(ours.triples(pattern)) == sorted(theirs.triples(pattern)), pattern
    # removed (by pattern and one by one), added again twice: counted once, emptied levels gone
    gone = list(ours.triples((PRACTICE, None, None)))
    ours.remove((PRACTICE, None, None))
    theirs.remove((PRACTICE, None, None))
    assert PRACTICE not in ours.store.spo
    assert len(ours) == len(theirs) == len(model.graph) - len(gone)
    for triple in gone + gone:
        ours.add(triple)
    label = (PRACTICE, SKOS.altLabel, Literal("x", lang="en"))
    ours.add(label)
    ours.remove(label)
    assert len(ours) == len(model.graph)
    assert set(ours) == set(model.graph)


def test_a_graph_can_be_changed_while_it_is_read():
    graph = new_graph()
    for number in range(5):
        graph.add((URIRef(f"urn:s{number}"), RDF.type, SKOS.Concept))
    for s, p, o in graph:  # a snapshot, as with rdflib's Memory store
        graph.remove((s, p, o))
    assert len(graph) == 0 and graph.store.spo == graph.store.pos == graph.store.osp == {}


def test_the_graph_is_built_in_bulk_with_the_collector_paused(model, monkeypatch):
    paused = []
    real = graph_store.collection_paused

    def watched():
        paused.append(True)
        return real()

    monkeypatch.setattr("goodpractice.graph.build.collection_paused", watched)
    before = graph_store.stats["bulk"]
    graph = build_graph(model.content)
    assert graph_store.stats["bulk"] - before == len(graph) > 0
    assert paused == [True] and gc.isenabled()
    assert type(graph.store) is TripleStore


def test_the_check_reads_the_stores_own_indexes(model):
    graph = build_graph(model.content)
    before = fast.shared["indexes"]
    indexed = fast.IndexedGraph(graph)
    assert fast.shared["indexes"] == before + 1
    spo, pos = indexed.indexes()
    assert spo is graph.store.spo and pos is graph.store.pos


@pytest.fixture(scope="module")
def broken(model):
    graph = new_graph()
    graph += mutated(model.graph, BATCHES[0])
    return SimpleNamespace(content=model.content, graph=graph, locations=model.locations)


def test_a_rebuilds_check_keeps_its_pyoxigraph_copy_with_the_same_findings(model, broken):
    nodes = {PRACTICE, MEMORANDUM}
    memory = CheckMemory()
    assert check_focus(model, nodes, memory=memory) == check_focus(model, nodes)
    assert memory.counts == {"made": 1}
    kept = memory.store
    found = check_focus(broken, nodes, memory=memory)
    assert found and found == check_focus(broken, nodes)  # the edit's findings, as in full
    assert memory.counts == {"made": 1, "updated": 1} and memory.store is kept
    assert len(kept) == len(broken.graph)  # the copy holds the changed graph, no more
    assert check_focus(model, nodes, memory=memory) == check_focus(model, nodes)
    assert memory.counts == {"made": 1, "updated": 2} and len(kept) == len(model.graph)


def test_the_checks_sparql_answers_are_kept_while_no_triple_they_read_changed(model, broken):
    """The precheck's SPARQL answers from the kept copy (``check.focus.KeptAnswers``): after an edit
    whose predicate no query names (an editorial note), every one is reused; after edits of
    what the queries read (the broken batch, and back), they are made again. The findings are
    each time those of a check without memory."""
    nodes = {PRACTICE, MEMORANDUM}
    memory = CheckMemory()
    check_focus(model, nodes, memory=memory)
    made = memory.answers.counts["made"]
    assert made > 0 and memory.answers.counts["reused"] == 0
    noted = SimpleNamespace(content=model.content, graph=new_graph(), locations=model.locations)
    noted.graph += model.graph
    noted.graph.add((PRACTICE, SKOS.editorialNote, Literal("A note.", lang="en")))
    assert check_focus(noted, nodes, memory=memory) == check_focus(noted, nodes)
    assert memory.answers.counts == {"made": made, "reused": made}
    assert check_focus(broken, nodes, memory=memory) == check_focus(broken, nodes)
    assert memory.answers.counts["made"] > made
    assert focus.iris_of_patterns("SELECT * WHERE { ?s ?p ?o }") is None  # any triple: not kept
