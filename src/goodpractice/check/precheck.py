"""Which focus nodes a shape can pass over: a quick test that a focus node certainly conforms.

pySHACL validates every focus node of every shape through its whole machinery (value nodes,
constraint components, nested shapes for sh:or and sh:not, a result built for each failing
member of an sh:or before it is dropped), and on a large corpus nearly all of them conform.
Here the published shapes are read once into plain checks; a focus node that passes them all
certainly has no result, and pySHACL is given only the others. The test is one-sided: it says
"conforms" only where each check is certain (each is pySHACL's own rule, or stricter), and
"maybe not" for everything else (a SPARQL constraint, a constraint or path it does not know,
a class hierarchy in the data), so the report is exactly pySHACL's.

``Precheck.doubtful`` is what the speed-up calls (as a filter of pySHACL's focus nodes); it
also restricts a shape to given nodes (``only``), for ``goodpractice.check.check_focus``.
"""

from __future__ import annotations

import re

from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

# What a shape may say besides its constraints without changing which nodes have results
_INERT = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name, SH.description}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_to_string = StringBasedConstraintBase.value_node_to_string
_NONE: dict = {}


class Unknown(Exception):
    """A shape says something this test does not read: each of its focus nodes goes to pySHACL."""


class Precheck:
    """The published shapes as plain checks over one data graph (a ``fast.IndexedGraph``)."""

    def __init__(self, shapes: Graph, data):
        self.shapes = shapes
        self.data = data
        # sh:class follows rdfs:subClassOf in the data: where the data has any, sh:not of a
        # class cannot be decided from the direct types
        self.hierarchy = next(data.triples((None, RDFS.subClassOf, None)), None) is not None
        self._by_subject = data.indexes()[0]
        self._checks: dict = {}
        self.passed = 0  # focus nodes found to conform, which pySHACL did not validate

    # -- the filter ---------------------------------------------------------------------------

    def doubtful(self, shape, nodes, only=None) -> set:
        """The focus nodes among ``nodes`` (those of ``only``, if given) that may not conform
        to ``shape``: the ones pySHACL must validate."""
        nodes = list(nodes) if only is None else [node for node in nodes if node in only]
        if not nodes:
            return set()
        compiled = self._check_of(shape)
        if compiled is None:
            return set(nodes)
        check, queries = compiled
        flagged = set()
        for query in queries:  # each SPARQL constraint run once for all the nodes
            found = self.data.bound_to(query, "this", nodes)
            if found is None:
                return set(nodes)
            flagged |= found
        kept = {node for node in nodes if node in flagged or not check(node)}
        self.passed += len(nodes) - len(kept)
        return kept

    def _check_of(self, shape):
        if shape not in self._checks:
            try:
                # a SPARQL constraint, of the shape or of one of its property shapes, binds
                # $this to the focus node (a property shape's may also name its path: $PATH)
                constraints = list(self.shapes.objects(shape, SH.sparql))
                for property_shape in self.shapes.objects(shape, SH.property):
                    constraints += self.shapes.objects(property_shape, SH.sparql)
                queries = [self._query(c) for c in constraints]
                self._checks[shape] = (self._node_shape(shape, top=True), queries)
            except (Unknown, AttributeError, TypeError, ValueError, re.error):
                # a parameter not as pySHACL reads it: pySHACL is left to say what it makes of it
                self._checks[shape] = None
        return self._checks[shape]

    def _query(self, constraint) -> str:
        """A SPARQL constraint's query as pySHACL runs it: its prefixes, then its SELECT."""
        rest = set(self.shapes.predicates(constraint)) - _INERT - {SH.prefixes, SH.select}
        select = self.shapes.value(constraint, SH.select)
        if rest or select is None or re.search(r"[$?]PATH\b", select):
            raise Unknown(constraint)
        prologue = []
        for ontology in self.shapes.objects(constraint, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                prefix = self.shapes.value(declaration, SH.prefix)
                namespace = self.shapes.value(declaration, SH.namespace)
                prologue.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join([*prologue, str(select)])

    # -- reading the shapes ---------------------------------------------------------------------

    def _node_shape(self, shape, top: bool = False):
        """A check of a focus node against a node shape: True only if it certainly conforms."""
        own = []  # constraints on the focus node itself
        by_path: dict = {}  # property shapes by path: their values read once
        for p, o in self.shapes.predicate_objects(shape):
            if p in _INERT or (top and p in _TARGETS) or (top and p == SH.sparql):
                continue
            if p == SH.property:
                path = self.shapes.value(o, SH.path)
                if path is None:
                    raise Unknown(o)
                by_path.setdefault(path, []).extend(self._property_checks(o))
            else:
                own.append(self._value_check(shape, p, o))
        groups = [(self._path(path), checks) for path, checks in by_path.items()]

        def conforms(focus) -> bool:
            if own and not all(c(focus, {focus}) for c in own):
                return False
            for path, checks in groups:
                values = path(focus)
                for check in checks:
                    if not check(focus, values):
                        return False
            return True

        return conforms

    def _member(self, shape):
        """A shape given as a parameter (a member of sh:or): a node or a property shape."""
        if self.shapes.value(shape, SH.path) is None:
            return self._node_shape(shape)
        path, checks = self._path(self.shapes.value(shape, SH.path)), self._property_checks(shape)
        if self.shapes.value(shape, SH.sparql) is not None:
            raise Unknown(shape)
        return lambda node: (lambda values: all(c(node, values) for c in checks))(path(node))

    def _property_checks(self, shape) -> list:
        return [
            self._value_check(shape, p, o)
            for p, o in self.shapes.predicate_objects(shape)
            if p not in (SH.path, SH.sparql) and p not in _INERT
        ]

    def _path(self, path):
        """A property path as a function from a node to its set of values."""
        by_subject, by_predicate = self.data.indexes()
        if isinstance(path, URIRef):
            return lambda node: set(by_subject.get(node, _NONE).get(path, ()))
        if isinstance(path, BNode):
            inverse = self.shapes.value(path, SH.inversePath)
            if isinstance(inverse, URIRef):
                by_object = by_predicate.get(inverse, {})
                return lambda node: set(by_object.get(node, ()))
            alternatives = self.shapes.value(path, SH.alternativePath)
            if alternatives is not None:
                members = [self._path(p) for p in Collection(self.shapes, alternatives)]
                return lambda node: set().union(*(m(node) for m in members))
            if self.shapes.value(path, RDF.first) is not None:
                steps = [self._path(p) for p in Collection(self.shapes, path)]

                def sequence(node):
                    nodes = {node}
                    for step in steps:
                        nodes = set().union(*(step(n) for n in nodes))
                    return nodes

                return sequence
        raise Unknown(path)

    def _value_check(self, shape, p, o):
        """One constraint as a function of (focus node, its value nodes): True only if no value
        node gives a result. Each follows pySHACL's rule for the constraint component."""
        shapes = self.shapes
        if p == SH.minCount:
            return lambda focus, values: len(values) >= int(o)
        if p == SH.maxCount:
            return lambda focus, values: len(values) <= int(o)
        if p == SH["class"]:
            return lambda focus, values: all(self._instance(v, o) for v in values)
        if p == SH.nodeKind and o in _NODE_KINDS:
            kinds = _NODE_KINDS[o]
            return lambda focus, values: all(isinstance(v, kinds) for v in values)
        if p == SH.datatype:
            return lambda focus, values: all(_has_datatype(v, o) for v in values)
        if p == SH.languageIn:
            wanted = {str(item.value).lower() for item in Collection(shapes, o)}
            return lambda focus, values: all(_in_languages(v, wanted) for v in values)
        if p == SH.uniqueLang and o == Literal(True):
            return lambda focus, values: _unique_languages(values)
        if p == SH.pattern and shapes.value(shape, SH.flags) is None:
            regex = re.compile(str(o))
            return lambda focus, values: all(
                not isinstance(v, BNode) and regex.search(_to_string(v)) for v in values
            )
        if p == SH.minLength and isinstance(o.value, int) and o.value > 0:
            return lambda focus, values: all(
                not isinstance(v, BNode) and len(_to_string(v)) >= o.value for v in values
            )
        if p == SH.minInclusive and isinstance(o, Literal) and not isinstance(o.value, str):
            return lambda focus, values: all(at_least(v, o) for v in values)
        if p == SH["in"]:
            members = set(Collection(shapes, o))
            return lambda focus, values: all(v in members for v in values)
        if p == SH.hasValue:
            return lambda focus, values: any(v == o for v in values)
        if p in (SH.equals, SH.disjoint) and isinstance(o, URIRef):
            equals = p == SH.equals

            def pair(focus, values):
                others = set(self._by_subject.get(focus, _NONE).get(o, ()))
                return values == others if equals else not (values & others)

            return pair
        if p == SH["or"]:
            members = [self._member(member) for member in Collection(shapes, o)]
            return lambda focus, values: all(any(m(v) for m in members) for v in values)
        if p == SH["not"]:
            inner = shapes.value(o, SH["class"])
            rest = set(shapes.predicates(o)) - {SH["class"]} - _INERT
            if inner is not None and not rest and not self.hierarchy:
                return lambda focus, values: all(not self._instance(v, inner) for v in values)
        raise Unknown((shape, p))

    def _instance(self, node, cls) -> bool:
        """Whether ``node`` has ``cls`` among its own types (sh:class also follows the data's
        rdfs:subClassOf: a node this says is not an instance, pySHACL checks)."""
        return not isinstance(node, Literal) and cls in self._by_subject.get(node, _NONE).get(
            RDF.type, ()
        )


def _has_datatype(value, datatype) -> bool:
    """pySHACL's sh:datatype rule."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == _XSD_STRING:
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    if datatype == RDF.langString and value.language:
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    return False


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def _in_languages(value, wanted: set) -> bool:
    """pySHACL's sh:languageIn rule."""
    if not isinstance(value, Literal) or not value.language:
        return False
    language = str(value.language).lower()
    return "*" in wanted or language in wanted or language.split("-")[0] in wanted


def _unique_languages(values) -> bool:
    languages = [str(v.language).lower() for v in values if isinstance(v, Literal) and v.language]
    return len(languages) == len(set(languages))


def at_least(value, minimum: Literal) -> bool:
    """pySHACL's sh:minInclusive rule, for a minimum that is not a string. False where the
    two cannot be compared (a dateTime and a date): the node is then left to pySHACL, which
    reports it, never passed unchecked."""
    if not isinstance(value, Literal) or isinstance(value.value, str):
        return False
    try:
        return compare_literal(value, minimum) >= 0
    except TypeError:  # incomparable: pySHACL's own sh:minInclusive catches it too, and reports
        return False
