"""The rebuild's fast paths over the whole dataset's files (``export.memory``): citations.csv
made row by row (only the rows whose reads changed made again), the VocPub documents kept
while nothing they read changed, and the index's sort keys made with the last index's natural
keys. Each is asserted to have run, and its result to equal the full computation."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from goodpractice.export import forget_index
from goodpractice.export import memory as memory_module
from goodpractice.export.description import published_triples
from goodpractice.export.files import dataset_wide_files
from goodpractice.export.index import ResourceIndex, index_for
from goodpractice.export.memory import ExportMemory
from goodpractice.export.tables import CITATIONS_HEADER, citations_csv
from goodpractice.export.vocpub import vocabularies
from goodpractice.graph import graph_order_key
from goodpractice.graph.read import read_citations
from goodpractice.pipeline.model import load_model, publish
from goodpractice.vocab import CITO, GP

from .conftest import CONTENT


@pytest.fixture
def graph():
    return publish(load_model(CONTENT)).graph


def files(graph, memory: ExportMemory | None = None) -> dict[str, bytes]:
    forget_index(graph)
    made = dict(dataset_wide_files(graph, memory))
    forget_index(graph)
    return made


def citations_as_read(graph) -> bytes:
    """citations.csv as ``read_citations`` lists the citations (the table's definition)."""
    rows = []
    for citation in read_citations(graph):
        source, citing, cited = citation.source, citation.citing, citation.cited

        def text(node, prop):
            value = graph.value(node, prop)
            return "" if value is None else str(value)

        footnote = (source, RDF.type, GP.Footnote) in graph
        rows.append([str(citing), text(citing, SKOS.notation) or text(citing, SKOS.prefLabel),
                     str(cited), text(cited, SKOS.prefLabel), citation.kind,
                     text(source, GP.ordinal) if footnote else "", citation.words,
                     str(citation.node)])  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CITATIONS_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_citations_csv_is_the_table_of_read_citations(graph):
    assert citations_csv(graph) == citations_as_read(graph)
    assert citations_csv(graph).count(b"\r\n") > 10


def test_citation_rows_are_made_again_only_where_what_they_read_changed(graph):
    memory = ExportMemory()
    memory_module.stats.reset()
    files(graph, memory)
    rows = memory_module.stats.rows_made
    assert rows > 10 and memory_module.stats.rows_reused == 0
    citations = sorted(graph.subjects(RDF.type, CITO.Citation))
    first, second = citations[0], citations[1]
    citing = graph.value(second, CITO.hasCitingEntity)
    changes = [
        # nothing a row reads: every row kept
        (lambda: graph.add((URIRef("urn:x:unrelated"), RDFS.comment, Literal("x"))), 0),
        # a citation's words: its row alone
        (lambda: graph.set((first, GP.citingWords, Literal("Other words"))), 1),
        # the citing unit moved to the front: its rows are made again, and sorted anew
        (lambda: graph.set((citing, GP.position, Literal(-1))), None),
        # a citation removed: its row goes, the others are kept
        (lambda: graph.remove((first, None, None)), 0),
    ]
    for number, (change, made) in enumerate(changes):
        change()
        memory_module.stats.reset()
        got = files(graph, memory)
        want = files(graph)
        assert got["citations.csv"] == want["citations.csv"] == citations_as_read(graph), number
        assert got == want, number
        stats = memory_module.stats
        if made is not None:
            assert stats.rows_made == made, number
        else:
            assert 0 < stats.rows_made < stats.rows_reused, number
        assert stats.rows_reused + stats.rows_made == len(
            set(graph.subjects(RDF.type, CITO.Citation))
        ), number


def test_vocpub_documents_are_kept_while_what_they_read_is_unchanged(graph):
    memory = ExportMemory()
    files(graph, memory)
    schemes = [name for name in files(graph) if name.endswith(".vocpub.ttl")]
    assert schemes
    # the dataset's statistics change with any triple: no VocPub document reads them
    graph.add((URIRef("urn:x:unrelated"), RDFS.comment, Literal("x")))
    memory_module.stats.reset()
    assert files(graph, memory) == files(graph)
    # every document and the list of vocabularies kept by its reads, none made
    assert memory_module.stats.vocpub_reused == len(schemes) + 1
    assert memory_module.stats.vocpub_made == 0
    # a concept's label changed: its vocabulary's document alone is made again
    concept = next(iter(graph.subjects(SKOS.inScheme, vocabularies(graph)[0])))
    graph.set((concept, SKOS.prefLabel, Literal("Another label", lang="en")))
    memory_module.stats.reset()
    assert files(graph, memory) == files(graph)
    assert memory_module.stats.vocpub_made == 1
    assert memory_module.stats.vocpub_reused == len(schemes)


def test_the_index_sort_keys_reuse_the_last_natural_keys(graph):
    forget_index(graph)
    ResourceIndex.naturals = {}
    first = index_for(graph)
    assert len(ResourceIndex.naturals) == len(first.triples)
    graph.set((next(iter(graph.subjects(SKOS.notation, None))), GP.position, Literal(-5)))
    forget_index(graph)
    kept = ResourceIndex.naturals
    index = index_for(graph)
    # the fast path ran: the natural keys are the last index's own objects
    text = next(iter(kept))
    assert ResourceIndex.naturals[text] is kept[text]
    # and the sort keys are those of the read model's rule
    for subject in index.triples:
        assert index.order[str(subject)] == graph_order_key(graph, subject), subject
    forget_index(graph)


def test_published_triples_add_the_description_once(graph):
    triples = published_triples(graph)
    assert len(triples) == len(set(triples))
    assert set(triples[: len(graph)]) == set(graph)
    dataset = index_for(graph).dataset
    forget_index(graph)
    counted = {p: o for s, p, o in triples if s == dataset and str(p).endswith("#triples")}
    assert [int(value) for value in counted.values()] == [len(triples)]


def test_the_description_jsonld_is_the_last_one_with_the_new_statistics(graph):
    memory = ExportMemory()
    files(graph, memory)
    memory_module.stats.reset()
    graph.add((URIRef("urn:x:unrelated"), RDFS.comment, Literal("x")))  # the counts change
    got = files(graph, memory)
    want = files(graph)
    assert memory_module.stats.description_reused == 1  # pyld did not frame it again
    for name in ("dataset-description.jsonld", "dataset-description.embedded.jsonld"):
        assert got[name] == want[name]
    assert str(len(published_triples(graph))).encode() in got["dataset-description.jsonld"]
