"""The findings of a check and the report a maintainer reads: one line per problem, naming
the file and line where it is written, the resource and property, and what is wrong:

    content/catalogue/documents.yaml:139: un/s-res-2396-2017: dcterms:identifier: <message>

or the same as JSON (``--format json``), and the standard SHACL report (``--report``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS

from ..content import ContentError, Location, Problem
from ..graph import new_graph
from ..vocab import SCHEMA


class CheckedModel(Protocol):
    """What a check reads: the loaded content, the graph built from it, and where each
    resource is written in the content files (the pipeline's ``Model``)."""

    content: object
    graph: Graph
    locations: dict[URIRef, Location]


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
        """The problems the content stage found before a graph could be built, as findings. Its SHACL
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


def findings_from_report(report: Graph, model: CheckedModel) -> list[Finding]:
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


def _locate(model: CheckedModel, node, path) -> Location | None:
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


def finding_order(finding: Finding) -> tuple:
    """Findings by file and line, then resource, property and message."""
    location = finding.location
    return (
        location is None,
        (str(location.path), location.line) if location else ("", 0),
        finding.resource or "",
        finding.property or "",
        finding.message,
        finding.severity,
    )
