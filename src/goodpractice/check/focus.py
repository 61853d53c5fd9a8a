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
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

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


class KeptAnswers:
    """``IndexedGraph.bound_to``'s answers from a kept pyoxigraph copy of the graph
    (``focus.CheckMemory``), for the next check: an answer reads only the triples whose
    predicate its query names, so it holds until one such triple is added or removed
    (``forget``). A query whose patterns this reading cannot follow is not kept."""

    def __init__(self):
        self.kept: dict = {}  # (query, variable, nodes) → (the IRIs it names, its answer)
        self.counts: Counter = Counter()  # "reused", "made": a test tells the fast path ran

    def keep(self, key: tuple, found: set) -> None:
        names = iris_of_patterns(key[0])
        if names is not None:
            self.kept[key] = (names, frozenset(found))
            self.counts["made"] += 1

    def forget(self, predicates: set) -> None:
        """Let go of the answers that may read a triple with one of ``predicates``."""
        self.kept = {k: v for k, v in self.kept.items() if v[0].isdisjoint(predicates)}


# The parts of rdflib's algebra of a query whose triple patterns ``iris_of_patterns`` reads
# (those of the published shapes' SPARQL constraints); any other part: not followed
_FOLLOWED = frozenset(
    [
        "AdditiveExpression",
        "AggregateJoin",
        "Aggregate_Count",
        "Aggregate_Max",
        "Aggregate_Min",
        "Aggregate_Sample",
        "Aggregate_Sum",
        "BGP",
        "Builtin_CONCAT",
        "Builtin_CONTAINS",
        "Builtin_FLOOR",
        "Builtin_IF",
        "Builtin_LCASE",
        "Builtin_NOTEXISTS",
        "Builtin_EXISTS",
        "Builtin_REPLACE",
        "Builtin_STR",
        "Builtin_isNUMERIC",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "Distinct",
        "Extend",
        "Filter",
        "Group",
        "GroupGraphPatternSub",
        "Join",
        "LeftJoin",
        "MultiplicativeExpression",
        "Project",
        "RelationalExpression",
        "SelectQuery",
        "TriplesBlock",
        "UnaryNot",
        "Union",
    ]
)


class _Unfollowed(Exception):
    pass


@functools.cache
def iris_of_patterns(text: str) -> frozenset | None:
    """Every IRI a SELECT query names (a superset of the predicates its triple patterns
    match), or None where a pattern's predicate is not an IRI (a variable, a path) or the
    query has a part not read here: then its answer may read any triple."""
    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # noqa: BLE001 - not a query rdflib reads: not kept
        return None
    found: set = set()

    def predicates_are_iris(triples) -> None:
        for triple in triples:
            predicates = triple[1::3] if len(triple) % 3 == 0 else [None]
            if not all(type(p) is URIRef for p in predicates):
                raise _Unfollowed

    def walk(value) -> None:
        if isinstance(value, CompValue):
            if value.name not in _FOLLOWED:
                raise _Unfollowed
            if value.name in ("BGP", "TriplesBlock"):
                predicates_are_iris(value.triples)
            for part in value.values():
                walk(part)
        elif isinstance(value, PropertyPath):
            raise _Unfollowed
        elif isinstance(value, URIRef):
            found.add(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for part in value:
                walk(part)
        elif isinstance(value, dict):
            for part in value.values():
                walk(part)

    try:
        walk(algebra)
    except _Unfollowed:
        return None
    return frozenset(found)


class CheckMemory:
    """What a rebuild's check keeps for the next one (``pipeline.incremental.Reuse`` holds it):
    the pyoxigraph copy of the graph that answers the SPARQL constraints, changed by the
    triples added and removed since, instead of made again from the whole graph."""

    def __init__(self):
        self.store: pyoxigraph.Store | None = None
        self.triples: set = set()  # what the store holds
        self.counts: Counter = Counter()  # "made", "updated": how each store was had
        self.answers = KeptAnswers()  # the precheck's SPARQL answers from the store
        self.given: set | None = None  # the next graph's triples, if the caller has them

    def graph_holds(self, triples: set) -> None:
        """The next graph checked holds exactly ``triples`` (a rebuild has them: ``Reuse``),
        so ``store_for`` need not read it triple by triple; the set is kept, not changed."""
        self.given = triples

    def store_for(self, graph) -> pyoxigraph.Store | None:
        """The copy of ``graph``; None where pyoxigraph would not hold its literals as they
        are written (rdflib answers then, as in a full check)."""
        given, self.given = self.given, None
        if given is not None and len(given) == len(graph):
            now = given
            self.counts["given"] += 1
        else:
            now = set(graph)
        try:
            if self.store is None:
                if not fast.can_copy({o for _s, _p, o in now}):
                    return None
                store = pyoxigraph.Store()
                store.bulk_extend(fast.oxigraph_quads(now))
                self.answers = KeptAnswers()  # of no store but this one
                self.counts["made"] += 1
            else:
                store, added = self.store, now - self.triples
                self.store = None  # until it holds ``now``
                if not fast.can_copy({o for _s, _p, o in added}):
                    return None
                removed = self.triples - now
                self.answers.forget({p for _s, p, _o in added} | {p for _s, p, _o in removed})
                for quad in fast.oxigraph_quads(removed):
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
        triples: set | None = None,
    ):
        """``memoranda``: the keys of those whose text or source changed (the others passed
        the fidelity check in the last build); None: all. ``memory``: what the last rebuild's
        check kept (``CheckMemory``), kept again for the next; ``triples``: the model's graph's
        triples, if the caller has them (``CheckMemory.graph_holds``)."""
        if memory is not None and triples is not None:
            memory.graph_holds(triples)
        try:
            findings = check_focus(model, nodes, memory=memory)
        finally:
            if memory is not None:
                memory.given = None  # for this graph only
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
