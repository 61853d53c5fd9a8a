"""``/sparql``: the W3C SPARQL 1.1 Protocol over the built dataset, read-only and bounded.

- A query comes as ``GET /sparql?query=…``, as a ``POST`` form (``application/x-www-form-
  urlencoded``, field ``query``) or as a ``POST`` whose body is the query
  (``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri`` choose the
  dataset as the protocol says. Without them, the default graph is the current release, which
  is also the named graph whose IRI is the release's (``<base>dataset/<version>``).
- SELECT and ASK answer as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as Turtle,
  N-Triples or JSON-LD, as ``Accept`` asks (or the ``format`` parameter, for a browser form).
- An update (``update=``, ``application/sparql-update``) is refused with 403. A malformed query
  gets 400 with the parser's message and its position. A query past the time limit is stopped
  with 503 (its worker process is killed and replaced). Past the row limit, the answer is cut
  and says so in the ``X-GoodPractice-Truncated`` header (the limit it was cut at).
- ``/sparql`` with no query answers a browser with a form and the example queries, and a
  client that asks for RDF with the SPARQL 1.1 Service Description.
- Every answer carries ``Access-Control-Allow-Origin: *``; a CORS preflight is answered.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ..queries import queries
from ..vocab import FORMAT, FORMAT_OF_MEDIA
from .negotiation import negotiate
from .sparql_pool import Busy, Data, Pool, TimedOut, WorkerFailed
from .sparql_worker import GRAPHS, SOLUTIONS

ENDPOINT = "sparql"
TRUNCATED_HEADER = "X-GoodPractice-Truncated"
CORS = {"Access-Control-Allow-Origin": "*"}
MAX_BODY = 1 << 20  # bytes of a POSTed query or form
DATASET_FILE = "dataset.nt"
DESCRIPTION_FILE = "dataset-description.ttl"
CURRENT_VERSION = "http://www.w3.org/ns/dcat#hasCurrentVersion"

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
# Media type → the short name the worker writes it by, with the W3C format IRI of each.
SOLUTION_TYPES = {
    FORMAT["srj"].media_type: ("json", FORMATS_NS.SPARQL_Results_JSON),
    FORMAT["srx"].media_type: ("xml", FORMATS_NS.SPARQL_Results_XML),
    FORMAT["csv"].media_type: ("csv", FORMATS_NS.SPARQL_Results_CSV),
    FORMAT["tsv"].media_type: ("tsv", FORMATS_NS.SPARQL_Results_TSV),
}
GRAPH_TYPES = {
    FORMAT["ttl"].media_type: ("turtle", FORMATS_NS.Turtle),
    FORMAT["nt"].media_type: ("n-triples", FORMATS_NS["N-Triples"]),
    FORMAT["jsonld"].media_type: ("json-ld", FORMATS_NS["JSON-LD"]),
}
# The content type of each answer, by the worker's short name for its format.
CONTENT_TYPES = {
    name: FORMAT_OF_MEDIA[media].content_type
    for media, (name, _) in {**SOLUTION_TYPES, **GRAPH_TYPES}.items()
}
# The service description, by media type → rdflib's name for the syntax.
DESCRIPTION_TYPES = {FORMAT["ttl"].media_type: "turtle", FORMAT["jsonld"].media_type: "json-ld",
                     FORMAT["nt"].media_type: "nt"}  # fmt: skip
FORM_TYPE = FORMAT["html"].media_type
TEXT = FORMAT["txt"].content_type
FORM_ENCODED = "application/x-www-form-urlencoded"  # an HTML form's body (not a file format)

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Options:
    """What ``goodpractice serve --query-timeout --row-limit --query-workers`` set."""

    timeout: float = 10.0
    row_limit: int = 10_000
    workers: int = 2


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def is_endpoint(path: str, base: str) -> bool:
    """Whether a request path is the endpoint: ``/sparql``, or under the base IRI's path."""
    return path in (f"/{ENDPOINT}", f"{base.rstrip('/')}/{ENDPOINT}")


