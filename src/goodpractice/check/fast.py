"""The speed-ups of SHACL validation, all behind one switch (``fast`` of ``run_shapes``):

- ``IndexedGraph``: the data and shapes graphs answered from plain dictionaries, where rdflib's
  memory store pays for named-graph bookkeeping on each of pySHACL's millions of reads (the
  memory store's own dictionaries, where it holds the one graph: nothing to build);
- ``filter_focus_nodes``: pySHACL validates only the focus nodes a filter keeps (``precheck``
  leaves out those that certainly conform);
- SPARQL constraints answered by pyoxigraph from a copy of the graph (rdflib where pyoxigraph
  would not hold the same terms, or cannot parse the query), their texts parsed once;
- pySHACL's constraint-parameter lookup answered from a set.

With the switch off, pySHACL runs as published on rdflib's own graphs: the same answers, slower.
``answered`` counts which engine answered each SPARQL query, so that a test can tell the fast
path ran.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.stores.memory import Memory
from rdflib.query import Result
from rdflib.term import Variable

from ..graph.store import TripleStore, match
from ..graph.terms import from_oxigraph

answered: Counter = Counter()  # engine ("pyoxigraph", "rdflib") → SPARQL queries it answered
shared: Counter = Counter()  # fast paths taken: "indexes" (a store's own), "store" (kept copy)


def constraint_lookup(fast: bool) -> None:
    """pySHACL finds a shape's constraints by testing each of its predicates against a list of
    the SHACL constraint parameters, once for every focus node; with ``fast``, a list that
    answers ``in`` from a set gives the same answers without comparing terms one by one."""
    from pyshacl import shape as pyshacl_shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    parameters = SetList(ALL_CONSTRAINT_PARAMETERS) if fast else list(ALL_CONSTRAINT_PARAMETERS)
    pyshacl_shape.CONSTRAINT_PARAMS = (parameters, CONSTRAINT_PARAMETERS_MAP)


_focus_filter = None  # (shape, its focus nodes) → the focus nodes pySHACL is to validate


def filter_focus_nodes(focus_filter) -> None:
    """Have pySHACL validate, of each top-level shape's focus nodes, only those that
    ``focus_filter(shape, nodes)`` returns (None: all of them). The speed-up (``precheck``)
    leaves out the nodes that certainly conform; ``check_focus`` also the nodes not asked for."""
    from pyshacl.shape import Shape

    global _focus_filter
    if not getattr(Shape.focus_nodes, "filtered", False):
        original = Shape.focus_nodes

        def focus_nodes(self, data_graph, debug=False):
            nodes = original(self, data_graph, debug=debug)
            return nodes if _focus_filter is None else _focus_filter(self.node, nodes)

        focus_nodes.filtered = True
        Shape.focus_nodes = focus_nodes
    _focus_filter = focus_filter


def focus_filter_passed() -> int:
    """How many focus nodes the focus filter, if it counts them, has left out so far."""
    return getattr(getattr(_focus_filter, "__self__", None), "passed", 0)


class IndexedGraph(Graph):
    """A view of the data (or shapes) graph for validation, with the same triples and the same
    answers, but faster to read. pySHACL reads the graph a triple pattern at a time, millions of
    times on a large corpus, and rdflib's memory store pays for named-graph bookkeeping on each
    read; here each pattern is answered from plain dictionaries built once. SPARQL constraint
    texts are also parsed once, where pySHACL would have rdflib parse them for each focus node."""

    def __init__(self, data: Graph):
        super().__init__(store=data.store, identifier=data.identifier)
        self._spo: dict = {}
        self._pos: dict = {}
        self._osp_index: dict | None = None  # object → subject → predicates, made when asked
        self._store: pyoxigraph.Store | bool | None = None  # for SPARQL (False: not used)
        self._answers = None  # ``focus.KeptAnswers``, kept with a kept store (``use_store``)
        store = data.store
        if type(store) is TripleStore:  # the build's store (graph.store): its own indexes
            indexes = [store.spo, store.pos, store.osp]
        else:
            indexes = [getattr(store, f"_Memory__{name}", None) for name in ("spo", "pos", "osp")]
        if type(store) in (Memory, TripleStore) and None not in indexes and len(store) == len(data):
            # rdflib's memory store and the build's keep these very indexes (a value of 1
            # where ours have None, and in Memory an emptied level may stay), and hold only
            # this graph's triples
            shared["indexes"] += 1
            self._spo, self._pos, self._osp_index = indexes
            self._shared = True  # an added triple is then in them already
            return
        self._shared = False
        spo, pos = self._spo, self._pos
        for s, p, o in data.triples((None, None, None)):
            spo.setdefault(s, {}).setdefault(p, {})[o] = None
            pos.setdefault(p, {}).setdefault(o, {})[s] = None

    @property
    def _osp(self) -> dict:
        if self._osp_index is None:
            self._osp_index = {}
            for s, by_predicate in self._spo.items():
                for p, objects in by_predicate.items():
                    for o in objects:
                        self._osp_index.setdefault(o, {}).setdefault(s, {})[p] = None
        return self._osp_index

    def _index(self, triple) -> None:
        s, p, o = triple
        self._spo.setdefault(s, {}).setdefault(p, {})[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        if self._osp_index is not None:
            self._osp_index.setdefault(o, {}).setdefault(s, {})[p] = None

    def triples(self, triple):
        s, p, o = triple
        # ``type(p) is URIRef`` first: PropertyPath is an ABC, and isinstance with an ABC is slow
        if (p is not None and type(p) is not URIRef and isinstance(p, PropertyPath)) or (
            s is None and p is None and o is None
        ):
            yield from super().triples(triple)
        else:
            yield from match(self._spo, self._pos, lambda: self._osp, s, p, o)

    def indexes(self) -> tuple[dict, dict]:
        """The two indexes, read-only: subject → predicate → objects, and predicate → object
        → subjects (each innermost level a dict whose keys are the terms)."""
        return self._spo, self._pos

    def values(self, subject, predicate):
        """The objects of ``subject``'s ``predicate`` (a plain IRI), as stored."""
        return self._spo.get(subject, {}).get(predicate, {}).keys()

    def subjects_with(self, predicate, obj):
        """The subjects that have ``obj`` as a value of ``predicate`` (a plain IRI)."""
        return self._pos.get(predicate, {}).get(obj, {}).keys()

    def bound_to(self, text: str, name: str, nodes) -> set | None:
        """The values of the variable ``name`` in the solutions of the SELECT query ``text``,
        run once with ``name`` bound to each of ``nodes`` in turn (a VALUES block at the start
        of its WHERE clause, as ``query`` binds one), by pyoxigraph; None where it cannot be
        answered so."""
        answers = self._answers
        key = (text, name, frozenset(nodes))
        if answers is not None and key in answers.kept:
            answers.counts["reused"] += 1
            return set(answers.kept[key][1])
        bound = with_values_rows(text, name, nodes)
        if bound is None or self._oxigraph_store() is None:
            return None
        try:
            solutions = self._store.query(bound)
        except SyntaxError:
            return None
        values = {solution[name] for solution in solutions}
        if None in values:
            return None
        answered["pyoxigraph"] += 1
        found = {from_oxigraph(value) for value in values}
        if answers is not None:
            answers.keep(key, found)
        return found

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        if s is not None and type(p) is URIRef and o is not None:
            return o in self._spo.get(s, {}).get(p, ())
        return super().__contains__(triple)

    def add(self, triple):  # pySHACL adds a few SHACL system triples to the shapes graph
        super().add(triple)
        if not self._shared:
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
                    solutions = self._oxigraph_select(bound)
                    answered["pyoxigraph"] += 1
                    return solutions
                except SyntaxError:  # e.g. a prefix only the graph declares: rdflib knows it
                    pass
            query_object = _prepared(query_object)
        answered["rdflib"] += 1
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def use_store(self, store: pyoxigraph.Store | None, answers=None) -> None:
        """Answer SPARQL from ``store``, a pyoxigraph copy of this very graph kept by the
        caller (``focus.CheckMemory``), instead of making one (None: rdflib answers);
        ``answers`` (``focus.KeptAnswers``): what ``bound_to`` answered from it before,
        still true of it."""
        self._store = store if store is not None else False
        self._answers = answers if store is not None else None
        shared["store"] += 1

    def prepare(self) -> None:
        """Make the pyoxigraph copy now (before forking: the processes then share it)."""
        self._oxigraph_store()

    def _oxigraph_store(self) -> pyoxigraph.Store | None:
        """A pyoxigraph copy of the graph, made at the first query; None (rdflib answers) if
        the copy would not hold the same terms: pyoxigraph stores literals in canonical form
        ("1.0" as "1", language tags in lower case), which could change what a query sees."""
        if self._store is None:
            self._store = False
            if _canonical_literals({o for by_object in self._pos.values() for o in by_object}):
                self._store = pyoxigraph.Store()
                self._store.bulk_extend(oxigraph_quads(self._triples()))
        return self._store or None

    def _triples(self):
        for s, by_predicate in self._spo.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

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
                Variable(name): from_oxigraph(term)
                for name, term in zip(names, solution, strict=True)
                if term is not None
            }
            for solution in solutions
        ]
        return result


