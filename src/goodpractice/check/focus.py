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
from collections import Counter
from collections.abc import Iterable

import pyoxigraph
from rdflib import Graph
from rdflib.namespace import SH

from . import fast
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


class CheckMemory:
    """What a rebuild's check keeps for the next one (``pipeline.incremental.Reuse`` holds it):
    the pyoxigraph copy of the graph that answers the SPARQL constraints, changed by the
    triples added and removed since, instead of made again from the whole graph."""

    def __init__(self):
        self.store: pyoxigraph.Store | None = None
        self.triples: set = set()  # what the store holds
        self.counts: Counter = Counter()  # "made", "updated": how each store was had

    def store_for(self, graph) -> pyoxigraph.Store | None:
        """The copy of ``graph``; None where pyoxigraph would not hold its literals as they
        are written (rdflib answers then, as in a full check)."""
        now = set(graph)
        try:
            if self.store is None:
                if not fast.can_copy({o for _s, _p, o in now}):
                    return None
                store = pyoxigraph.Store()
                store.bulk_extend(fast.oxigraph_quads(now))
                self.counts["made"] += 1
            else:
                store, added = self.store, now - self.triples
                self.store = None  # until it holds ``now``
                if not fast.can_copy({o for _s, _p, o in added}):
                    return None
                for quad in fast.oxigraph_quads(self.triples - now):
                    store.remove(quad)
                store.extend(fast.oxigraph_quads(added))
                self.counts["updated"] += 1
        except BaseException:
            self.__init__()
            raise
        self.store, self.triples = store, now
        return store


def focus_report(
    data: Graph, nodes: Iterable, run: ShapesRun | None = None, memory: CheckMemory | None = None
) -> Graph:
    """pySHACL's report for ``data``, of the results whose focus node is one of ``nodes``,
    and of every result of the whole-graph shapes; ``memory``: see ``CheckMemory``."""
    wanted = set(nodes)
    whole = whole_graph_shapes()

    def focus_filter(precheck: Precheck):
        def keep(shape, focus_nodes):
            return precheck.doubtful(shape, focus_nodes, None if shape in whole else wanted)

        return keep

    return run_shapes(data, processes=1, run=run, focus_filter=focus_filter, memory=memory)


def check_focus(
    model: CheckedModel,
    nodes: Iterable,
    run: ShapesRun | None = None,
    memory: CheckMemory | None = None,
) -> list[Finding]:
    """The findings of the shapes whose focus node is one of ``nodes``, and every finding of
    the whole-graph shapes, sorted as ``validate`` sorts them."""
    report = focus_report(model.graph, nodes, run, memory)
    return sorted(set(findings_from_report(report, model)), key=finding_order)


class FocusedCheck:
    """The check of a rebuild, with ``BackgroundCheck``'s interface: the shapes on the nodes
    an edit can affect (``check_focus``), fidelity of the memoranda it changed, the release
    rules in full; run here and at once (a rebuild's check is small)."""

    forked = False

    def __init__(
        self,
        model: CheckedModel,
        nodes: Iterable,
        memoranda: set[str] | None = None,
        memory: CheckMemory | None = None,
    ):
        """``memoranda``: the keys of those whose text or source changed (the others passed
        the fidelity check in the last build); None: all. ``memory``: what the last rebuild's
        check kept (``CheckMemory``), kept again for the next."""
        findings = check_focus(model, nodes, memory=memory)
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
