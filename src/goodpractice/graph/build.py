"""Build the RDF graph from the content model: the one model every view is rendered from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from .. import vocab
from ..content import (
    Citation,
    Content,
    Deprecation,
    Entry,
    Footnote,
    Memorandum,
    document_order,
    fold,
    parse_date,
)
from ..iris import Iris, citation_iri
from ..vocab import PREFIXES
from .store import TripleStore, collection_paused
from .terms import Terms

DCAT, DCTERMS, FOAF, OWL, PROV = (Terms(n) for n in (ns.DCAT, ns.DCTERMS, ns.FOAF, ns.OWL, ns.PROV))
RDF, RDFS, SKOS, VOID, XSD = (Terms(n) for n in (ns.RDF, ns.RDFS, ns.SKOS, ns.VOID, ns.XSD))
CITO, GP, SCHEMA = Terms(vocab.CITO), Terms(vocab.GP), Terms(vocab.SCHEMA)

ENTRY_TYPES = {
    "framework-document": (SKOS.ConceptScheme, GP.FrameworkDocument),
    "resolution": (GP.Resolution, DCTERMS.BibliographicResource),
    "document": (DCTERMS.BibliographicResource,),
    "initiative": (GP.Initiative, PROV.Activity),
    # schema:Organization too: the class SKOS publication profiles (VocPub) expect of publishers.
    "organisation": (FOAF.Organization, SCHEMA.Organization),
}


def new_graph() -> Graph:
    """An empty graph with the publication's prefixes, in the build's store (``TripleStore``)."""
    graph = Graph(store=TripleStore())
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


fast_literals: Counter = Counter()  # "english": literals made without ``Literal.__new__``
_new_str = str.__new__


def english(text: str) -> Literal:
    """``Literal(text, lang="en")``. For a plain string, the literal that call makes is made
    directly (its four slots set as rdflib sets them for a valid tag and no datatype): rdflib
    checks the tag and casts the value on each call, a sixth of building the graph."""
    if type(text) is not str:
        return Literal(text, lang="en")
    literal = _new_str(Literal, text)
    literal._language = "en"
    literal._datatype = None
    literal._value = text
    literal._ill_typed = None
    fast_literals["english"] += 1
    return literal


def date_literal(value: str) -> Literal:
    parsed = parse_date(value)
    if parsed is None:  # load_content has rejected it already; keep the value, untyped
        return Literal(value)
    lexical, kind = parsed
    return Literal(lexical, datatype=XSD[kind])


def build_graph(content: Content) -> Graph:
    """The whole dataset: memoranda, catalogue, glossaries and the dataset description."""
    graph, collected = new_graph(), TripleCollector()
    with collection_paused():
        for part in graph_parts(content):
            part.add(collected)
        # In bulk, and straight to the store: Graph.addN would check each term's type again
        graph.store.addN((s, p, o, graph) for s, p, o in collected.triples)
    return graph


class TripleCollector:
    """What the parts add, in order: a stand-in for the graph, added to it at once (``addN``
    spares the per-triple calls of ``Graph.add``)."""

    def __init__(self):
        self.triples: list[tuple] = []

    def add(self, triple: tuple) -> None:
        self.triples.append(triple)


@dataclass(frozen=True)
class GraphPart:
    """A part of the graph made from one part of the content alone (``source``): a rebuild
    makes it again only if its source changed."""

    key: str
    source: object
    add: Callable[[Graph], None]  # adds the part's triples to a graph (it only adds)


def graph_parts(content: Content) -> Iterator[GraphPart]:
    """The parts of the graph, in the order a build adds them."""
    iri = Iris(content.publication.base_iri)
    encoded = {memo.key for memo in content.memoranda}
    for entry in sorted(content.catalogue.values(), key=lambda e: e.key):
        # A stub whose memorandum is now encoded: the memorandum's own files describe it, and
        # its cited practices are the encoded ones (the same IRIs), so the stub adds nothing.
        if entry.key not in encoded:
            yield GraphPart(
                f"entry {entry.key}", (iri.base, entry), partial(_add_entry, iri=iri, entry=entry)
            )
    for memo in content.memoranda:
        yield GraphPart(
            f"memorandum {memo.key}", (iri.base, memo), partial(_add_memorandum, iri=iri, memo=memo)
        )
    yield GraphPart("dataset", content, partial(_add_dataset, iri=iri, content=content))


def _add_entry(graph: Graph, iri: Iris, entry: Entry) -> None:
    node = iri(entry.key)
    for cls in ENTRY_TYPES[entry.kind]:
        graph.add((node, RDF.type, cls))
    graph.add((node, SKOS.prefLabel, english(entry.label)))
    for label in entry.alt_labels:
        graph.add((node, SKOS.altLabel, english(label)))
    if entry.title:
        graph.add((node, DCTERMS.title, english(entry.title)))
    if entry.identifier:
        graph.add((node, DCTERMS.identifier, Literal(entry.identifier)))
    if entry.publisher:
        graph.add((node, DCTERMS.publisher, iri(entry.publisher)))
    if entry.issued:
        graph.add((node, DCTERMS.issued, date_literal(entry.issued)))
    if entry.url:
        graph.add((node, SCHEMA.url, URIRef(entry.url)))
    for url in entry.see_also:
        graph.add((node, RDFS.seeAlso, URIRef(url)))
    if entry.description:
        graph.add((node, DCTERMS.description, english(entry.description)))
    if entry.history_note:
        graph.add((node, SKOS.historyNote, english(entry.history_note)))
    if entry.bibliographic_citation:
        graph.add((node, DCTERMS.bibliographicCitation, english(entry.bibliographic_citation)))
    for note in entry.editorial_notes:
        graph.add((node, SKOS.editorialNote, english(note)))
    for key in entry.led_by + entry.partners:
        graph.add((node, PROV.wasAssociatedWith, iri(key)))
    _add_deprecation(graph, iri, node, entry.deprecation)
    for practice in entry.practices:
        number = int(practice.notation[2:])
        gp = iri.cited_practice(entry.key, practice.notation)
        graph.add((gp, RDF.type, SKOS.Concept))
        graph.add((gp, RDF.type, GP.GoodPractice))
        graph.add((gp, SKOS.inScheme, node))
        graph.add((gp, RDFS.isDefinedBy, node))
        graph.add((gp, SKOS.notation, Literal(practice.notation)))
        graph.add((gp, GP.ordinal, Literal(number)))
        graph.add((gp, SKOS.prefLabel, english(practice.title or f"Good Practice {number}")))
        for words, _source in practice.descriptions:
            graph.add((gp, SKOS.scopeNote, english(fold(words))))


def _add_text(
    graph: Graph, node: URIRef, plain_property: URIRef, marked_property: URIRef, text
) -> None:
    graph.add((node, plain_property, english(text.plain)))
    graph.add((node, marked_property, english(text.marked)))


def _add_memorandum(graph: Graph, iri: Iris, memo: Memorandum) -> None:
    scheme = iri(memo.key)
    unit_iri = {u.key: iri.unit(memo.key, u.key) for u in [*memo.units(), *memo.footnotes]}

    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDF.type, GP.FrameworkDocument))
    graph.add((scheme, DCTERMS.title, english(memo.title)))
    graph.add((scheme, SKOS.prefLabel, english(memo.title)))
    if memo.short_title != memo.title:
        graph.add((scheme, SKOS.altLabel, english(memo.short_title)))
    graph.add((scheme, DCTERMS.issued, date_literal(memo.issued)))
    graph.add((scheme, DCTERMS.publisher, iri(memo.publisher)))
    # A memorandum is the work of the forum that endorses and publishes it.
    graph.add((scheme, DCTERMS.creator, iri(memo.publisher)))
    for key in memo.contributors:
        graph.add((scheme, DCTERMS.contributor, iri(key)))
    if memo.generated_by:
        graph.add((scheme, PROV.wasGeneratedBy, iri(memo.generated_by)))
    if memo.history_note:
        graph.add((scheme, SKOS.historyNote, english(memo.history_note)))
    # Nor does the source define the memorandum as a whole: the same, from its structure.
    graph.add((scheme, SKOS.definition, english(memorandum_definition(memo))))
    graph.add((scheme, SKOS.editorialNote, english(MEMORANDUM_DEFINITION_NOTE)))

    for part, unit in (("introduction", memo.introduction), ("conclusion", memo.conclusion)):
        node = unit_iri[unit.key]
        graph.add((scheme, GP[part], node))
        graph.add((node, RDF.type, GP[part.capitalize()]))
        graph.add((node, DCTERMS.isPartOf, scheme))
        graph.add((node, SKOS.prefLabel, english(memo.headings[part])))
        _add_text(graph, node, RDF.value, GP.markedText, unit.texts[0])

    for section in memo.sections:
        node = unit_iri[section.key]
        graph.add((scheme, SKOS.hasTopConcept, node))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, GP.Section))
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, RDFS.isDefinedBy, scheme))
        graph.add((node, SKOS.notation, Literal(section.notation)))
        graph.add((node, GP.ordinal, Literal(section.number)))
        _add_text(graph, node, SKOS.prefLabel, GP.markedTitle, section.title)
        # The source gives a section a heading and no text; SKOS profiles (VocPub) want a
        # definition of every concept: this edition writes one from the structure alone.
        held = [p.number for p in current_practices(memo) if p.section == section.notation]
        graph.add((node, SKOS.definition, english(section_definition(memo, section, held))))
        graph.add((node, SKOS.editorialNote, english(SECTION_DEFINITION_NOTE)))

    section_iri = {s.notation: unit_iri[s.key] for s in memo.sections}
    for practice in memo.practices:
        node = unit_iri[practice.key]
        section = section_iri[practice.section]
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, GP.GoodPractice))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, RDFS.isDefinedBy, scheme))
        graph.add((node, SKOS.broader, section))
        graph.add((section, SKOS.narrower, node))
        graph.add((node, SKOS.notation, Literal(f"GP{practice.number}")))
        graph.add((node, GP.ordinal, Literal(practice.number)))
        _add_text(graph, node, SKOS.prefLabel, GP.markedTitle, practice.title)
        _add_text(graph, node, SKOS.definition, GP.markedText, practice.body)

    for footnote in memo.footnotes:
        node = unit_iri[footnote.key]
        graph.add((node, RDF.type, GP.Footnote))
        graph.add((node, DCTERMS.isPartOf, scheme))
        graph.add((node, SKOS.prefLabel, english(f"Footnote {footnote.number}")))
        graph.add((node, GP.ordinal, Literal(footnote.number)))
        # A retired footnote whose marker the text no longer carries is attached to nothing.
        if footnote.attached_to:
            unit = unit_iri[footnote.attached_to]
            graph.add((node, GP.attachedTo, unit))
            graph.add((unit, GP.hasFootnote, node))
        _add_text(graph, node, RDF.value, GP.markedText, footnote.text)

    # Citations and mentions: from the unit whose text (or footnote) makes them.
    for unit in [*memo.units(), *memo.footnotes]:
        source = unit_iri[unit.key]
        attached = isinstance(unit, Footnote) and unit.attached_to
        citing = unit_iri[unit.attached_to] if attached else source
        for number, citation in enumerate(unit.citations, start=1):
            _add_citation(graph, iri, citing, source, number, citation)
        for key, _location in unit.mentions:
            graph.add((source, SCHEMA.mentions, iri(key)))
            if citing != source:
                graph.add((citing, SCHEMA.mentions, iri(key)))
        for note in unit.editorial_notes:
            graph.add((source, SKOS.editorialNote, english(note)))
        _add_deprecation(graph, iri, source, unit.deprecation)

    # The order of the source, for views that rebuild the document.
    for position, unit in enumerate(document_order(memo), start=1):
        graph.add((unit_iri[unit.key], GP.position, Literal(position)))

    if memo.glossary:
        _add_glossary(graph, iri, memo, scheme, unit_iri)


SECTION_DEFINITION_NOTE = (
    "The definition of this section is this edition's, not the memorandum's: the memorandum "
    "gives its sections a heading and no text, so the definition says only what the document's "
    "structure shows, the heading and the good practices under it."
)


MEMORANDUM_DEFINITION_NOTE = (
    "The definition of this memorandum is this edition's, not the memorandum's: it says only "
    "what the document's structure shows, its title and its parts."
)


def memorandum_definition(memo: Memorandum) -> str:
    """What the document's structure says of a memorandum: its title and its parts."""
    practices, sections = len(current_practices(memo)), len(memo.sections)
    parts = [
        "an introduction",
        f"{practices} good practice{'s' if practices != 1 else ''} in "
        f"{sections} section{'s' if sections != 1 else ''}",
        "a conclusion",
    ]
    if memo.glossary:
        terms = len(memo.glossary.terms)
        parts.append(f"a glossary of {terms} term{'s' if terms != 1 else ''}")
    return f'The memorandum "{memo.title}": {", ".join(parts[:-1])} and {parts[-1]}.'