class Endpoint:
    """The SPARQL endpoint of one served site: its options, its workers, its current data."""

    def __init__(self, site: Path, options: Options | None = None):
        self.site = Path(site)
        self.options = options or Options()
        self.pool = Pool(self.options.workers)
        self.lock = threading.Lock()
        self.described: tuple[tuple, str, str] | None = None  # (key, release IRI, base IRI)

    def close(self) -> None:
        self.pool.close()

    def data(self) -> tuple[Data, str]:
        """The current build (its data and its base IRI), read again when a rebuild replaced
        the files."""
        dataset, description = self.site / DATASET_FILE, self.site / DESCRIPTION_FILE
        try:
            first, second = os.stat(dataset), os.stat(description)
        except OSError:
            raise Refused(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"There is no built dataset to query yet ({DATASET_FILE} is missing).",
            ) from None
        key = tuple((s.st_ino, s.st_mtime_ns, s.st_size) for s in (first, second))
        with self.lock:
            if self.described is None or self.described[0] != key:
                release, base = read_release(description)
                self.described = (key, release, base)
            _, release, base = self.described
        return Data(str(dataset), release, key), base

    # ------------------------------------------------------------------------------------

    def respond(self, handler, body: bool) -> None:
        """Answer one request to ``/sparql`` on ``handler`` (a ``BaseHTTPRequestHandler``)."""
        try:
            if handler.command == "OPTIONS":
                send(handler, HTTPStatus.NO_CONTENT, TEXT, b"", body, preflight=True)
                return
            params = request_params(handler)
            if "update" in params:
                raise Refused(HTTPStatus.FORBIDDEN, "This endpoint is read-only: no updates.")
            texts = params.get("query", [])
            if len(texts) > 1:
                raise Refused(HTTPStatus.BAD_REQUEST, "Give one query, not several.")
            if not texts:
                if handler.command == "POST":
                    raise Refused(HTTPStatus.BAD_REQUEST, "The request has no query.")
                self.describe(handler, body)
                return
            self.query(handler, texts[0], params, body)
        except Refused as refused:
            send(handler, refused.status, TEXT,
                 (refused.message + "\n").encode("utf-8"), body)  # fmt: skip

    def query(self, handler, text: str, params: dict[str, list[str]], body: bool) -> None:
        solutions, graph = result_formats(handler.headers.get("Accept"), params)
        data, _ = self.data()
        request = {
            "query": text,
            "solutions": solutions,
            "graph": graph,
            "limit": self.options.row_limit,
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        seconds = f"{self.options.timeout:g} s"
        try:
            answer, content = self.pool.run(request, data, self.options.timeout)
        except TimedOut:
            raise Refused(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"The query ran longer than this endpoint's limit of {seconds} and was stopped. "
                "Narrow it (a LIMIT, fewer unbound patterns), or run it over dataset.nt locally.",
            ) from None
        except Busy:
            raise Refused(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"Every query worker stayed busy for {seconds}; try again in a moment.",
            ) from None
        except WorkerFailed as error:
            raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, f"The query failed: {error}.") from None
        if not answer.get("ok"):
            status, message = HTTPStatus(answer["status"]), answer["message"]
            if status == HTTPStatus.NOT_ACCEPTABLE:
                kinds = SOLUTION_TYPES if message == "solutions" else GRAPH_TYPES
                message = (
                    "The Accept header (or format) allows none of the formats of this kind of "
                    f"query's answer: {', '.join(kinds)}."
                )
            raise Refused(status, message)
        extra = {"Vary": "Accept"}
        if answer.get("truncated"):
            extra[TRUNCATED_HEADER] = str(self.options.row_limit)
            extra["Access-Control-Expose-Headers"] = TRUNCATED_HEADER
        send(handler, HTTPStatus.OK, CONTENT_TYPES[answer["format"]], content, body, extra)

    def describe(self, handler, body: bool) -> None:
        """No query: the form for a browser, the service description for an RDF client."""
        chosen = negotiate(handler.headers.get("Accept"), [FORM_TYPE, *DESCRIPTION_TYPES])
        if chosen is None:
            raise Refused(
                HTTPStatus.NOT_ACCEPTABLE,
                f"/{ENDPOINT} without a query is available as: "
                f"{', '.join([FORM_TYPE, *DESCRIPTION_TYPES])}.",
            )
        data, base = self.data()
        endpoint = endpoint_url(handler)
        if chosen == FORM_TYPE:
            page = TEMPLATES.get_template("sparql.html").render(
                endpoint=urlsplit(endpoint).path,
                release=data.graph,
                examples=[(q.title, q.comment, q.text(base_iri=base)) for q in queries()],
                timeout=f"{self.options.timeout:g}",
                row_limit=self.options.row_limit,
                truncated_header=TRUNCATED_HEADER,
            )
            send(handler, HTTPStatus.OK, FORMAT["html"].content_type, page.encode("utf-8"), body,
                 {"Vary": "Accept"})  # fmt: skip
            return
        content = service_description(endpoint, data.graph).serialize(
            format=DESCRIPTION_TYPES[chosen], encoding="utf-8"
        )
        media = FORMAT_OF_MEDIA[chosen].content_type
        send(handler, HTTPStatus.OK, media, content, body, {"Vary": "Accept"})


# --------------------------------------------------------------------------------------------
# The request


