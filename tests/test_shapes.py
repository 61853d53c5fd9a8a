"""The published shapes, run as an outside user would: pySHACL on build/ output and shapes.ttl.

The cases are data: tests/cases/shapes/*.yaml (format: tests/shape_cases.py). Each breaks the
exported graph in one small way (SPARQL updates) and lists the exact results the shapes alone
must give: severity, focus node, path and message. Every constraint of the shapes (each shape or
SPARQL constraint that carries a sh:message) is violated by at least one case. Each case is
validated alone, and the cases of a batch (touching different resources) are applied together
to one copy of the graph and validated once: a batch's results are exactly the union of its
cases' results.
"""

from __future__ import annotations

import os
import re

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from .conftest import BASE, CONTENT
from .shape_cases import (
    ALL,
    BATCHES,
    EXPECTED,
    PREFIXES,
    build,
    mutated,
    run_shapes,
    shapes_run,
    update,
)

MEMO = "rabat-washington"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("shapes") / "build"
    build(CONTENT, out)
    return out


@pytest.fixture(scope="module")
def shapes(built):
    return Graph().parse(built / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def published(built):
    return Graph().parse(built / "dataset.ttl", format="turtle")


def run(
    data: Graph, shapes: Graph, report: Graph | None = None
) -> tuple[set[tuple[str, str, str, str]], set]:
    """The results of pySHACL on ``data`` as (severity, focus key, path, message), and the
    shapes or SPARQL constraints whose message they carry (those of ``report``, if given)."""
    if report is None:
        _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    found, fired = set(), set()
    for result in report.objects(None, SH.result):  # top-level results, not their sh:detail
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        messages = list(report.objects(result, SH.resultMessage))
        assert len(messages) == 1, messages  # each result names one problem
        found.add(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
                str(focus).removeprefix(BASE) if isinstance(focus, URIRef) else "_:blank",
                path_text(report, path) if path is not None else "",
                str(report.value(result, SH.resultMessage)).replace(BASE, ""),
            )
        )
        constraint = report.value(result, SH.sourceConstraint)
        if constraint is not None and shapes.value(constraint, SH.message) is not None:
            fired.add(constraint)
        else:
            fired.add(report.value(result, SH.sourceShape))
    return found, fired


def path_text(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return graph.namespace_manager.normalizeUri(path)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + path_text(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "|".join(path_text(graph, p) for p in Collection(graph, alternatives))
    return "/".join(path_text(graph, p) for p in Collection(graph, path))


@pytest.fixture(scope="module")
def batch_runs(published, shapes):
    """Each batch of cases applied to its own copy of the published graph, validated once."""
    return [run(mutated(published, names), shapes) for names in BATCHES]


def message_bearing(shapes: Graph) -> set:
    """Every constraint that names what is wrong: each node with a sh:message."""
    return set(shapes.subjects(SH.message, None))


# --------------------------------------------------------------------------------------------
# The shapes themselves


def test_the_published_data_conforms_with_no_warnings(published, shapes):
    conforms, _report, text = pyshacl.validate(published, shacl_graph=shapes, inference="none")
    assert run(published, shapes)[0] == set()
    assert conforms, text


def test_build_publishes_the_shapes(built):
    assert (built / "shapes.ttl").read_bytes() == (
        CONTENT.parent / "ontology/shapes.ttl"
    ).read_bytes()


CONSTRAINT_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH.languageIn,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.minLength,
    SH.node,
    SH["or"],
    SH["not"],
    SH.sparql,
}


def test_every_constraint_has_its_own_message(shapes):
    """A shape that states a constraint states exactly one and says what is wrong with it, so
    each problem is reported with the message that names it. SPARQL constraints carry their own
    message; the class alternatives inside an sh:or or sh:not are reported through their shape."""
    nested = {
        member
        for logical in (SH["or"], SH["not"])
        for lst in shapes.objects(None, logical)
        for member in ([lst] if shapes.value(lst, RDF.first) is None else Collection(shapes, lst))
    }
    problems = []
    for shape in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.NodeShape)):
        if shape in nested:
            continue
        stated = {p for p in shapes.predicates(shape, None) if p in CONSTRAINT_PARAMETERS}
        stated -= {SH.sparql}
        if stated and shapes.value(shape, SH.message) is None:
            problems.append((shape, "no message"))
        if len(stated) > 1:
            problems.append((shape, sorted(map(str, stated))))
    assert problems == []
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None