def current_practices(memo: Memorandum) -> list:
    """The practices of the memorandum as it stands: a retired one (deprecated) keeps its IRI
    and its place in the hierarchy, but not a place in the document or its count."""
    return [p for p in memo.practices if not p.deprecation]


def section_definition(memo: Memorandum, section, practices: list[int]) -> str:
    """What the document's structure says of a section: its heading and the practices it holds."""
    return (
        f"Section {section.notation} of the {memo.short_title}, under the heading "
        f'"{section.title.plain}", which holds {practice_span(practices)}.'
    )


def practice_span(numbers: list[int]) -> str:
    """'Good Practices 7 to 12', 'Good Practice 1', 'Good Practices 1, 3 and 5 to 7'."""
    if not numbers:
        return "no good practice"
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    plural = len(numbers) > 1
    return f"Good Practice{'s' if plural else ''} {listed}"


def _add_citation(
    graph: Graph, iri: Iris, citing: URIRef, source: URIRef, number: int, citation: Citation
) -> None:
    cited = iri(citation.cites)
    kind = CITO[citation.kind]
    node = citation_iri(source, number)
    graph.add((citing, kind, cited))
    graph.add((citing, CITO.cites, cited))
    graph.add((node, RDF.type, CITO.Citation))
    graph.add((node, CITO.hasCitingEntity, citing))
    graph.add((node, CITO.hasCitedEntity, cited))
    graph.add((node, CITO.hasCitationCharacterization, kind))
    graph.add((node, PROV.wasDerivedFrom, source))
    graph.add((node, GP.citingWords, english(fold(citation.words))))
    graph.add((node, GP.ordinal, Literal(number)))


