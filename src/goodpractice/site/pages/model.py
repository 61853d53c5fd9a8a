"""The data model page: the project's own terms (from the ontology) and the SHACL shapes, in
words; and the ontology's own files (def.ttl, def.jsonld, def.nt)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ... import export
from ...ontology import ontology_file
from ...vocab import GP, RESOURCE_FORMATS, SH
from ..links import Code, Emphasis, concat, joined
from .dataset import local_name

# How each SHACL constraint reads, before its value.
CONSTRAINTS = {
    "minCount": "at least", "maxCount": "at most", "datatype": "datatype", "class": "of class",
    "nodeKind": "node kind", "pattern": "matches", "in": "one of", "languageIn": "language",
    "uniqueLang": "one per language", "hasValue": "has value", "minLength": "min length",
    "maxLength": "max length", "minInclusive": "≥", "maxInclusive": "≤", "node": "conforms to",
    "equals": "equals", "disjoint": "disjoint from", "lessThan": "less than", "or": "one of:",
    "qualifiedMinCount": "qualified at least", "qualifiedMaxCount": "qualified at most",
}  # fmt: skip
TARGETS = (("targetClass", "every"), ("targetNode", "the node"),
           ("targetSubjectsOf", "every subject of"), ("targetObjectsOf", "every object of"))  # fmt: skip


def text_of(graph: Graph, node, *props) -> str | None:
    """The first of ``props`` the node has, in English if it has several."""
    for prop in props:
        values = sorted(graph.objects(node, prop),
                        key=lambda v: (getattr(v, "language", None) != "en", str(v)))  # fmt: skip
        if values:
            return str(values[0])
    return None


def stable(value):
    """A JSON-LD value with every unordered array sorted, so that its bytes do not depend on
    the hash seed: JSON-LD arrays are sets, except @list (kept in order)."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else stable(v)) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [stable(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def ontology_document(graph: Graph) -> dict:
    """The ontology (not data, so not among the exports' documents) as compacted JSON-LD."""
    context = export.load_context()["@context"]
    text = export.canonical(graph).serialize(format="json-ld", context=context, auto_compact=True)
    document = stable(json.loads(text))
    if "@context" in document:
        return {"@context": document.pop("@context"), **document}
    return document


def terms(onto: Graph) -> list[dict]:
    ns = str(GP)
    groups = []
    for title, classes in (("Classes", (OWL.Class, RDFS.Class)),
                           ("Properties", (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property))):  # fmt: skip
        found = sorted(
            {t for c in classes for t in onto.subjects(RDF.type, c) if str(t).startswith(ns)},
            key=str,
        )
        if not found:
            continue
        items = []
        for t in found:

            def codes(prop, t=t) -> list:
                """The terms ``t`` links to by ``prop``, as prefixed names."""
                return joined(
                    Code(onto.namespace_manager.normalizeUri(o))
                    for o in sorted(onto.objects(t, prop), key=str)
                )

            rows = [
                ("IRI", [Code(str(t))]),
                ("Definition", text_of(onto, t, SKOS.definition, RDFS.comment) or ""),
                ("Subclass of", codes(RDFS.subClassOf)),
                ("Domain", codes(RDFS.domain)),
                ("Range", codes(RDFS.range)),
                ("Inverse of", codes(OWL.inverseOf)),
            ]
            items.append({
                "name": local_name(t),
                "label": text_of(onto, t, RDFS.label) or local_name(t),
                "facts": [(k, v) for k, v in rows if v],
                "functional": (t, RDF.type, OWL.FunctionalProperty) in onto,
            })  # fmt: skip
        groups.append({"title": title, "terms": items})
    return groups