def test_every_message_is_english_text(shapes):
    for message in shapes.objects(None, SH.message):
        assert isinstance(message, Literal) and message.language == "en"
        # a sentence, or one that starts with the property it is about
        assert re.match(r"[A-Z{]|[a-z]+:[a-zA-Z]+ ", message), message


def test_the_shapes_target_kinds_not_our_resources(shapes):
    assert list(shapes.objects(None, SH.targetNode)) == []
    for node in shapes.all_nodes():
        assert not str(node).startswith(BASE + MEMO), node


# --------------------------------------------------------------------------------------------
# Mutations of the exported graph


def test_the_case_files_hold_every_case_once_in_numbered_batches():
    """Names are unique across the files (shape_cases.load insists), every case lists at least
    one result, and the batches are numbered 1, 2, … without a gap."""
    assert len(ALL) == len(EXPECTED) == sum(map(len, BATCHES))
    assert all(case.updates and case.expected for case in ALL)
    assert sorted({case.batch for case in ALL}) == list(range(1, len(BATCHES) + 1))


@pytest.mark.parametrize("case", ALL, ids=lambda case: case.name)
def test_each_case_alone_gives_exactly_its_results(case, published, shapes):
    """Each case on its own copy of the graph, through goodpractice's validation (which gives
    exactly plain pySHACL's results: the batch tests below): no more, no fewer results."""
    data = mutated(published, [case.name])
    assert sorted(run(data, shapes, run_shapes(data, processes=1))[0]) == sorted(case.expected)


@pytest.mark.parametrize("batch", range(len(BATCHES)))
def test_the_shapes_reject_each_broken_graph(batch, batch_runs):
    found, _fired = batch_runs[batch]
    expected = {result for name in BATCHES[batch] for result in EXPECTED[name]}
    assert sorted(found - expected) == []  # results no case of the batch expects
    missing = {name: sorted(set(EXPECTED[name]) - found) for name in BATCHES[batch]}
    assert {name: results for name, results in missing.items() if results} == {}


def test_each_case_alone_is_rejected_as_listed_by_plain_pyshacl(published, shapes):
    """A sample of single cases validated alone by plain pySHACL."""
    for name in ("the symbol of another resolution", "a concept that is also a scheme"):
        assert sorted(run(mutated(published, [name]), shapes)[0]) == sorted(EXPECTED[name])


@pytest.mark.parametrize("processes", [1, 2])
def test_goodpractice_validate_gives_what_plain_pyshacl_gives(
    published, shapes, batch_runs, processes
):
    """``goodpractice validate`` runs the same shapes faster (indexed reads, SPARQL constraints
    answered by pyoxigraph, on a large graph the shapes shared between two processes): on
    every batch of broken graphs its results are exactly plain pySHACL's, and two processes
    did run when two were asked for."""
    for names, expected in zip(BATCHES, batch_runs, strict=True):
        data = mutated(published, names)
        ran = shapes_run()
        report = run_shapes(data, processes=processes, run=ran)
        assert len(ran.processes) == processes
        assert (os.getpid() in ran.processes) is (processes == 1)
        assert run(data, shapes, report)[0] == expected[0], names


def test_goodpractice_validate_agrees_where_pyoxigraph_would_rewrite_a_literal(published, shapes):
    """pyoxigraph stores "1.0"^^xsd:decimal as "1": with such a literal in the data, the SPARQL
    constraints are left to rdflib, and the results are still plain pySHACL's."""
    data = Graph()
    data += published
    data.update(PREFIXES + update({"replace": f'<{MEMO}/gp1> gp:ordinal "1.0"^^xsd:decimal'}))
    expected = run(data, shapes)[0]
    assert any("GP followed by its number" in message for *_rest, message in expected)
    assert run(data, shapes, run_shapes(data, processes=1))[0] == expected


def test_every_constraint_is_violated_by_some_case(shapes, batch_runs):
    fired = set().union(*(f for _found, f in batch_runs))
    never = message_bearing(shapes) - fired
    described = sorted(
        f"{next(shapes.subjects(SH.property, n), n)}: {shapes.value(n, SH.message)}" for n in never
    )
    assert described == []


def test_a_blank_concept_is_reported_as_a_blank_node(published, shapes):
    data = Graph()
    data += published
    data.add((BNode(), RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    assert (
        "Violation",
        "_:blank",
        "",
        "A concept must have an IRI, not be a blank node.",
    ) in run(data, shapes)[0]