def _add_glossary(
    graph: Graph, iri: Iris, memo: Memorandum, scheme: URIRef, unit_iri: dict[str, URIRef]
) -> None:
    glossary = memo.glossary
    node = iri.glossary(memo.key, glossary.key)
    graph.add((node, RDF.type, SKOS.ConceptScheme))
    graph.add((node, RDF.type, GP.Glossary))
    graph.add((node, SKOS.prefLabel, english(glossary.title)))
    graph.add((node, SKOS.definition, english(glossary.definition)))
    graph.add((node, DCTERMS.isPartOf, scheme))
    graph.add((scheme, DCTERMS.hasPart, node))
    # Its terms and definitions are the memorandum's own words, so: its origin and its author.
    graph.add((node, PROV.wasDerivedFrom, scheme))
    graph.add((node, DCTERMS.creator, iri(memo.publisher)))
    graph.add((node, DCTERMS.publisher, iri(memo.publisher)))
    for position, term in enumerate(glossary.terms, start=1):
        t = iri.term(memo.key, glossary.key, term.key)
        graph.add((t, RDF.type, SKOS.Concept))
        graph.add((t, SKOS.inScheme, node))
        graph.add((t, RDFS.isDefinedBy, node))
        graph.add((t, SKOS.topConceptOf, node))
        graph.add((node, SKOS.hasTopConcept, t))
        graph.add((t, SKOS.prefLabel, english(term.label)))
        graph.add((t, SKOS.definition, english(fold(term.definition))))
        graph.add((t, DCTERMS.source, unit_iri[f"fn{term.source}"]))
        graph.add((t, GP.ordinal, Literal(position)))
        _add_deprecation(graph, iri, t, term.deprecation)


