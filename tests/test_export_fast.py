"""The export's fast paths give the bytes of the general ones, and they ran: each subject's
N-Triples and Turtle made once and joined per document (``export.blocks``), the tables and
VocPub documents read from the index (``GraphView``), the JSON-LD tidied as it is written; and
one resource's files, made alone, are the bytes the whole build writes for it."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from goodpractice import export
from goodpractice.export import blocks as blocks_module
from goodpractice.export import tables, vocpub
from goodpractice.export.blocks import Blocks
from goodpractice.export.direct import direct_writer
from goodpractice.export.files import dataset_wide_files, resource_files
from goodpractice.export.index import GraphView, graph_view, index_for
from goodpractice.export.jsonld import tidy
from goodpractice.export.rdf import fast_turtle, ntriples
from goodpractice.iris import CONTEXT_IRI, resource_path
from goodpractice.pipeline.model import load_model, publish
from goodpractice.vocab import GP

from .conftest import BASE, CONTENT


@pytest.fixture(scope="module")
def graph():
    return publish(load_model(CONTENT)).graph


@pytest.fixture(scope="module")
def whole(graph):
    """The full pass, with the count of Turtle documents joined from blocks."""
    export.forget_index(graph)
    blocks_module.stats.reset()
    files = export.dataset_files(graph)
    return files, blocks_module.stats.joined, blocks_module.stats.serialised


def test_each_resource_made_alone_is_what_the_full_pass_writes(graph, whole):
    files, _joined, _serialised = whole
    index = index_for(graph)
    resources = index.resources(index.base)
    assert len(resources) > 100
    made = {}
    for node in resources:
        for name, data in resource_files(index, node):
            made[name] = data
    assert made == {name: files[name] for name in made}
    wide = dict(dataset_wide_files(graph))
    assert set(made) | set(wide) == set(files)  # the two functions make every file
    assert set(made).isdisjoint(wide)


def test_joined_documents_are_what_serialising_each_alone_gives(graph, whole):
    files, joined, serialised = whole
    index = index_for(graph)
    assert joined > 100 and serialised <= 3  # the fast path ran; pyoxigraph for the wholes
    assert files["dataset.nt"] == ntriples(index.all)
    assert files["dataset.ttl"] == fast_turtle(index.all)
    for node in index.resources(index.base):
        path = resource_path(str(node), index.base)
        if node in index.datasets:
            continue  # a release: its document is the description's triples
        nt = ntriples(index.member_triples(node))
        assert files[f"{path}.nt"] == nt, path
        assert files[f"{path}.ttl"] == fast_turtle(None, nt=nt), path


def test_blocks_join_to_the_bytes_of_any_subset_with_awkward_terms():
    """Literals that hold " .\\n", quotes and newlines, blank nodes, IRIs one of which begins
    another (gp1, gp10, gp1#x), namespaces of several prefixes: any set of subjects, joined from
    the blocks, is what pyoxigraph writes for their triples."""
    gp1, gp10 = URIRef(BASE + "m/gp1"), URIRef(BASE + "m/gp10")
    hashed, blank = URIRef(BASE + "m/gp1#citation-1"), BNode("b1")
    triples = [
        (gp1, RDF.type, GP.GoodPractice),
        (gp1, SKOS.prefLabel, Literal('ends " .\n with a newline', lang="en")),
        (gp1, SKOS.prefLabel, Literal("second . \\ back", lang="en")),
        (gp1, GP.ordinal, Literal(1)),
        (gp1, SKOS.related, blank),
        (gp10, SKOS.notation, Literal("10")),
        (gp10, GP.position, Literal("3", datatype=XSD.integer)),
        (hashed, SKOS.note, Literal("line one\r\nline two .")),
        (blank, SKOS.note, Literal("a blank node")),
        (blank, SKOS.related, gp10),
    ]
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple[0], []).append(triple)
    blocks = Blocks(by_subject)
    blocks_module.stats.reset()
    nt, turtle = blocks.whole()
    assert (nt, turtle) == (ntriples(triples), fast_turtle(triples))
    assert blocks.turtle is not None  # split into blocks
    subjects = list(by_subject)
    for size in range(1, len(subjects) + 1):
        for start in range(len(subjects)):
            chosen = (subjects * 2)[start : start + size]
            wanted = [t for t in triples if t[0] in chosen]
            assert blocks.documents(chosen) == (ntriples(wanted), fast_turtle(wanted))
    extra = [*by_subject[gp1], (gp10, SKOS.notation, Literal("another"))]
    assert blocks.triples_documents(extra) == (ntriples(extra), fast_turtle(extra))
    assert blocks_module.stats.joined > 10


def test_tables_and_vocpub_read_from_the_index_give_what_the_graph_gives(graph, monkeypatch):
    view = graph_view(graph)
    assert isinstance(view, GraphView)  # the fast path
    fast = (tables.practices_csv(graph), tables.citations_csv(graph), dict(
        vocpub.iter_vocpub_files(graph)))  # fmt: skip
    monkeypatch.setattr(tables, "graph_view", lambda g: g)
    monkeypatch.setattr(vocpub, "graph_view", lambda g: g)
    general = (tables.practices_csv(graph), tables.citations_csv(graph), {
        vocpub.vocpub_path(s, BASE): fast_turtle(vocpub.vocpub_triples(graph, s))
        for s in vocpub.vocabularies(graph)})  # fmt: skip
    assert fast == general
    assert len(fast[2]) >= 2


def test_the_view_answers_as_the_graph_does(graph):
    view = graph_view(graph)
    subjects = sorted(set(graph.subjects()))[:300]
    for subject in subjects:
        for predicate in set(graph.predicates(subject)):
            assert view.value(subject, predicate) == graph.value(subject, predicate)
            assert sorted(view.objects(subject, predicate)) == sorted(
                graph.objects(subject, predicate)
            )
        assert sorted(view.triples((subject, None, None))) == sorted(
            graph.triples((subject, None, None))
        )
    for kind in (GP.GoodPractice, GP.Footnote):
        assert sorted(view.subjects(RDF.type, kind)) == sorted(graph.subjects(RDF.type, kind))


def test_documents_tidied_as_written_are_what_tidy_gives(graph):
    index = index_for(graph)
    writer = direct_writer()
    flat = [writer.flat(index, node) for node in index.triples]
    document = export.dataset_document(graph)
    assert document == tidy({"@context": CONTEXT_IRI, "@graph": flat}, index.order)
    assert list(document) == ["@context", "@graph"]
    for node in index.resources(index.base)[:50]:
        nested = writer.nest(index, node, set())
        untidy = {"@context": CONTEXT_IRI, **nested}
        written = export.resource_document(graph, str(node))
        assert written == tidy(untidy, index.order)
        assert list(written) == list(tidy(untidy, index.order))  # key order too
