"""Check the graph against the published SHACL shapes and the source text.

``validate(model)`` runs pySHACL with ``ontology/shapes.ttl`` (no ontology, no inference: the
shapes state every class they need, so an outside user gets the same answer from the shapes
alone) and the fidelity check, and turns each result into a line a content maintainer can act on:

    content/catalogue/documents.yaml:139: un/s-res-2396-2017: dcterms:identifier: <message>
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import pickle
import re
import signal
import tempfile
import threading
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result
from rdflib.term import Variable

from .build import Model, fidelity_problems
from .content import ContentError, Location, Problem
from .export import _oxigraph_term, ontology_file
from .graph import new_graph
from .vocab import SCHEMA

VIOLATION = "violation"
WARNING = "warning"
SEVERITIES = {SH.Violation: VIOLATION, SH.Warning: WARNING, SH.Info: WARNING}

# Where a catalogue entry writes each property, so a problem points at that field's line.
ENTRY_FIELDS = {
    SKOS.prefLabel: "label",
    SKOS.altLabel: "alt_labels",
    DCTERMS.title: "title",
    DCTERMS.identifier: "identifier",
    DCTERMS.publisher: "publisher",
    DCTERMS.issued: "issued",
    SCHEMA.url: "url",
    RDFS.seeAlso: "see_also",
    DCTERMS.description: "description",
    SKOS.historyNote: "history_note",
    DCTERMS.bibliographicCitation: "bibliographic_citation",
    SKOS.editorialNote: "editorial_notes",
    PROV.wasAssociatedWith: "led_by",
}


@dataclass(frozen=True)
class Finding:
    """One problem: where it is written, which resource and property, and what is wrong."""

    severity: str
    location: Location | None
    resource: str | None  # the resource's key: its IRI without the base IRI
    property: str | None  # the property or path, as a prefixed name
    message: str

    def __str__(self) -> str:
        parts = [str(self.location)] if self.location else []
        if self.resource is not None:
            parts += [self.resource, self.property or "-"]
        parts.append(f"warning: {self.message}" if self.severity == WARNING else self.message)
        return ": ".join(parts)

    def as_problem(self) -> Problem:
        """The finding as a content problem (what ``goodpractice build`` reports)."""
        text = str(self)
        if self.location:
            text = text.removeprefix(f"{self.location}: ")
        return Problem(self.location, text)

    def as_dict(self) -> dict:
        data = asdict(self)
        location = data.pop("location")
        data["file"] = str(self.location).rsplit(":", 1)[0] if location else None
        data["line"] = self.location.line if self.location else None
        return data


@dataclass
class Report:
    findings: list[Finding]
    shacl_report: Graph = field(default_factory=Graph)  # the standard SHACL validation report

    @classmethod
    def of_content_error(cls, error: ContentError) -> Report:
        """The problems content.py found before a graph could be built, as findings. Its SHACL
        report says the data does not conform, with no results (there is no graph to point
        into) and each problem as an rdfs:comment, so ``--report`` always writes a report."""
        findings = [Finding(VIOLATION, p.location, None, None, p.message) for p in error.problems]
        report = Graph()
        report.bind("sh", SH)
        node = BNode()
        report.add((node, RDF.type, SH.ValidationReport))
        report.add((node, SH.conforms, Literal(False)))
        for finding in findings:
            report.add((node, RDFS.comment, Literal(str(finding))))
        return cls(findings, report)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == VIOLATION]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def conforms(self, strict: bool = False) -> bool:
        return not self.violations and not (strict and self.warnings)

    def text_lines(self) -> list[str]:
        return [str(f) for f in self.findings]

    def to_json(self, strict: bool = False) -> str:
        document = {
            "conforms": self.conforms(strict),
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "problems": [f.as_dict() for f in self.findings],
        }
        return json.dumps(document, ensure_ascii=False, indent=2)

    def summary(self, strict: bool = False) -> str:
        counts = f"{_plural(len(self.violations), 'violation')}, {_plural(len(self.warnings), 'warning')}"
        if self.conforms(strict):
            return f"goodpractice: the data conforms ({counts})."
        fatal = " (warnings are fatal with --strict)" if strict and not self.violations else ""
        return f"goodpractice: the data does not conform ({counts}){fatal}."

    def shacl_turtle(self) -> bytes:
        return self.shacl_report.serialize(format="turtle", encoding="utf-8")


@functools.cache
def shapes_graph() -> Graph:
    """The published shapes (ontology/shapes.ttl), parsed once per process."""
    graph = Graph()
    graph.parse(ontology_file("shapes.ttl"), format="turtle")
    return _IndexedGraph(graph)  # pySHACL reads a shape's parameters once per focus node


def validate(model: Model, processes: int | None = None) -> Report:
    """The SHACL results and the fidelity problems of the model, sorted by file and line."""
    shacl_report = run_shapes(model.graph, processes)
    findings = findings_from_report(shacl_report, model)
    findings += [
        Finding(VIOLATION, problem.location, None, None, problem.message)
        for problem in fidelity_problems(model)
    ]
    # sh:equals reports each differing value, which can make the same line twice
    return Report(sorted(set(findings), key=_order), shacl_report)


class BackgroundCheck:
    """``validate(model)`` run in a forked process while this one goes on: the build exports
    and renders the site meanwhile, on the other core, and puts nothing in place unless the
    check found no violation. The process ends as soon as it has its answer (left in a file
    until asked for), so its memory is free for the rest of the build. Where a fork is not
    safe (another thread runs) or not worth it (a small graph), the check runs here, at once."""

    def __init__(self, model: Model):
        self._process = None
        self._violations: list[Finding] | None = None
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if len(model.graph) < PARALLEL_FROM or threading.active_count() > 1 or not forkable:
            self._violations = validate(model).violations
            return
        global _FORKED_MODEL
        handle, self._answer = tempfile.mkstemp(prefix="goodpractice-check-", suffix=".pickle")
        os.close(handle)
        _FORKED_MODEL = model
        gc.collect()
        gc.freeze()  # the child's collector leaves the model's objects alone: fewer pages copied
        try:
            self._process = multiprocessing.get_context("fork").Process(
                target=_check_forked_model, args=(self._answer,), daemon=True
            )
            self._process.start()
        except BaseException:
            self._process = None
            Path(self._answer).unlink(missing_ok=True)
            raise
        finally:
            gc.unfreeze()
            _FORKED_MODEL = None

    def done(self) -> bool:
        return self._violations is not None or not self._process.is_alive()

    def violations(self) -> list[Finding]:
        """The violations found (waiting for the check to end if it has not)."""
        if self._violations is None:
            try:
                self._process.join()
                answer = Path(self._answer).read_bytes()
                if not answer:
                    raise RuntimeError(
                        f"the check of the content stopped without an answer "
                        f"(exit code {self._process.exitcode})"
                    )
                kind, outcome = pickle.loads(answer)
                if kind == "error":
                    raise RuntimeError(f"checking the content failed: {outcome}")
                self._violations = outcome
            finally:
                self.close()
        return self._violations

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
            Path(self._answer).unlink(missing_ok=True)


_FORKED_MODEL: Model | None = None  # what a forked background check validates


def _check_forked_model(answer: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:  # one process: this one is the second core's already
        outcome = ("violations", validate(_FORKED_MODEL, processes=1).violations)
    except Exception:  # noqa: BLE001 - handed to the parent as text, traceback and all
        outcome = ("error", traceback.format_exc().rstrip())
    Path(answer).write_bytes(pickle.dumps(outcome))


# From this many triples on (a few dozen memoranda), the shapes are shared between two processes;
# below it a second process costs more than it saves.
PARALLEL_FROM = 100_000


def run_shapes(data: Graph, processes: int | None = None) -> Graph:
    """pySHACL's validation report for ``data`` against the published shapes.

    With ``processes`` > 1 (by default on a large graph, where the machine has the cores), the
    top-level shapes are dealt out one at a time to that many forked processes, each
    validating the whole graph against the shape it is given; the report is the union of
    theirs, the same results as one run."""
    _fast_constraint_lookup()
    shapes = shapes_graph()
    data = _IndexedGraph(data)  # built once: forked processes share it
    if processes is None:  # forking is safe only while this process runs one thread
        large = len(data) >= PARALLEL_FROM and threading.active_count() == 1
        processes = 2 if large and (os.cpu_count() or 1) > 1 else 1
    if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
        report = _run_in_processes(data, shapes, processes)
    else:
        report = _run(data, shapes, None)
    for prefix, namespace in new_graph().namespaces():
        report.bind(prefix, namespace, override=True, replace=True)
    return report


def _run(data: Graph, shapes: Graph, use_shapes: list[str] | None) -> Graph:
    _conforms, report, _text = pyshacl.validate(
        data if isinstance(data, _IndexedGraph) else _IndexedGraph(data),
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        use_shapes=use_shapes,
    )
    return report


_FORKED: tuple[Graph, Graph] | None = None  # what a forked process validates


def _run_share(use_shapes: list[str]) -> bytes:
    data, shapes = _FORKED
    return _run(data, shapes, use_shapes).serialize(format="nt", encoding="utf-8")


def _heaviest_first(shapes: Graph, data: _IndexedGraph) -> list[str]:
    """The top-level shapes, those with the most to check first: a shape weighs its constraints
    times the resources it targets in ``data`` (counted from the index). Dealt out one at a
    time to whichever process is free, the heaviest first, the processes end at about the
    same time."""
    by_predicate = data._pos

    def targets(shape) -> int:
        count = 0
        for cls in shapes.objects(shape, SH.targetClass):
            count += len(by_predicate.get(RDF.type, {}).get(cls, ()))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            count += len(set().union(*by_predicate.get(prop, {}).values()))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            count += len(by_predicate.get(prop, ()))
        return count

    def weight(shape) -> int:
        constraints = 1 + len(list(shapes.objects(shape, SH.property)))
        constraints += len(list(shapes.objects(shape, SH.sparql)))
        return constraints * max(targets(shape), 1)

    top = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    weights = {shape: weight(shape) for shape in top}
    return [str(shape) for shape in sorted(top, key=lambda s: (-weights[s], str(s)))]


def _run_in_processes(data: Graph, shapes: Graph, processes: int) -> Graph:
    global _FORKED
    order = _heaviest_first(shapes, data)
    _FORKED = (data, shapes)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            # imap, not imap_unordered: the parts come back in the same order every time, so
            # the merged report's blank node labels (and --report's bytes) do not vary
            parts = list(pool.imap(_run_share, [[shape] for shape in order], chunksize=1))
    finally:
        _FORKED = None
    merged = Graph()
    for number, part in enumerate(parts):
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


class _IndexedGraph(Graph):
    """A view of the data (or shapes) graph for validation, with the same triples and the same
    answers, but faster to read. pySHACL reads the graph a triple pattern at a time, millions of
    times on a large corpus, and rdflib's memory store pays for named-graph bookkeeping on each
    read; here each pattern is answered from plain dictionaries built once. SPARQL constraint
    texts are also parsed once, where pySHACL would have rdflib parse them for each focus node."""

    def __init__(self, data: Graph):
        super().__init__(store=data.store, identifier=data.identifier)
        self._spo: dict = {}
        self._pos: dict = {}
        self._osp: dict = {}
        self._store: pyoxigraph.Store | bool | None = None  # for SPARQL (False: not used)
        for triple in data.triples((None, None, None)):
            self._index(triple)

    def _index(self, triple) -> None:
        s, p, o = triple
        self._spo.setdefault(s, {}).setdefault(p, {})[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._osp.setdefault(o, {}).setdefault(s, {})[p] = None

    def triples(self, triple):
        s, p, o = triple
        # ``type(p) is URIRef`` first: PropertyPath is an ABC, and isinstance with an ABC is slow
        if p is not None and type(p) is not URIRef and isinstance(p, PropertyPath):
            yield from super().triples(triple)
        elif s is not None:
            by_predicate = self._spo.get(s)
            if by_predicate is None:
                return
            if p is not None:
                objects = by_predicate.get(p, ())
                if o is None:
                    for obj in list(objects):
                        yield s, p, obj
                elif o in objects:
                    yield s, p, o
            else:
                for pred, objects in list(by_predicate.items()):
                    if o is None:
                        for obj in list(objects):
                            yield s, pred, obj
                    elif o in objects:
                        yield s, pred, o
        elif p is not None:
            by_object = self._pos.get(p)
            if by_object is None:
                return
            if o is not None:
                for subj in list(by_object.get(o, ())):
                    yield subj, p, o
            else:
                for obj, subjects in list(by_object.items()):
                    for subj in list(subjects):
                        yield subj, p, obj
        elif o is not None:
            for subj, predicates in list(self._osp.get(o, {}).items()):
                for pred in list(predicates):
                    yield subj, pred, o
        else:
            yield from super().triples(triple)

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        if s is not None and type(p) is URIRef and o is not None:
            return o in self._spo.get(s, {}).get(p, ())
        return super().__contains__(triple)

    def add(self, triple):  # pySHACL adds a few SHACL system triples to the shapes graph
        super().add(triple)
        self._index(triple)
        return self

    def remove(self, triple):
        raise TypeError("a graph being validated is read-only")

    def query(  # rdflib's signature, which pySHACL calls with positional arguments
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,  # noqa: N803
        initBindings=None,  # noqa: N803
        use_store_provided=True,
        **kwargs,
    ):
        plain = processor == "sparql" and result == "sparql" and not initNs and not kwargs
        if isinstance(query_object, str):
            bound = _with_values(query_object, initBindings or {}) if plain else None
            if bound is not None and self._oxigraph_store() is not None:
                try:
                    return self._oxigraph_select(bound)
                except SyntaxError:  # e.g. a prefix only the graph declares: rdflib knows it
                    pass
            query_object = _prepared(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def _oxigraph_store(self) -> pyoxigraph.Store | None:
        """A pyoxigraph copy of the graph, made at the first query; None (rdflib answers) if
        the copy would not hold the same terms: pyoxigraph stores literals in canonical form
        ("1.0" as "1", language tags in lower case), which could change what a query sees."""
        if self._store is None:
            triples = list(super().triples((None, None, None)))
            self._store = False
            if _canonical_literals(o for _s, _p, o in triples):
                self._store = pyoxigraph.Store()
                self._store.bulk_extend(
                    pyoxigraph.Quad(*(_oxigraph_term(term) for term in triple))
                    for triple in triples
                )
        return self._store or None

    def _oxigraph_select(self, text: str) -> Result:
        """A SELECT query (pySHACL's SPARQL constraints) answered by pyoxigraph from a copy of
        the graph, as an rdflib result: rdflib's SPARQL engine takes milliseconds for each
        focus node, pyoxigraph a fraction of one."""
        solutions = self._oxigraph_store().query(text)
        names = [variable.value for variable in solutions.variables]
        result = Result("SELECT")
        result.vars = [Variable(name) for name in names]
        result.bindings = [
            {
                Variable(name): _rdflib_term(term)
                for name, term in zip(names, solution, strict=True)
                if term is not None
            }
            for solution in solutions
        ]
        return result


@functools.cache
def _fast_constraint_lookup() -> None:
    """pySHACL finds a shape's constraints by testing each of its predicates against a list of
    the SHACL constraint parameters, once for every focus node; a list that answers ``in`` from
    a set gives the same answers without comparing terms one by one."""
    from pyshacl import shape as pyshacl_shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    pyshacl_shape.CONSTRAINT_PARAMS = (
        _SetList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )


class _SetList(list):
    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members

    def copy(self) -> list:
        return list(self)


_PROLOGUE = re.compile(r"^(?:\s|#[^\n]*\n|PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.I)
_SELECT_WHERE = re.compile(r"SELECT\b[^{]*?\bWHERE\s*\{", re.I | re.S)
# What may hold the words "WHERE {" without being the clause: IRIs (kept: they may hold a '#'),
# strings and comments (blanked, so that offsets stay those of the query).
_OPAQUE = re.compile(
    r"""(<[^<>"{}|^`\\\s]*>)"""
    r"""|('''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|#[^\n]*)""",
    re.S,
)


def _masked(text: str) -> str:
    """The query with its strings and comments blanked out, offsets unchanged."""
    return _OPAQUE.sub(lambda m: m.group(1) or " " * len(m.group(2)), text)


def _canonical_literals(objects) -> bool:
    """Whether pyoxigraph would store every literal among ``objects`` as it is written."""
    literals = {o for o in objects if isinstance(o, Literal) and (o.datatype or o.language)}
    if any(o.language != o.language.lower() for o in literals if o.language):
        return False
    typed = [o for o in literals if o.datatype]
    if not typed:
        return True
    store = pyoxigraph.Store()
    subject, predicate = pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p")
    store.bulk_extend(pyoxigraph.Quad(subject, predicate, _oxigraph_term(o)) for o in typed)
    stored = {(q.object.value, q.object.datatype.value) for q in store}
    return stored == {(str(o), str(o.datatype)) for o in typed}


def _with_values(text: str, bindings: dict) -> str | None:
    """A SELECT query with its pre-bound variables (SHACL's $this) given as a VALUES block at
    the start of its WHERE clause, for pyoxigraph, which then reads only the focus node's
    triples (its own substitutions are applied after the pattern is matched: a scan of the
    whole graph for each focus node). None where this cannot be said so (a blank node, which
    VALUES cannot hold, or a query that is not a plain SELECT … WHERE { … })."""
    masked = _masked(text)
    prologue = _PROLOGUE.match(masked).end()
    where = _SELECT_WHERE.match(masked, prologue)
    if where is None or any(isinstance(v, BNode) for v in bindings.values()):
        return None
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(_oxigraph_term(value)) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return text[: where.end()] + block + text[where.end() :]


def _rdflib_term(term):
    """A pyoxigraph term as the rdflib term it was made from."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@functools.lru_cache(maxsize=256)
def _prepared(text: str):
    return prepareQuery(text)


def findings_from_report(report: Graph, model: Model) -> list[Finding]:
    base = model.content.publication.base_iri
    findings = []
    for result in report.objects(None, SH.result):  # top-level results, not their sh:detail
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        if path is None and (shape := report.value(result, SH.sourceShape)) is not None:
            path = _property_of_node_shape(report, shape)
        elif (alternatives := report.value(path, SH.alternativePath)) is not None:
            # name the one property that holds the offending value
            path = next(
                (p for p in Collection(report, alternatives) if (focus, p, value) in model.graph),
                path,
            )
        message = str(report.value(result, SH.resultMessage) or "does not conform").replace(
            base, ""
        )
        if (
            report.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
            and isinstance(value, URIRef)
            and value in model.locations
            and (value, SKOS.inScheme, focus) in model.graph
        ):
            # a check run once per scheme over its members: point at the member it names
            focus, value = value, None
        if value is not None and value != focus:
            shown = _key(value, base) if isinstance(value, URIRef) else str(value)
            if isinstance(value, (URIRef, Literal)) and shown not in message:
                message += f' (found "{_clip(shown)}")'
        findings.append(
            Finding(
                SEVERITIES.get(report.value(result, SH.resultSeverity), VIOLATION),
                _locate(model, focus, path),
                _key(focus, base),
                _path_text(report, path) if path is not None else None,
                message,
            )
        )
    return findings


def _locate(model: Model, node, path) -> Location | None:
    if not isinstance(node, URIRef):
        return None
    base = model.content.publication.base_iri
    entry = model.content.catalogue.get(str(node).removeprefix(base))
    if entry is not None and path in ENTRY_FIELDS:
        return entry.field_location(ENTRY_FIELDS[path])
    where = model.locations.get(node)
    if where is None and "#" in node:  # a citation node: where its citing text is written
        where = model.locations.get(URIRef(str(node).split("#", 1)[0]))
    if where is None:  # a resource linked to but not described: where a link to it is written
        linking = sorted(s for s in model.graph.subjects(None, node) if s in model.locations)
        if linking:
            where = model.locations[linking[0]]
    return where


def _property_of_node_shape(shapes: Graph, shape) -> URIRef | BNode | None:
    """The property a node-level constraint is about: the first path among its sh:or members
    (each such shape puts the property it requires first)."""
    for logical in (SH["or"], SH["and"], SH.xone):
        members = shapes.value(shape, logical)
        if members is not None:
            for member in Collection(shapes, members):
                if (path := shapes.value(member, SH.path)) is not None:
                    return path
    return None


def _path_text(graph: Graph, path) -> str:
    """A SHACL property path as SPARQL writes it: skos:broader, ^gp:hasFootnote, a/b, a|b."""
    if isinstance(path, URIRef):
        return _prefixed(path)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + _path_text(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "|".join(_path_text(graph, p) for p in Collection(graph, alternatives))
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    return str(path)


@functools.cache
def _namespaces() -> tuple[tuple[str, str], ...]:
    return tuple((prefix, str(ns)) for prefix, ns in new_graph().namespaces() if prefix)


def _prefixed(iri: URIRef) -> str:
    for prefix, namespace in _namespaces():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _key(node, base: str) -> str:
    if isinstance(node, URIRef):
        return str(node).removeprefix(base) if node.startswith(base) else str(node)
    return "(a blank node)"


def _clip(text: str, width: int = 60) -> str:
    text = text.replace("\n", "\\n")  # one problem, one line
    return text if len(text) <= width else text[: width - 1] + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _order(finding: Finding):
    location = finding.location
    return (
        location is None,
        (str(location.path), location.line) if location else ("", 0),
        finding.resource or "",
        finding.property or "",
        finding.message,
        finding.severity,
    )
