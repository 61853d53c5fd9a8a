"""Run the published SHACL shapes (``ontology/shapes.ttl``) over the graph, and the whole check.

No ontology, no inference: the shapes state every class they need, so an outside user gets the
same answer from the shapes alone (``pyshacl -s shapes.ttl dataset.ttl``).
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import threading
from collections import Counter
from dataclasses import dataclass, field

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..graph import new_graph
from ..ontology import ontology_file
from . import fast
from .fidelity import fidelity_problems
from .precheck import Precheck
from .report import (
    VIOLATION,
    CheckedModel,
    Finding,
    Report,
    finding_order,
    findings_from_report,
)

# From this many triples on (a few dozen memoranda), the shapes are shared between two processes;
# below it a second process costs more than it saves.
PARALLEL_FROM = 100_000


@dataclass
class ShapesRun:
    """How a run of the shapes went: the processes that validated (their ids) and which engine
    answered the SPARQL constraints, so that a test can tell the work was shared out and the
    fast path ran."""

    processes: set[int] = field(default_factory=set)
    answered: Counter = field(default_factory=Counter)
    prechecked: int = 0  # focus nodes found to conform before pySHACL (``precheck``)


def validate(
    model: CheckedModel, processes: int | None = None, *, fast_paths: bool = True
) -> Report:
    """The SHACL results and the fidelity problems of the model, sorted by file and line."""
    fidelity: list = []  # checked while the shapes run in other processes, if they do
    shacl_report = run_shapes(
        model.graph,
        processes,
        fast_paths=fast_paths,
        meanwhile=lambda: fidelity.extend(fidelity_problems(model)),
    )
    findings = findings_from_report(shacl_report, model)
    findings += [
        Finding(VIOLATION, problem.location, None, None, problem.message) for problem in fidelity
    ]
    # What the release records show: a released IRI missing, a replacement that does not exist
    findings += [
        Finding(VIOLATION, problem.location, None, None, problem.message)
        for problem in getattr(model, "release_problems", ())
    ]
    # sh:equals reports each differing value, which can make the same line twice
    return Report(sorted(set(findings), key=finding_order), shacl_report)


@functools.cache
def shapes_graph(fast_paths: bool = True) -> Graph:
    """The published shapes (ontology/shapes.ttl), parsed once per process."""
    graph = Graph()
    graph.parse(ontology_file("shapes.ttl"), format="turtle")
    # pySHACL reads a shape's parameters once per focus node
    return fast.IndexedGraph(graph) if fast_paths else graph


def run_shapes(
    data: Graph,
    processes: int | None = None,
    *,
    fast_paths: bool = True,
    run: ShapesRun | None = None,
    focus_filter=None,
    meanwhile=None,
    memory=None,
) -> Graph:
    """pySHACL's validation report for ``data`` against the published shapes.

    With ``processes`` > 1 (by default on a large graph, where the machine has the cores), the
    top-level shapes are dealt out one at a time to that many forked processes, each
    validating the whole graph against the shape it is given; the report is the union of
    theirs, the same results as one run. ``fast_paths`` is the one switch of the speed-ups
    (``fast``, ``precheck``); ``run``, if given, records how the run went. ``focus_filter``,
    if given, makes from the run's ``Precheck`` the filter of each shape's focus nodes
    (``focus.check_focus``: only some nodes); by default it is ``Precheck.doubtful``.
    ``meanwhile``, if given, is called while the processes validate (or after, in one).
    ``memory`` (``focus.CheckMemory``), if given, holds the pyoxigraph copy of the graph from
    one run to the next, updated rather than made again."""
    run = run if run is not None else ShapesRun()
    fast.constraint_lookup(fast_paths)
    shapes = shapes_graph(fast_paths)
    precheck = None
    if fast_paths:
        data = fast.IndexedGraph(data)  # built once: forked processes share it
        if memory is not None:
            data.use_store(memory.store_for(data), memory.answers)
        precheck = Precheck(shapes, data)
    if processes is None:  # forking is safe only while this process runs one thread
        large = len(data) >= PARALLEL_FROM and threading.active_count() == 1
        processes = 2 if large and (os.cpu_count() or 1) > 1 else 1
    if focus_filter is not None:
        precheck = precheck or Precheck(shapes, fast.IndexedGraph(data))
        fast.filter_focus_nodes(focus_filter(precheck))
    else:
        fast.filter_focus_nodes(precheck and precheck.doubtful)
    try:
        if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            report = _run_in_processes(data, shapes, processes, run, meanwhile)
        else:
            before = fast.answered.copy()
            report = _run(data, shapes, None)
            run.processes.add(os.getpid())
            run.answered.update(fast.answered - before)
            run.prechecked += precheck.passed if precheck else 0
            if meanwhile is not None:
                meanwhile()
    finally:
        fast.filter_focus_nodes(None)
    for prefix, namespace in new_graph().namespaces():
        report.bind(prefix, namespace, override=True, replace=True)
    return report


def _run(data: Graph, shapes: Graph, use_shapes: list[str] | None) -> Graph:
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        use_shapes=use_shapes,
    )
    return report


_FORKED: tuple[Graph, Graph] | None = None  # what a forked process validates


def _run_share(use_shapes: list[str]) -> tuple[int, Counter, int, bytes]:
    """One shape's report, run in a worker: with the worker's id, the engines it used and the
    focus nodes found to conform before pySHACL."""
    data, shapes = _FORKED
    before = fast.answered.copy()
    passed = fast.focus_filter_passed()
    report = _run(data, shapes, use_shapes).serialize(format="nt", encoding="utf-8")
    return os.getpid(), fast.answered - before, fast.focus_filter_passed() - passed, report


def _heaviest_first(shapes: Graph, data: Graph) -> list[str]:
    """The top-level shapes, those with the most to check first: a shape weighs its constraints
    times the resources it targets in ``data``. Dealt out one at a time to whichever process is
    free, the heaviest first, the processes end at about the same time."""

    def targets(shape) -> int:
        count = 0
        for cls in shapes.objects(shape, SH.targetClass):
            count += len(set(data.subjects(RDF.type, cls)))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            count += len(set(data.subjects(prop, None)))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            count += len(set(data.objects(None, prop)))
        return count

    def weight(shape) -> int:
        constraints = 1 + len(list(shapes.objects(shape, SH.property)))
        constraints += len(list(shapes.objects(shape, SH.sparql)))
        return constraints * max(targets(shape), 1)

    top = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    weights = {shape: weight(shape) for shape in top}
    return [str(shape) for shape in sorted(top, key=lambda s: (-weights[s], str(s)))]


def _run_in_processes(
    data: Graph, shapes: Graph, processes: int, run: ShapesRun, meanwhile=None
) -> Graph:
    global _FORKED
    order = _heaviest_first(shapes, data)
    _FORKED = (data, shapes)
    # What is made before the fork is kept out of the garbage collector's walks (in this process
    # and in the forked ones, which would otherwise touch, and so copy, every page of it)
    gc.freeze()
    try:
        # the collector on in the workers (the parent may have paused it): what they make is
        # theirs to collect, and what they inherit is frozen, out of its walks
        with multiprocessing.get_context("fork").Pool(processes, initializer=gc.enable) as pool:
            # in order, not as they end: the parts come back in the same order every time, so
            # the merged report's blank node labels (and --report's bytes) do not vary
            parts = pool.map_async(_run_share, [[shape] for shape in order], chunksize=1)
            if meanwhile is not None:
                meanwhile()
            answers = parts.get()
    finally:
        _FORKED = None
        gc.unfreeze()
    merged = Graph()
    for number, (process, answered, passed, part) in enumerate(answers):
        run.processes.add(process)
        run.answered.update(answered)
        run.prechecked += passed

        # forked processes mint the same blank node labels: keep each report's nodes apart
        def own(term, prefix=f"p{number}"):
            return BNode(prefix + term) if isinstance(term, BNode) else term

        for s, p, o in Graph().parse(data=part, format="nt"):
            merged.add((own(s), p, own(o)))
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    conforms = all(o.toPython() for o in merged.objects(None, SH.conforms))
    report.add((node, SH.conforms, Literal(conforms)))
    for s, p, o in merged:
        if p == SH.conforms or (p == RDF.type and o == SH.ValidationReport):
            continue
        report.add((node if (s, RDF.type, SH.ValidationReport) in merged else s, p, o))
    return report
