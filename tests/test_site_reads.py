"""The site's reads made cheaper, with the same answers: the read model answering from plain
dictionaries (``export.index.GraphView``) and each node's triples read once; the citations of
one node looked up without the whole graph's; a memorandum's citing units from its own units;
the indexes' rendering reused by the next site; the resources gathered from distinct nodes.
Each fast path is asserted to have run, and to give what the slow one gives."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import URIRef

from goodpractice import export
from goodpractice.export.index import GraphView
from goodpractice.graph.read import CITATION_LOOKUPS, ReadModel, read_citations
from goodpractice.site.pages import Site, resources_of
from goodpractice.site.pages.views import citing_units


@pytest.fixture(scope="module")
def published(model):
    graph = export.published_graph(model.graph)
    return graph, list(graph)


@pytest.fixture(scope="module")
def exports(model):
    return export.dataset_files(model.graph)


def nodes_of(graph) -> list:
    return sorted({n for triple in graph for n in triple if isinstance(n, URIRef)}, key=str)


def answers(read: ReadModel, node) -> tuple:
    return (read.kind(node), read.label(node), read.full_label(node), read.order_key(node),
            read.types(node), read.retired(node), read.memorandum_of(node),
            read.citations_from(node), read.citations_to(node), read.citations_in(node))  # fmt: skip


def test_the_view_gives_the_graphs_answers(published):
    graph, triples = published
    plain = ReadModel(graph)
    fast = ReadModel(graph)
    fast.use_view(GraphView(graph, triples, {}))
    nodes = nodes_of(graph)
    assert len(nodes) > 200
    for node in nodes:
        assert answers(fast, node) == answers(plain, node), node
    assert fast.memoranda == plain.memoranda and fast.cited_practices == plain.cited_practices
    # the fast path ran: each node's triples read once, from the view's dictionaries
    assert isinstance(fast.view, GraphView) and plain.view is graph
    assert len(fast._properties) >= len(nodes)


def test_the_citations_of_a_few_nodes_need_not_the_whole_graphs(published):
    graph, _ = published
    table = read_citations(graph)
    by_cited = defaultdict(list)
    for citation in table:
        by_cited[citation.cited].append(citation)
    assert len(by_cited) > 5
    read = ReadModel(graph)
    few = sorted(by_cited, key=str)[:5]
    for node in few:
        assert read.citations_to(node) == by_cited[node]
    # looked up one by one: the whole table was not made
    assert read.citation_lookups == len(few)
    assert "citations" not in read.__dict__
    assert read.citations == table


def test_past_so_many_lookups_the_tables_are_made(published):
    graph, _ = published
    read = ReadModel(graph)
    nodes = nodes_of(graph)
    assert len(nodes) > CITATION_LOOKUPS
    whole = ReadModel(graph)
    for node in nodes:
        assert read.citations_to(node) == whole._citations_by["cited"].get(node, [])
    assert read.citation_lookups == CITATION_LOOKUPS


def test_a_memorandums_citing_units_are_those_of_every_citation(published, exports):
    graph, triples = published
    site = Site(ReadModel(graph), exports, triples)
    read = site.read
    expected = defaultdict(set)
    for citation in read_citations(graph):
        expected[read.memorandum_of(citation.citing)].add(citation.citing)
    assert read.memoranda
    for memo in read.memoranda:
        assert set(citing_units(site, memo)) == expected[memo]
        assert expected[memo]
    assert set(site.citing_units) == set(read.memoranda)  # asked memorandum by memorandum


def test_resources_from_distinct_nodes(published, exports):
    graph, triples = published
    base = ReadModel(graph).base
    expected = sorted(
        {URIRef(str(n).split("#", 1)[0]) for t in triples for n in t
         if isinstance(n, URIRef) and str(n).startswith(base)
         and str(n).split("#", 1)[0] != base
         and str(n).split("#", 1)[0].removeprefix(base) not in exports},
        key=str,
    )  # fmt: skip
    assert resources_of(triples, base, exports) == expected
    assert resources_of(graph, base, exports) == expected
    assert len(expected) > 100


def test_the_next_site_reuses_the_indexes_rendering(published, exports):
    graph, triples = published
    Site.last_indexes = {}
    first = Site(ReadModel(graph), exports, triples)
    first.render()
    assert first.reused == 0
    assert isinstance(first.read.view, GraphView)  # the site's read model answers from dicts
    second = Site(ReadModel(graph), exports, triples)
    second.render()
    indexes = len(first.indexes)
    assert indexes >= 3  # memoranda, documents, organisations, the files index
    assert second.reused == indexes
    made = [(p.source, p.html, p.toc, p.title) for p in first.pages]
    assert [(p.source, p.html, p.toc, p.title) for p in second.pages] == made
    # without the reuse: the same pages
    Site.last_indexes = {}
    third = Site(ReadModel(graph), exports)
    third.render()
    assert third.reused == 0
    assert [(p.source, p.html, p.toc, p.title) for p in third.pages] == made


def test_the_data_model_page_is_made_once_per_ontology(published, exports):
    from goodpractice.site.pages import model

    graph, triples = published
    pages = []
    for _ in range(2):
        site = Site(ReadModel(graph), exports, triples)
        before = model.made_of.cache_info()
        model.model(site)
        after = model.made_of.cache_info()
        pages.append((site.pages[-1].html, site.files["def.nt"], site.files["def.jsonld"]))
    # the second site took the first one's terms, shapes and files
    assert after.hits == before.hits + 1 and after.misses == before.misses
    assert pages[0] == pages[1]
    assert b"<https://w3id.org/gctf-good-practices/def#" in pages[0][1]