class Shapes:
    """The SHACL shapes, in words."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.nm = graph.namespace_manager

    def term(self, o) -> list:
        if isinstance(o, URIRef):
            return [Code(self.nm.normalizeUri(o))]
        if isinstance(o, BNode):
            items = list(self.g.items(o))
            if items:
                return concat((self.term(i) for i in items), ", ")
            return self.nested(o)
        return [Code(str(o))]

    def path(self, p) -> str:
        g = self.g
        if isinstance(p, BNode):
            inverse = g.value(p, SH.inversePath)
            if inverse is not None:
                return f"^{self.path(inverse)}"
            items = list(g.items(p))
            if items:
                return "/".join(self.path(i) for i in items)
            alternative = g.value(p, SH.alternativePath)
            if alternative is not None:
                return "|".join(self.path(i) for i in g.items(alternative))
            return "?"
        return self.nm.normalizeUri(p) if isinstance(p, URIRef) else str(p)

    def nested(self, shape) -> list:
        """A shape written inline (in sh:or, sh:node …): what it asks, in words."""
        said = []
        for p, o in sorted(
            self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))
        ):
            local = str(p).removeprefix(str(SH))
            if local in CONSTRAINTS and local != "or":
                said.append([f"{CONSTRAINTS[local]} ", *self.term(o)])
            elif local == "or":
                said.append(["one of: ", *self.term(o)])
        if not said:
            return [Emphasis("any value")]
        return ["(", *concat(said, " and "), ")"]

    def constraints(self, node) -> list:
        found = []
        for p, o in sorted(self.g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            local = str(p).removeprefix(str(SH))
            if local in CONSTRAINTS:
                found.append([f"{CONSTRAINTS[local]} ", *self.term(o)])
        if (node, SH.sparql, None) in self.g:
            found.append(["a SPARQL check"])
        return concat(found, "; ")

    def shapes(self) -> list[dict]:
        g = self.g
        nodes = sorted({s for s in g.subjects(RDF.type, SH.NodeShape)}
                       | {s for p, _ in TARGETS for s in g.subjects(SH[p], None)}, key=str)  # fmt: skip
        out = []
        for shape in nodes:
            targets = []
            for p, what in TARGETS:
                for o in sorted(g.objects(shape, SH[p]), key=str):
                    targets.append([f"{what} ", *self.term(o)])
            rows = []
            for prop in sorted(
                g.objects(shape, SH.property), key=lambda b: str(g.value(b, SH.path))
            ):
                severity = g.value(prop, SH.severity)
                rows.append({
                    "path": self.path(g.value(prop, SH.path)),
                    "constraints": self.constraints(prop),
                    "severity": f" ({local_name(severity).lower()})" if severity is not None else "",
                    "message": text_of(g, prop, SH.message, SH.description, SH.name) or "",
                })  # fmt: skip
            out.append({
                "name": local_name(shape) if isinstance(shape, URIRef) else "shape",
                "prefixed": self.nm.normalizeUri(shape) if isinstance(shape, URIRef) else "shape",
                "targets": concat(targets, ", "),
                "description": text_of(g, shape, SH.description, RDFS.comment, SKOS.definition, SH.message) or "",
                "rows": rows,
                "sparql": [text_of(g, s, SH.message, RDFS.comment) or "a SPARQL check"
                           for s in g.objects(shape, SH.sparql)],
            })  # fmt: skip
        return out


def parsed(path: Path) -> Graph:
    """The Turtle file, parsed once per process while it stays the same (a rebuild in
    ``goodpractice serve`` parses it again only if it changed). Read-only: shared."""
    if not path.exists():
        return Graph()
    stat = path.stat()
    return _parsed(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, modified: int, size: int) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


@functools.lru_cache(maxsize=2)
def made_of(onto: Graph, shapes: Graph) -> tuple:
    """The terms, the shapes in words, def.nt and the ontology's JSON-LD document: made once
    per parsed ontology and shapes (``parsed``: a rebuild makes them again only if a file
    changed). Read-only: shared."""
    shown = Shapes(shapes).shapes() if len(shapes) else []
    return terms(onto), shown, export.ntriples(onto), ontology_document(onto)


def model(site) -> None:
    onto = parsed(ontology_file("ontology.ttl"))
    shapes_path = ontology_file("shapes.ttl")
    shapes = parsed(shapes_path)
    groups, shown, ntriples, document = made_of(onto, shapes)
    context = {"title": "Data model", "namespace": str(GP), "groups": groups, "shapes": shown}
    site.files["def.ttl"] = ontology_file("ontology.ttl").read_bytes()
    site.files["def.nt"] = ntriples
    site.files["def.jsonld"] = export.dumps(document)
    if len(shapes):
        site.files.setdefault("shapes.ttl", shapes_path.read_bytes())
    site.add(
        "def",
        "pages/model.html",
        context,
        iri=URIRef(str(GP).rstrip("#")),
        jsonld=document,
        alternates=[(f.media_type, f"../def.{f.extension}") for f in RESOURCE_FORMATS],
    )
