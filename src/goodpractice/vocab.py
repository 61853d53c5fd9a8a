"""Facts several stages share, each stated once: namespaces, the CiTO table, file formats.

Nothing here reads content or a graph: these are constants and small lookups that content,
graph, check, export, site and serve import from here rather than repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

# --------------------------------------------------------------------------------------------
# Namespaces

# The project's own terms. Fixed, whatever base IRI the data is published under.
GP = Namespace("https://w3id.org/gctf-good-practices/def#")
CITO = Namespace("http://purl.org/spar/cito/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
# DCAT 3 versioning terms, which rdflib's closed DCAT namespace does not list yet.
DCAT3 = Namespace(str(DCAT))

# The prefixes every graph we write binds, in this order.
PREFIXES = {
    "gp": GP,
    "cito": CITO,
    "schema": SCHEMA,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "dcat": DCAT,
    "void": VOID,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "rdf": RDF,
}

# The context and the JSON Schema belong to the vocabulary, not to one deployment of the data:
# their IRIs derive from the fixed ontology namespace, whatever base IRI the data is built with.
VOCABULARY_ROOT = str(GP).removesuffix("def#")


# --------------------------------------------------------------------------------------------
# The CiTO table: the citation types a citation may be typed with (https://purl.org/spar/cito)


@dataclass(frozen=True)
class CitationType:
    name: str  # the CiTO property's local name
    label: str  # how a reader sees it: "Quotes"
    colour: str  # its colour in the citation network (readable on white)

    @property
    def iri(self):
        return CITO[self.name]


# The order is the order readers see them in (legends, "What it cites" groups).
CITATION_TYPES = (
    CitationType("citesAsAuthority", "Cites as authority", "#b3261e"),
    CitationType("agreesWith", "Agrees with", "#6a1b9a"),
    CitationType("includesQuotationFrom", "Quotes", "#1565c0"),
    CitationType("citesAsEvidence", "Cites as evidence", "#2e7d32"),
    CitationType("citesAsRecommendedReading", "Recommends reading", "#8d6e00"),
    CitationType("citesForInformation", "Cites for information", "#455a64"),
    CitationType("citesAsRelated", "Cites as related", "#00838f"),
    CitationType("supports", "Supports", "#37474f"),
    CitationType("extends", "Extends", "#37474f"),
    CitationType("discusses", "Discusses", "#37474f"),
    CitationType("disagreesWith", "Disagrees with", "#37474f"),
    CitationType("obtainsBackgroundFrom", "Obtains background from", "#37474f"),
    CitationType("usesMethodIn", "Uses a method in", "#37474f"),
)
CITATION_TYPE = {kind.name: kind for kind in CITATION_TYPES}


def citation_type(name: str) -> CitationType:
    """The row of the CiTO table for ``name``; a name outside it gets a neutral row."""
    return CITATION_TYPE.get(name) or CitationType(name, name, "#37474f")


def citation_rank(name: str) -> tuple[int, str]:
    """Sort key of a citation type: the table's order, unknown names last."""
    order = list(CITATION_TYPE)
    return (order.index(name) if name in CITATION_TYPE else len(order), name)


def cito_name(iri) -> str:
    """The local name of a CiTO property IRI: 'includesQuotationFrom'."""
    return str(iri).removeprefix(str(CITO))


# --------------------------------------------------------------------------------------------
# File formats: extension → media type and name


@dataclass(frozen=True)
class Format:
    extension: str  # without the dot
    media_type: str
    name: str  # how a reader sees it
    charset: bool  # text that is served with "; charset=utf-8"
    text: bool = (
        False  # UTF-8 text whose media type does not say its encoding (nginx's charset_types)
    )
    data: bool = False  # data a web page elsewhere may read (served with CORS)
    site: bool = True  # a kind of file the static site holds

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


