"""An update of the site after an edit (``goodpractice serve``) costs in proportion to the
change: the pages that list the whole corpus reuse what the last render made where the edit
does not reach it (``site/pages/carry.py``), and what they reuse is what a full computation
gives; the site stays byte for byte a clean build's (``test_incremental``)."""

from __future__ import annotations

import pickle
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from goodpractice import pipeline
from goodpractice.graph.read import ReadModel
from goodpractice.queries import predicates, queries
from goodpractice.site.pages import Site
from goodpractice.site.pages.indexes import citation_counts
from goodpractice.site.pages.queries import answered

from . import synthetic
from .test_incremental import assert_same_as_clean_build, citation_added

FOOTNOTES = "memoranda/synthetic-0002/footnotes.yaml"


def note_added(content: Path, note: str) -> None:
    """An editorial note on footnote 1 of the second memorandum (no query reads it)."""
    path = content / FOOTNOTES
    text = re.sub(r'  editorial_notes: \["x\d+"\]\n', "", path.read_text(encoding="utf-8"))
    assert "- number: 1\n" in text
    text = text.replace("- number: 1\n", f'- number: 1\n  editorial_notes: ["{note}"]\n', 1)
    path.write_text(text, encoding="utf-8")


def answers(rows_of) -> list:
    return [(q.name, text, names, [[str(v) for v in row] for row in rows])
            for q, text, names, rows in rows_of]  # fmt: skip


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A corpus built, then a note edited (nothing a query reads), then a citation added."""
    root = tmp_path_factory.mktemp("cost")
    content = synthetic.write_corpus(root / "content", memoranda=2)
    out, site = root / "build", root / "site"
    rebuild = pipeline.Rebuilder(content, out, None, site)
    first = rebuild()
    steps = []
    for number, make_edit in enumerate((lambda c: note_added(c, "x1"), citation_added), 1):
        make_edit(content)
        built = rebuild()
        assert built.site_written is not None, "the site was built again"
        assert_same_as_clean_build(content, out, site, root / f"clean-{number}")
        steps.append((built, root / f"clean-{number}"))
    rebuild.close()
    return first, steps


def test_the_files_index_reuses_the_labels_and_items_the_edit_does_not_reach(rebuilt):
    first, [(noted, clean), _cited] = rebuilt
    assert first.site_memory.carried["stats"]["files-index items reused"] == 0
    stats, kept = noted.site_memory.carried["stats"], noted.site_memory.carried
    labels = kept["full-labels"]
    assert stats["full-labels reused"] > 0 and stats["full-labels made"] > 0
    assert stats["full-labels reused"] + stats["full-labels made"] == len(labels)
    assert stats["files-index items reused"] > len(labels) / 2
    # the labels kept are the labels of the graph the clean build published
    graph = Graph().parse(clean / "build/dataset.nt", format="nt")
    read = ReadModel(graph)
    assert {node: label for node, (_scheme, label) in labels.items()} == {
        node: read.full_label(node) for node in labels
    }


def test_the_documents_index_counts_citations_without_making_each_one(rebuilt):
    _first, [(noted, clean), _cited] = rebuilt
    assert noted.site_memory.carried["stats"]["citation counts from the index"] == 1
    graph = Graph().parse(clean / "build/dataset.nt", format="nt")
    site = Site(ReadModel(graph), {})
    counts = citation_counts(site)
    assert "citations" not in site.read.__dict__  # the whole pass was not made
    assert counts == Counter(c.cited for c in site.read.citations)
    assert sum(counts.values()) == len(site.read.citations) > 0


def test_the_queries_are_answered_again_only_when_a_triple_they_read_changed(rebuilt):
    _first, [(noted, noted_clean), (cited, cited_clean)] = rebuilt
    noted_stats, cited_stats = (
        noted.site_memory.carried["stats"],
        cited.site_memory.carried["stats"],
    )
    assert (noted_stats["queries reused"], noted_stats["queries answered"]) == (1, 0)
    assert (cited_stats["queries reused"], cited_stats["queries answered"]) == (0, 1)
    for built, clean in ((noted, noted_clean), (cited, cited_clean)):
        kept = built.site_memory.carried["queries"]
        fresh = answered(clean / "build/dataset.nt", synthetic_base(clean), kept["graph"])
        assert answers(kept["answers"]) == answers(fresh)


def synthetic_base(clean: Path) -> str:
    return ReadModel(Graph().parse(clean / "build/dataset.nt", format="nt")).base


def test_what_the_pages_keep_stays_out_of_the_pickled_state(rebuilt):
    _first, [(noted, _clean), _cited] = rebuilt
    assert noted.site_memory.carried["queries"]["answers"]
    again = pickle.loads(pickle.dumps(noted.site_memory))
    assert again.carried is None
    assert again.fingerprints == noted.site_memory.fingerprints


def test_the_predicates_a_query_reads_are_its_patterns_predicates():
    names = {q.name: q.predicates() for q in queries()}
    assert names["footnotes-of-gp10"] == {
        "https://w3id.org/gctf-good-practices/def#hasFootnote",
        "https://w3id.org/gctf-good-practices/def#ordinal",
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        "http://purl.org/spar/cito/hasCitationCharacterization",
        "http://purl.org/spar/cito/hasCitedEntity",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    }
    assert "http://purl.org/dc/terms/isPartOf" in names["citations-between-memoranda"]
    text = "PREFIX x: <http://x/>\nBASE <http://b/>\nSELECT * WHERE {{ {} }}"
    assert predicates(text.format("?s a ?t ; x:p ?o , ?v . ?o <q> ?w")) == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://x/p", "http://b/q"
    }  # fmt: skip
    unfollowed = ("<s> ?p ?o", "?s x:p/x:q ?o", "?s x:p [ ?q ?o ]", "?s ^x:p ?o",
                  "?s x:p ?o FILTER NOT EXISTS { ?o x:q ?w }",
                  "?s x:p ?o FILTER (EXISTS { ?o x:q ?w })")  # fmt: skip
    for pattern in unfollowed:
        assert predicates(text.format(pattern)) is None, pattern


def test_the_kinds_and_first_citations_are_kept_where_the_edit_does_not_reach(rebuilt):
    _first, [(noted, clean), (cited, cited_clean)] = rebuilt
    for built, folder in ((noted, clean), (cited, cited_clean)):
        kept, stats = built.site_memory.carried, built.site_memory.carried["stats"]
        assert stats["kinds reused"] > 0 and stats["kinds made"] > 0
        # the added citation cites a document the first memorandum's citations cite too:
        # their pages are among those made again, and the first citations are made again
        expected = (1, 0) if built is noted else (0, 1)
        assert (stats["first citations kept"], stats["first citations made"]) == expected
        read = ReadModel(Graph().parse(folder / "build/dataset.nt", format="nt"))
        assert {node: kind for node, (_scheme, kind) in kept["kinds"].items()} == {
            node: read.kind(node) for node in kept["kinds"]
        }
        first: dict = {}
        for c in read.citations:
            first.setdefault(c.kind, c)
        assert {kind: c for kind, (_key, c) in kept["first-citations"].items()} == first
