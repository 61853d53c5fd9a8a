"""The shapes run on some resources only, for incremental builds: ``check_focus``.

``check_focus(model, nodes)`` gives exactly the findings of the full check (``validate``, less
the fidelity and release-record problems) whose SHACL focus node is one of ``nodes``, plus
every finding of the whole-graph shapes (``whole_graph_shapes``), whatever their focus node.

Whole-graph shapes are those with a SPARQL constraint: their focus node is a scheme, a
memorandum, a glossary, a resolution, a concept with related concepts or a change set, but the
query reads resources all over the graph (every practice, section and footnote of a
memorandum for its numbering and what its practices need; every resolution for a symbol's
uniqueness; the closure of skos:broader; every resource a release listed), so a change
anywhere can add or remove one of their findings. They are always run on all their focus
nodes. Every other shape is core SHACL: a focus node's results read only its own values along
the shape's paths (which may be inverse: the resources linking to it) and the rdf:type of
those values, so a caller that puts in ``nodes`` every resource whose triples changed, with
the resources on either side of those triples, gets every finding that can have changed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rdflib import Graph
from rdflib.namespace import SH

from .fidelity import fidelity_problems
from .precheck import Precheck
from .report import VIOLATION, CheckedModel, Finding, finding_order, findings_from_report
from .shacl import ShapesRun, run_shapes, shapes_graph


@functools.cache
def whole_graph_shapes() -> frozenset:
    """The top-level shapes with a SPARQL constraint, their own or a property shape's."""
    shapes = shapes_graph()
    found = set()
    for holder in shapes.subjects(SH.sparql, None):
        found |= set(shapes.subjects(SH.property, holder)) or {holder}
    return frozenset(found)


def focus_report(data: Graph, nodes: Iterable, run: ShapesRun | None = None) -> Graph:
    """pySHACL's report for ``data``, of the results whose focus node is one of ``nodes``,
    and of every result of the whole-graph shapes."""
    wanted = set(nodes)
    whole = whole_graph_shapes()

    def focus_filter(precheck: Precheck):
        def keep(shape, focus_nodes):
            return precheck.doubtful(shape, focus_nodes, None if shape in whole else wanted)

        return keep

    return run_shapes(data, processes=1, run=run, focus_filter=focus_filter)


def check_focus(
    model: CheckedModel, nodes: Iterable, run: ShapesRun | None = None
) -> list[Finding]:
    """The findings of the shapes whose focus node is one of ``nodes``, and every finding of
    the whole-graph shapes, sorted as ``validate`` sorts them."""
    report = focus_report(model.graph, nodes, run)
    return sorted(set(findings_from_report(report, model)), key=finding_order)


class FocusedCheck:
    """The check of a rebuild, with ``BackgroundCheck``'s interface: the shapes on the nodes
    an edit can affect (``check_focus``), fidelity of the memoranda it changed, the release
    rules in full; run here and at once (a rebuild's check is small)."""

    forked = False

    def __init__(self, model: CheckedModel, nodes: Iterable, memoranda: set[str] | None = None):
        """``memoranda``: the keys of those whose text or source changed (the others passed
        the fidelity check in the last build); None: all."""
        findings = check_focus(model, nodes)
        problems = [*fidelity_problems(model, memoranda), *getattr(model, "release_problems", ())]
        findings += [Finding(VIOLATION, p.location, None, None, p.message) for p in problems]
        ordered = sorted(set(findings), key=finding_order)
        self._violations = [finding for finding in ordered if finding.severity == VIOLATION]

    def done(self) -> bool:
        return True

    def violations(self) -> list[Finding]:
        return self._violations

    def close(self) -> None:
        pass