def request_params(handler) -> dict[str, list[str]]:
    """The protocol's parameters, from the URL and, for a POST, from the body."""
    params = parse_qs(urlsplit(handler.path).query, keep_blank_values=True)
    if handler.command != "POST":
        return params
    media = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if media == FORMAT["ru"].media_type:
        raise Refused(HTTPStatus.FORBIDDEN, "This endpoint is read-only: no updates.")
    try:
        length = int(handler.headers.get("Content-Length") or "")
    except ValueError:
        raise Refused(HTTPStatus.LENGTH_REQUIRED, "A POST needs a Content-Length.") from None
    if length > MAX_BODY:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                      f"The request body is over {MAX_BODY} bytes.")  # fmt: skip
    raw = handler.rfile.read(length)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "The request body is not UTF-8.") from None
    if media == FORM_ENCODED:
        for name, values in parse_qs(text, keep_blank_values=True).items():
            params.setdefault(name, []).extend(values)
        return params
    if media == FORMAT["rq"].media_type:
        if "query" in params:
            raise Refused(
                HTTPStatus.BAD_REQUEST, "Give the query in the body or the URL, not both."
            )
        params["query"] = [text]
        return params
    raise Refused(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        f"POST a query as {FORMAT['rq'].media_type} or as a form ({FORM_ENCODED}).",
    )


FORMAT_NAMES = {name: media for media, (name, _) in {**SOLUTION_TYPES, **GRAPH_TYPES}.items()}


def result_formats(accept: str | None, params: dict) -> tuple[str | None, str | None]:
    """The worker's names of the formats to answer in: one for SELECT and ASK, one for
    CONSTRUCT and DESCRIBE (None where Accept allows none)."""
    wanted = params.get("format", [])
    if wanted:
        if wanted[-1] not in FORMAT_NAMES:
            raise Refused(HTTPStatus.BAD_REQUEST,
                          f"format is one of: {', '.join(FORMAT_NAMES)}.")  # fmt: skip
        accept = FORMAT_NAMES[wanted[-1]]
    # application/json is SPARQL JSON for results (negotiate reads it as JSON-LD for graphs).
    results_accept = re.sub(
        re.escape(FORMAT["json"].media_type) + r"\b", FORMAT["srj"].media_type, accept or ""
    )
    solutions = negotiate(results_accept or None, list(SOLUTION_TYPES))
    graph = negotiate(accept, list(GRAPH_TYPES))
    return (
        SOLUTION_TYPES[solutions][0] if solutions else None,
        GRAPH_TYPES[graph][0] if graph else None,
    )


def endpoint_url(handler) -> str:
    host = handler.headers.get("Host") or "{}:{}".format(*handler.server.server_address[:2])
    return f"http://{host}{urlsplit(handler.path).path}"


# --------------------------------------------------------------------------------------------
# The answer


def send(
    handler,
    status: HTTPStatus,
    content_type: str,
    content: bytes,
    body: bool,
    extra: dict[str, str] | None = None,
    preflight: bool = False,
) -> None:
    handler.send_response(status)
    for name, value in {**CORS, **(extra or {})}.items():
        handler.send_header(name, value)
    if preflight:
        handler.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        handler.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        handler.send_header("Access-Control-Max-Age", "86400")
    if status != HTTPStatus.NO_CONTENT:
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(content)))
    handler.end_headers()
    if body and content:
        handler.wfile.write(content)


def read_release(description: Path) -> tuple[str, str]:
    """The current release's IRI and the base IRI, from the dataset description."""
    for triple in ox.parse(path=str(description), format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == CURRENT_VERSION:
            dataset = triple.subject.value
            return triple.object.value, dataset[: dataset.rfind("/") + 1]
    raise Refused(
        HTTPStatus.SERVICE_UNAVAILABLE,
        f"{DESCRIPTION_FILE} names no current release (dcat:hasCurrentVersion).",
    )


def service_description(endpoint: str, release: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS_NS)
    service, dataset, default = URIRef(endpoint), BNode("dataset"), BNode("default")
    named = BNode("release")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for _, iri in [*SOLUTION_TYPES.values(), *GRAPH_TYPES.values()]:
        graph.add((service, SD.resultFormat, iri))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((dataset, SD.namedGraph, named))
    graph.add((named, RDF.type, SD.NamedGraph))
    graph.add((named, SD.name, URIRef(release)))
    graph.add((service, URIRef("http://purl.org/dc/terms/description"), Literal(
        "The current release of the dataset: the default graph, and the named graph "
        "whose IRI is the release's. Read-only.", lang="en")))  # fmt: skip
    return graph


# The worker's content types, stated once there; here to keep the two in step.
assert {name for name, _ in SOLUTION_TYPES.values()} == set(SOLUTIONS)
assert {name for name, _ in GRAPH_TYPES.values()} == set(GRAPHS)