def oxigraph_quads(triples):
    """rdflib triples as pyoxigraph quads, each term converted once."""
    terms: dict = {}

    def term(node):
        converted = terms.get(node)
        if converted is None:
            converted = terms[node] = oxigraph_term(node)
        return converted

    for s, p, o in triples:
        yield pyoxigraph.Quad(term(s), term(p), term(o))


def can_copy(objects) -> bool:
    """Whether pyoxigraph holds each of ``objects`` (terms) as it is written."""
    return _canonical_literals(objects)


class SetList(list):
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
    store.bulk_extend(pyoxigraph.Quad(subject, predicate, oxigraph_term(o)) for o in typed)
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
    values = " ".join(str(oxigraph_term(value)) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return text[: where.end()] + block + text[where.end() :]


def with_values_rows(text: str, name: str, nodes) -> str | None:
    """A SELECT query with the variable ``name`` bound to each of ``nodes`` (IRIs) by a VALUES
    block at the start of its WHERE clause. Its solutions are the union of those of the query
    bound to each node alone, and name the node, where the query projects the variable and
    groups by it first if it groups at all, and has no LIMIT or OFFSET; None where it may not
    (or it is not a plain SELECT … WHERE { … })."""
    masked = _masked(text)
    where = _SELECT_WHERE.match(masked, _PROLOGUE.match(masked).end())
    if where is None or not all(isinstance(node, URIRef) for node in nodes):
        return None
    variable = rf"[?$]{name}\b"
    if not re.search(variable, masked[: where.end()]) or re.search(
        r"\b(LIMIT|OFFSET)\b", masked, re.I
    ):
        return None
    grouped = re.search(
        r"\b(GROUP|HAVING|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b", masked, re.I
    )
    if grouped and not re.search(r"\bGROUP\s+BY\s+" + variable, masked, re.I):
        return None
    rows = " ".join(f"({oxigraph_term(node)})" for node in nodes)
    block = f" VALUES (?{name}) {{ {rows} }} "
    return text[: where.end()] + block + text[where.end() :]


@functools.lru_cache(maxsize=256)
def _prepared(text: str):
    return prepareQuery(text)


def oxigraph_term(term):
    """An rdflib term as pyoxigraph's."""
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(term.datatype))
        return pyoxigraph.Literal(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    return pyoxigraph.NamedNode(str(term))
