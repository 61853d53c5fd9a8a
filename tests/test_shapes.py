"""The published shapes, run as an outside user would: pySHACL on build/ output and shapes.ttl.

Each mutation breaks the exported graph in one way; the shapes alone must reject it with the
exact results listed (severity, focus node, path, message).
"""

from __future__ import annotations

import re

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, SH, SKOS, XSD

from goodpractice.build import build

from .conftest import BASE, CONTENT

GP = Namespace(BASE + "def#")
CITO = Namespace("http://purl.org/spar/cito/")
SCHEMA = Namespace("https://schema.org/")
MEMO = "rabat-washington"


def iri(key: str) -> URIRef:
    return URIRef(BASE + key)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("shapes") / "build"
    build(CONTENT, out)
    return out


@pytest.fixture(scope="module")
def shapes(built):
    return Graph().parse(built / "shapes.ttl", format="turtle")


@pytest.fixture
def data(built):
    return Graph().parse(built / "dataset.ttl", format="turtle")


def results(data: Graph, shapes: Graph) -> list[tuple[str, str, str | None, str]]:
    """(severity, focus key, property, message) of every result, sorted."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    found = []
    for result in report.objects(None, SH.result):  # top-level results, not their sh:detail
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        found.append(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
                str(focus).removeprefix(BASE) if isinstance(focus, URIRef) else "_:blank",
                path_text(report, path) if path is not None else "",
                str(report.value(result, SH.resultMessage)).replace(BASE, ""),
            )
        )
    return sorted(found)


def path_text(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return graph.namespace_manager.normalizeUri(path)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + path_text(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "|".join(path_text(graph, p) for p in Collection(graph, alternatives))
    return "/".join(path_text(graph, p) for p in Collection(graph, path))


# --------------------------------------------------------------------------------------------
# The shapes themselves


def test_the_published_data_conforms_with_no_warnings(data, shapes):
    conforms, _report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert results(data, shapes) == []
    assert conforms, text


def test_build_publishes_the_shapes(built):
    assert (built / "shapes.ttl").read_bytes() == (
        CONTENT.parent / "ontology/shapes.ttl"
    ).read_bytes()


def test_every_constraint_has_a_message(shapes):
    """Every shape that states a constraint (not only nests value shapes) says what is wrong."""
    parameters = {
        SH.minCount,
        SH.maxCount,
        SH.datatype,
        SH["class"],
        SH.nodeKind,
        SH.pattern,
        SH.languageIn,
        SH.uniqueLang,
        SH.equals,
        SH.disjoint,
        SH["in"],
        SH.hasValue,
        SH.minInclusive,
        SH.minLength,
        SH.node,
        SH["or"],
        SH["not"],
    }
    silent = []
    for shape in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.NodeShape)):
        if any(shapes.value(shape, p) is not None for p in parameters) and not shapes.value(
            shape, SH.message
        ):
            silent.append(shape)
    # the class alternatives inside an sh:or are reported through the property that holds them
    silent = [s for s in silent if set(shapes.predicates(s, None)) != {SH["class"]}]
    assert silent == []
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None


def test_every_message_is_english_text(shapes):
    for message in shapes.objects(None, SH.message):
        assert isinstance(message, Literal) and message.language == "en"
        # a sentence, or one that starts with the property it is about
        assert re.match(r"[A-Z{]|[a-z]+:[a-zA-Z]+ ", message), message


def test_the_shapes_target_kinds_not_our_resources(shapes):
    assert list(shapes.objects(None, SH.targetNode)) == []
    for node in shapes.all_nodes():
        assert not str(node).startswith(BASE + MEMO), node


# --------------------------------------------------------------------------------------------
# Mutations of the exported graph


def remove_resource(graph: Graph, node: URIRef) -> None:
    graph.remove((node, None, None))


def mutation_results(data, shapes, mutate) -> list[tuple]:
    mutate(data)
    return results(data, shapes)


MUTATIONS = {}
EXPECTED = {}


def mutation(name, expected):
    def register(function):
        MUTATIONS[name] = function
        EXPECTED[name] = expected
        return function

    return register


def _set(graph, subject, predicate, value):
    graph.set((iri(subject), predicate, value))


MUTATIONS.update(
    {
        "a removed label": lambda g: g.remove((iri(f"{MEMO}/gp5"), SKOS.prefLabel, None)),
        "a second English label": lambda g: g.add(
            (iri(f"{MEMO}/gp5"), SKOS.prefLabel, Literal("Another title", lang="en"))
        ),
        "a label in French": lambda g: g.add(
            (iri("org/gctf"), SKOS.altLabel, Literal("Forum mondial", lang="fr"))
        ),
        "a preferred label that is also an alternative label": lambda g: g.add(
            (iri("org/gctf"), SKOS.altLabel, Literal("Global Counterterrorism Forum", lang="en"))
        ),
        "a dangling citation": lambda g: remove_resource(g, iri("un/s-res-2396-2017")),
        "a wrong resolution symbol": lambda g: _set(
            g, "un/s-res-2396-2017", DCTERMS.identifier, Literal("S/RES/2396/2017")
        ),
        "a resolution without its UN record": lambda g: g.remove(
            (iri("un/a-res-60-288"), SCHEMA.url, None)
        ),
        "a practice under a practice": lambda g: [
            g.remove((iri(f"{MEMO}/section-2"), SKOS.narrower, iri(f"{MEMO}/gp5"))),
            g.add((iri(f"{MEMO}/gp4"), SKOS.narrower, iri(f"{MEMO}/gp5"))),
            _set(g, f"{MEMO}/gp5", SKOS.broader, iri(f"{MEMO}/gp4")),
        ],
        "a practice under no section": lambda g: [
            g.remove((iri(f"{MEMO}/section-2"), SKOS.narrower, iri(f"{MEMO}/gp5"))),
            g.remove((iri(f"{MEMO}/gp5"), SKOS.broader, None)),
        ],
        "a missing date on the memorandum": lambda g: g.remove((iri(MEMO), DCTERMS.issued, None)),
        "a memorandum without its conclusion": lambda g: remove_resource(
            g, iri(f"{MEMO}/conclusion")
        ),
        "a footnote attached to two texts": lambda g: [
            g.add((iri(f"{MEMO}/fn5"), GP.attachedTo, iri(f"{MEMO}/gp1"))),
            g.add((iri(f"{MEMO}/gp1"), GP.hasFootnote, iri(f"{MEMO}/fn5"))),
        ],
        "a footnote attached to nothing": lambda g: [
            g.remove((iri(f"{MEMO}/fn5"), GP.attachedTo, None)),
            g.remove((None, GP.hasFootnote, iri(f"{MEMO}/fn5"))),
        ],
        "a footnote its text does not list": lambda g: g.remove(
            (None, GP.hasFootnote, iri(f"{MEMO}/fn5"))
        ),
        "a footnote attached to a footnote": lambda g: [
            g.remove((None, GP.hasFootnote, iri(f"{MEMO}/fn5"))),
            _set(g, f"{MEMO}/fn5", GP.attachedTo, iri(f"{MEMO}/fn4")),
            g.add((iri(f"{MEMO}/fn4"), GP.hasFootnote, iri(f"{MEMO}/fn5"))),
        ],
        "a gap in the practice numbers": lambda g: [
            _set(g, f"{MEMO}/gp19", GP.ordinal, Literal(20)),
            _set(g, f"{MEMO}/gp19", SKOS.notation, Literal("GP20")),
        ],
        "a footnote number used twice": lambda g: _set(g, f"{MEMO}/fn27", GP.ordinal, Literal(26)),
        "a notation used twice in a scheme": lambda g: [
            _set(g, "hague-marrakech/gp16", SKOS.notation, Literal("GP7")),
            _set(g, "hague-marrakech/gp16", GP.ordinal, Literal(7)),
        ],
        "a practice notation that is not GP and its number": lambda g: _set(
            g, f"{MEMO}/gp5", SKOS.notation, Literal("Practice 5")
        ),
        "a section notation that is not a Roman numeral": lambda g: _set(
            g, f"{MEMO}/section-2", SKOS.notation, Literal("2")
        ),
        "a related concept that is broader at two levels": lambda g: [
            g.add(
                (
                    iri(f"{MEMO}/glossary/prevention"),
                    SKOS.broader,
                    iri(f"{MEMO}/glossary/intervention"),
                )
            ),
            g.add(
                (
                    iri(f"{MEMO}/glossary/intervention"),
                    SKOS.narrower,
                    iri(f"{MEMO}/glossary/prevention"),
                )
            ),
            g.add(
                (
                    iri(f"{MEMO}/glossary/intervention"),
                    SKOS.broader,
                    iri(f"{MEMO}/glossary/legal-options"),
                )
            ),
            g.add(
                (
                    iri(f"{MEMO}/glossary/legal-options"),
                    SKOS.narrower,
                    iri(f"{MEMO}/glossary/intervention"),
                )
            ),
            g.add(
                (
                    iri(f"{MEMO}/glossary/prevention"),
                    SKOS.related,
                    iri(f"{MEMO}/glossary/legal-options"),
                )
            ),
        ],
        "a top concept outside its scheme": lambda g: g.remove(
            (iri(f"{MEMO}/glossary/prevention"), SKOS.inScheme, None)
        ),
        "a cited practice under a section of another memorandum": lambda g: [
            g.add((iri("hague-marrakech/gp7"), SKOS.broader, iri(f"{MEMO}/section-1"))),
            g.add((iri(f"{MEMO}/section-1"), SKOS.narrower, iri("hague-marrakech/gp7"))),
        ],
        "an orphan concept": lambda g: [
            g.remove((iri(f"{MEMO}/glossary/prevention"), SKOS.topConceptOf, None)),
            g.remove((None, SKOS.hasTopConcept, iri(f"{MEMO}/glossary/prevention"))),
        ],
        "a practice without its text": lambda g: g.remove(
            (iri(f"{MEMO}/gp5"), SKOS.definition, None)
        ),
        "a glossary term without definition or source": lambda g: [
            g.remove((iri(f"{MEMO}/glossary/prevention"), SKOS.definition, None)),
            g.remove((iri(f"{MEMO}/glossary/prevention"), DCTERMS.source, None)),
        ],
        "a label with stray whitespace": lambda g: _set(
            g, "org/morocco", SKOS.prefLabel, Literal("Morocco ", lang="en")
        ),
        "an empty note": lambda g: g.add(
            (iri("org/iij"), SKOS.editorialNote, Literal("", lang="en"))
        ),
        "a citation stated only once": lambda g: g.remove(
            (iri(f"{MEMO}/gp10"), CITO.cites, iri("un/s-res-2396-2017"))
        ),
        "a citation of an unknown type": lambda g: _set(
            g, f"{MEMO}/fn15#citation-2", CITO.hasCitationCharacterization, CITO.cites
        ),
        "a dataset issued as plain text": lambda g: _set(
            g, "dataset", DCTERMS.issued, Literal("2026-11-24")
        ),
        "a dataset without its memoranda": lambda g: g.remove(
            (iri("dataset"), URIRef("http://rdfs.org/ns/void#rootResource"), None)
        ),
        "an organisation that is also a document": lambda g: g.add(
            (iri("org/gctf"), RDF.type, DCTERMS.BibliographicResource)
        ),
        "an initiative led by a document": lambda g: g.add(
            (
                iri("initiative/e4j"),
                URIRef("http://www.w3.org/ns/prov#wasAssociatedWith"),
                iri("gctf-toolkit"),
            )
        ),
        "a concept that is a blank node": lambda g: [
            g.add((node := BNode(), RDF.type, SKOS.Concept)),
            g.add((node, SKOS.prefLabel, Literal("Nameless", lang="en"))),
            g.add((node, SKOS.inScheme, iri(f"{MEMO}/glossary"))),
            g.add((node, SKOS.topConceptOf, iri(f"{MEMO}/glossary"))),
            g.add((iri(f"{MEMO}/glossary"), SKOS.hasTopConcept, node)),
            g.add((node, SKOS.definition, Literal("Nothing.", lang="en"))),
            g.add((node, DCTERMS.source, iri(f"{MEMO}/fn1"))),
        ],
        "a document issued on a date-time": lambda g: _set(
            g,
            "rabat-memorandum",
            DCTERMS.issued,
            Literal("2012-06-07T00:00:00", datatype=XSD.dateTime),
        ),
    }
)

EXPECTED.update(
    {
        "a citation of an unknown type": [
            (
                "Violation",
                "rabat-washington/fn15#citation-2",
                "cito:hasCitationCharacterization",
                "A citation's type (cito:hasCitationCharacterization) must be one of the CiTO properties the project uses (docs/citations.md).",
            ),
        ],
        "a citation stated only once": [
            (
                "Violation",
                "rabat-washington/gp10",
                "^cito:hasCitingEntity/cito:hasCitedEntity",
                "Citation records and cito:cites disagree: every resource a text cites needs a cito:Citation recording where it is cited, and the reverse.",
            ),
            (
                "Violation",
                "rabat-washington/gp10",
                "cito:agreesWith|cito:citesAsAuthority|cito:citesAsEvidence|cito:citesAsRecommendedReading|cito:citesAsRelated|cito:citesForInformation|cito:disagreesWith|cito:discusses|cito:extends|cito:includesQuotationFrom|cito:obtainsBackgroundFrom|cito:supports|cito:usesMethodIn",
                "Typed citations and cito:cites disagree: every cited resource must be cited both with a typed CiTO property and with cito:cites.",
            ),
        ],
        "a cited practice under a section of another memorandum": [
            (
                "Violation",
                "hague-marrakech/gp7",
                "skos:broader/skos:inScheme",
                "A concept's scheme (skos:inScheme) differs from the scheme of its broader concept (skos:broader).",
            ),
            (
                "Violation",
                "hague-marrakech/gp7",
                "skos:broader/skos:inScheme",
                "A concept's scheme (skos:inScheme) differs from the scheme of its broader concept (skos:broader).",
            ),
        ],
        "a concept that is a blank node": [
            ("Violation", "_:blank", "", "A concept must have an IRI, not be a blank node."),
            (
                "Violation",
                "_:blank",
                "",
                "A labelled resource must have an IRI, not be a blank node.",
            ),
        ],
        "a dangling citation": [
            (
                "Violation",
                "rabat-washington/fn15#citation-2",
                "cito:hasCitedEntity",
                "The citation's cited resource is not described in the data (no rdf:type).",
            ),
            (
                "Violation",
                "rabat-washington/gp10",
                "cito:cites",
                "Cites a resource that is not described in the data (no rdf:type): add it to the catalogue.",
            ),
        ],
        "a dataset issued as plain text": [
            (
                "Violation",
                "dataset",
                "dcterms:issued",
                "The dataset needs exactly one date of issue (dcterms:issued), an xsd:date.",
            ),
        ],
        "a dataset without its memoranda": [
            (
                "Violation",
                "dataset",
                "void:rootResource",
                "The dataset needs at least one memorandum (void:rootResource).",
            ),
        ],
        "a document issued on a date-time": [
            (
                "Violation",
                "rabat-memorandum",
                "dcterms:issued",
                "A date of issue (dcterms:issued) must be an xsd:date, xsd:gYearMonth or xsd:gYear.",
            ),
        ],
        "a footnote attached to a footnote": [
            (
                "Violation",
                "rabat-washington/fn5",
                "gp:attachedTo",
                "A footnote must be attached (gp:attachedTo) to an introduction, a section, a good practice or a conclusion.",
            ),
        ],
        "a footnote attached to nothing": [
            (
                "Violation",
                "rabat-washington/fn5",
                "gp:attachedTo",
                "A footnote must be attached to exactly one text (gp:attachedTo): the one that carries its marker.",
            ),
        ],
        "a footnote attached to two texts": [
            (
                "Violation",
                "rabat-washington/fn5",
                "gp:attachedTo",
                "A footnote must be attached to exactly one text (gp:attachedTo): the one that carries its marker.",
            ),
        ],
        "a footnote its text does not list": [
            (
                "Violation",
                "rabat-washington/fn5",
                "^gp:hasFootnote",
                "gp:attachedTo and gp:hasFootnote disagree: the text a footnote is attached to must list it (gp:hasFootnote), and only that text.",
            ),
        ],
        "a footnote number used twice": [
            (
                "Violation",
                "rabat-washington",
                "",
                "Footnote number 26 (gp:ordinal) is used more than once in this memorandum.",
            ),
        ],
        "a gap in the practice numbers": [
            (
                "Violation",
                "rabat-washington",
                "",
                "Good practice numbers (gp:ordinal) must run from 1 without gaps: the highest is 20, but there are 19 different numbers.",
            ),
        ],
        "a glossary term without definition or source": [
            (
                "Violation",
                "rabat-washington/glossary/prevention",
                "",
                "A glossary term must be sourced to the footnote that defines it (dcterms:source).",
            ),
            (
                "Warning",
                "rabat-washington/glossary/prevention",
                "",
                "A glossary term has no definition (skos:definition).",
            ),
        ],
        "a label in French": [
            (
                "Violation",
                "org/gctf",
                "skos:altLabel",
                "An alternative label (skos:altLabel) must be text tagged as English (@en).",
            ),
        ],
        "a label with stray whitespace": [
            (
                "Warning",
                "org/morocco",
                "skos:prefLabel|skos:altLabel|skos:hiddenLabel|dcterms:title",
                "A label starts or ends with whitespace, or has doubled spaces or a line break in it.",
            ),
        ],
        "a memorandum without its conclusion": [
            (
                "Violation",
                "rabat-washington",
                "gp:conclusion",
                "A memorandum's conclusion (gp:conclusion) must be a gp:Conclusion.",
            ),
        ],
        "a missing date on the memorandum": [
            (
                "Violation",
                "rabat-washington",
                "dcterms:issued",
                "A memorandum needs exactly one date of issue (dcterms:issued).",
            ),
        ],
        "a notation used twice in a scheme": [
            (
                "Violation",
                "hague-marrakech",
                "",
                "The notation GP7 is used by more than one concept of this scheme; notations must be unique within a scheme.",
            ),
        ],
        "a practice notation that is not GP and its number": [
            (
                "Violation",
                "rabat-washington",
                "",
                "The good practice rabat-washington/gp5 has a notation that is not GP followed by its number (gp:ordinal).",
            ),
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:notation",
                "A good practice's notation (skos:notation) must be GP followed by its number, as GP7.",
            ),
        ],
        "a practice under a practice": [
            (
                "Violation",
                "rabat-washington/gp4",
                "skos:narrower",
                "Nothing can sit under a good practice (skos:narrower).",
            ),
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:broader",
                "A good practice must sit under a section (skos:broader), not under another kind of concept.",
            ),
        ],
        "a practice under no section": [
            (
                "Violation",
                "rabat-washington/gp5",
                "",
                "A good practice of an encoded memorandum must sit under one of its sections (skos:broader).",
            ),
            (
                "Warning",
                "rabat-washington/gp5",
                "",
                "An orphan concept: it is in a scheme with top concepts but is neither a top concept (skos:topConceptOf) nor under a broader concept (skos:broader).",
            ),
        ],
        "a practice without its text": [
            (
                "Warning",
                "rabat-washington/gp5",
                "",
                "A good practice of an encoded memorandum has no text (skos:definition).",
            ),
        ],
        "a preferred label that is also an alternative label": [
            (
                "Violation",
                "org/gctf",
                "skos:prefLabel",
                "The same text is both the preferred and an alternative label (skos:prefLabel, skos:altLabel).",
            ),
        ],
        "a related concept that is broader at two levels": [
            (
                "Violation",
                "rabat-washington/glossary/prevention",
                "skos:related",
                "A concept is related (skos:related) to rabat-washington/glossary/legal-options, which is also one of its broader or narrower concepts at some level.",
            ),
        ],
        "a removed label": [
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:prefLabel",
                "A concept needs a preferred label (skos:prefLabel).",
            ),
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:prefLabel",
                "A good practice needs exactly one title (skos:prefLabel).",
            ),
        ],
        "a resolution without its UN record": [
            (
                "Violation",
                "un/a-res-60-288",
                "schema:url",
                "A resolution needs a link to the UN's own record (schema:url).",
            ),
        ],
        "a second English label": [
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:prefLabel",
                "A good practice needs exactly one title (skos:prefLabel).",
            ),
            (
                "Violation",
                "rabat-washington/gp5",
                "skos:prefLabel",
                "Has more than one preferred label (skos:prefLabel) in the same language.",
            ),
        ],
        "a section notation that is not a Roman numeral": [
            (
                "Violation",
                "rabat-washington/section-2",
                "skos:notation",
                "A section's notation (skos:notation) must be a Roman numeral: I, II, III, IV, V, …",
            ),
        ],
        "a top concept outside its scheme": [
            (
                "Violation",
                "rabat-washington/glossary",
                "",
                "rabat-washington/glossary/prevention is a top concept of this scheme (skos:topConceptOf) but not in it (skos:inScheme).",
            ),
            (
                "Violation",
                "rabat-washington/glossary/prevention",
                "skos:inScheme",
                "A concept must be in a concept scheme (skos:inScheme).",
            ),
        ],
        "a wrong resolution symbol": [
            (
                "Violation",
                "un/s-res-2396-2017",
                "dcterms:identifier",
                "A resolution's symbol (dcterms:identifier) must be written as the UN writes it: S/RES/<number> (<year>) or A/RES/<session>/<number>.",
            ),
        ],
        "an empty note": [
            (
                "Warning",
                "org/iij",
                "skos:prefLabel|skos:altLabel|skos:hiddenLabel|skos:definition|skos:scopeNote|skos:historyNote|skos:editorialNote|skos:notation|dcterms:title|dcterms:description|dcterms:identifier|dcterms:rights|dcterms:bibliographicCitation|rdf:value|gp:markedText|gp:markedTitle|gp:citingWords",
                "A text is empty.",
            ),
        ],
        "an initiative led by a document": [
            (
                "Violation",
                "initiative/e4j",
                "prov:wasAssociatedWith",
                "Who leads or partners an initiative (prov:wasAssociatedWith) must be an organisation (foaf:Organization).",
            ),
        ],
        "an organisation that is also a document": [
            (
                "Violation",
                "org/gctf",
                "",
                "An organisation cannot also be a document (dcterms:BibliographicResource): organisations are cited as organisations.",
            ),
        ],
        "an orphan concept": [
            (
                "Warning",
                "rabat-washington/glossary/prevention",
                "",
                "An orphan concept: it is in a scheme with top concepts but is neither a top concept (skos:topConceptOf) nor under a broader concept (skos:broader).",
            ),
        ],
    }
)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_the_shapes_reject_a_broken_graph(name, data, shapes):
    assert mutation_results(data, shapes, MUTATIONS[name]) == EXPECTED[name]