FORMATS = (
    Format("ttl", "text/turtle", "Turtle", True, text=True, data=True),
    Format("nt", "application/n-triples", "N-Triples", True, text=True, data=True),
    Format("jsonld", "application/ld+json", "JSON-LD", False, text=True, data=True),
    Format("rdf", "application/rdf+xml", "RDF/XML", False, data=True),
    Format("csv", "text/csv", "CSV", True, text=True, data=True),
    Format("json", "application/json", "JSON", False, data=True),
    Format("svg", "image/svg+xml", "SVG image", False, text=True),
    Format("html", "text/html", "HTML", True),
    Format("js", "application/javascript", "JavaScript", False, text=True),
    Format("css", "text/css", "CSS", False, text=True),
    Format("xml", "application/xml", "XML", False),
    Format("png", "image/png", "PNG image", False),
    Format("conf", "text/plain", "configuration", True, text=True),
    Format("txt", "text/plain", "text", True, text=True),
    # The SPARQL protocol's: results, queries and updates (answers of serve, not site files).
    Format("srj", "application/sparql-results+json", "SPARQL JSON results", False, site=False),
    Format("srx", "application/sparql-results+xml", "SPARQL XML results", False, site=False),
    Format("tsv", "text/tab-separated-values", "TSV", True, site=False),
    Format("rq", "application/sparql-query", "SPARQL query", True, site=False),
    Format("ru", "application/sparql-update", "SPARQL update", True, site=False),
)
FORMAT = {f.extension: f for f in FORMATS}
# The first format of each media type (text/plain is both .conf and .txt).
FORMAT_OF_MEDIA = {f.media_type: f for f in reversed(FORMATS)}
MEDIA_TYPES = {f.extension: f.media_type for f in FORMATS}

# The documents every resource has beside its page, in the order they are offered: each the
# same triples. The page itself is text/html.
RESOURCE_FORMATS = (FORMAT["ttl"], FORMAT["jsonld"], FORMAT["nt"])
# DCAT 3 names media types by their IANA registry IRIs, https and all.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


# --------------------------------------------------------------------------------------------
# Profiles: what a representation conforms to, for content negotiation by profile
# (W3C "Content Negotiation by Profile": the Accept-Profile header, ?_profile=TOKEN)


@dataclass(frozen=True)
class Profile:
    token: str  # the short name used in ?_profile=
    iri: str
    name: str  # how a reader sees it
    suffix: str  # what a resource's documents in this profile add to its path ("" or ".vocpub")
    media_types: tuple[str, ...]  # the media types it comes in, the default first


# The edition's own documents conform to its data contract, the SHACL shapes (the default).
EDITION_PROFILE = Profile(
    "gp",
    "https://w3id.org/gctf-good-practices/shapes",
    "GCTF Good Practices data contract (the default)",
    "",
    ("text/html", "text/turtle", "application/ld+json", "application/n-triples"),
)
# VocPub, the Australian government profile for publishing SKOS vocabularies: each encoded
# memorandum and each glossary also has a document in it, <path>.vocpub.ttl.
VOCPUB_PROFILE = Profile(
    "vocpub",
    "https://linked.data.gov.au/def/vocpub",
    "VocPub (SKOS vocabulary publication profile)",
    ".vocpub",
    ("text/turtle",),
)
PROFILES = (EDITION_PROFILE, VOCPUB_PROFILE)
# The class a Link header's profile tokens are declared with (Content Negotiation by Profile).
PROFILE_CLASS = "http://www.w3.org/ns/dx/prof/Profile"


def profile_token_links(profiles=PROFILES) -> list[str]:
    """The Link header values that map each profile's token to its IRI."""
    return [f'<{PROFILE_CLASS}>; rel="type"; token="{p.token}"; anchor=<{p.iri}>' for p in profiles]


def profile_alternate_links(profiles=PROFILES) -> list[str]:
    """The Link header values for every representation of a resource in every profile, relative
    to the resource itself (``<?_profile=vocpub&_mediatype=text/turtle>``)."""
    return [
        f'<?_profile={p.token}&_mediatype={media}>; rel="alternate"; type="{media}"; '
        f'profile="{p.iri}"'
        for p in profiles
        for media in p.media_types
    ]