def _add_deprecation(graph: Graph, iri: Iris, node: URIRef, deprecation: Deprecation | None):
    """A retired resource stays published (its IRI never vanishes), marked as deprecated, with
    what replaces it and why (OWL, DCTERMS and SKOS's own terms for it)."""
    if deprecation is None:
        return
    graph.add((node, OWL.deprecated, Literal(True)))
    if deprecation.replaced_by:
        graph.add((node, DCTERMS.isReplacedBy, iri(deprecation.replaced_by)))
    if deprecation.note:
        graph.add((node, SKOS.changeNote, english(deprecation.note)))


def _add_dataset(graph: Graph, iri: Iris, content: Content) -> None:
    pub = content.publication
    node = iri.dataset()
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, DCTERMS.title, english(pub.title)))
    graph.add((node, DCTERMS.description, english(pub.description)))
    graph.add((node, DCTERMS.publisher, iri(pub.publisher)))
    graph.add((node, DCTERMS.issued, date_literal(pub.issued)))
    graph.add((node, DCTERMS.modified, date_literal(pub.modified)))
    graph.add((node, DCTERMS.rights, english(pub.rights)))
    graph.add((node, DCTERMS.license, URIRef(pub.license)))
    graph.add((node, OWL.versionInfo, Literal(pub.version)))
    graph.add((node, URIRef(str(DCAT) + "version"), Literal(pub.version)))
    graph.add((node, VOID.uriSpace, Literal(pub.base_iri)))
    if pub.sparql_endpoint:
        graph.add((node, VOID.sparqlEndpoint, URIRef(pub.sparql_endpoint)))
    for memo in content.memoranda:
        graph.add((node, VOID.rootResource, iri(memo.key)))
