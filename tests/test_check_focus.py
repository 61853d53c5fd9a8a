"""``check_focus``: the shapes run on some resources only gives exactly the full check's results
on those resources, plus every result of the whole-graph shapes (those with a SPARQL
constraint), on the real memorandum broken in many ways (the first batch of the shape cases)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pyshacl
import pytest
from rdflib import URIRef
from rdflib.namespace import SH

from goodpractice.check import (
    ShapesRun,
    check_focus,
    findings_from_report,
    focus_report,
    run_shapes,
    shapes_graph,
    whole_graph_shapes,
)

from .conftest import BASE
from .shape_cases import BATCHES, mutated

# Broken by the first batch: a practice (core shapes), a memorandum (a whole-graph shape's focus)
BROKEN_PRACTICE = URIRef(BASE + "rabat-washington/gp5")
MEMORANDUM = URIRef(BASE + "rabat-washington")
ELSEWHERE = URIRef(BASE + "nowhere/cited")  # a dangling link the batch adds: not asked for


@pytest.fixture(scope="module")
def broken(model):
    return SimpleNamespace(
        content=model.content, graph=mutated(model.graph, BATCHES[0]), locations=model.locations
    )


@pytest.fixture(scope="module")
def full(broken):
    return run_shapes(broken.graph, processes=1)


def results(report) -> set[tuple]:
    """Each top-level result as (focus node, path, value, message)."""
    found = set()
    for result in report.objects(None, SH.result):
        path = report.value(result, SH.resultPath)
        found.add(
            (
                report.value(result, SH.focusNode),
                path if isinstance(path, URIRef) else None,
                report.value(result, SH.value),
                str(report.value(result, SH.resultMessage)),
            )
        )
    return found


@pytest.fixture(scope="module")
def whole(broken):
    """The results of the whole-graph shapes, by plain pySHACL."""
    _conforms, report, _text = pyshacl.validate(
        broken.graph,
        shacl_graph=shapes_graph(fast_paths=False),
        inference="none",
        use_shapes=sorted(whole_graph_shapes()),
    )
    return results(report)


def test_the_focused_check_gives_exactly_the_full_checks_results_on_its_nodes(broken, full, whole):
    every = results(full)
    asked = {BROKEN_PRACTICE, MEMORANDUM, URIRef(BASE + "rabat-washington/gp1")}
    assert whole and whole <= every
    expected = {r for r in every if r[0] in asked} | whole
    run = ShapesRun()
    assert results(focus_report(broken.graph, asked, run)) == expected
    assert run.prechecked > 0  # the nodes found to conform were left out of pySHACL's run
    # the batch breaks the nodes asked for, and others, which are not reported
    assert any(r[0] == BROKEN_PRACTICE for r in expected)
    assert any(r[0] == ELSEWHERE for r in every) and all(r[0] != ELSEWHERE for r in expected)


def test_a_node_outside_the_focus_is_not_reported(broken, full, whole):
    outside = [r for r in results(full) if r[0] == ELSEWHERE]
    assert outside and outside[0][3].startswith("A resource is cited (cito:cites) but not")
    assert results(focus_report(broken.graph, {ELSEWHERE})) == set(outside) | whole
    assert results(focus_report(broken.graph, set())) == whole


def test_check_focus_gives_the_full_checks_findings_on_its_nodes(broken, full):
    """As findings (``validate``'s form): the practice's, no others but the whole-graph ones."""
    practice = "rabat-washington/gp5"
    every = set(findings_from_report(full, broken))
    focused = check_focus(broken, {BROKEN_PRACTICE})
    assert set(focused) <= every
    assert {f for f in every if f.resource == practice} <= set(focused)
    assert not any(f.resource == "nowhere/cited" for f in focused)
    none = check_focus(broken, set())  # the whole-graph shapes' findings alone
    assert set(focused) - set(none) == {f for f in every if f.resource == practice} - set(none)


def test_a_minimum_that_cannot_be_compared_leaves_the_node_to_pyshacl():
    """The precheck passes a value as at least sh:minInclusive only when it can compare them.
    A dateTime against a date makes pySHACL's own comparison raise TypeError: the precheck
    then leaves the node to pySHACL (it does not pass it), and pySHACL reports it."""
    from pyshacl.rdfutil.compare import compare_literal
    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    from goodpractice.check import fast
    from goodpractice.check.precheck import Precheck, at_least

    day = Literal("2018-01-01", datatype=XSD.date)
    assert at_least(Literal("2018-01-02", datatype=XSD.date), day) is True
    assert at_least(Literal("2017-12-31", datatype=XSD.date), day) is False
    moment = Literal("2018-01-02T00:00:00", datatype=XSD.dateTime)  # a day later, as dateTime
    with pytest.raises(TypeError, match="can't compare datetime.datetime to datetime.date"):
        compare_literal(moment, day)
    assert at_least(moment, day) is False  # not compared, so not vouched for

    data_dir = Path(__file__).parent / "data"
    shapes = Graph().parse(data_dir / "min-date-shape.ttl")
    data = Graph().parse(data_dir / "min-date-data.ttl")
    late, fine = URIRef("http://example.org/late"), URIRef("http://example.org/fine")
    shape = URIRef("http://example.org/IssuedShape")
    # the date passes the precheck; the dateTime is left to pySHACL
    assert Precheck(shapes, fast.IndexedGraph(data)).doubtful(shape, [late, fine]) == {late}
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert {r[0] for r in results(report)} == {late}  # pySHACL reports the dateTime
    assert set(report.objects(None, SH.sourceConstraintComponent)) == {
        SH.MinInclusiveConstraintComponent
    }


def test_every_pair_of_literal_kinds_is_compared_or_left_to_pyshacl():
    """On each pair of literal kinds (tests/data/literal-kinds.ttl), the precheck's minimum rule
    either answers as pySHACL's comparison does, or, where that comparison raises TypeError (the
    one error it raises: pySHACL also catches NotImplementedError there, which none raises),
    answers False, leaving the node to pySHACL."""
    import itertools
    import logging

    from pyshacl.rdfutil.compare import compare_literal
    from rdflib import Graph, Literal

    from goodpractice.check.precheck import at_least

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the ill-typed values' warnings
    graph = Graph().parse(Path(__file__).parent / "data" / "literal-kinds.ttl")
    values = sorted(graph.objects(), key=lambda v: (str(v.datatype), str(v)))
    assert len(values) == 20 and all(isinstance(v, Literal) for v in values)
    incomparable = 0
    for value, minimum in itertools.product(values, values):
        try:
            expected = not isinstance(value.value, str) and compare_literal(value, minimum) >= 0
        except TypeError:
            expected, incomparable = False, incomparable + 1
        assert at_least(value, minimum) is expected, (value, minimum)
    assert incomparable > 0  # the except branch was taken
