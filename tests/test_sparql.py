"""`/sparql` of `goodpractice serve` as a client sees it: real HTTP requests, every result format
parsed by the standard library or rdflib, answers equal to rdflib's over the same dataset.ttl,
updates refused, a runaway query stopped, a malformed one 400, rebuilds followed, and a small
load of concurrent clients answered right."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.query import Result

from goodpractice.queries import queries, query
from goodpractice.serve import make_server
from goodpractice.serve.sparql import TRUNCATED_HEADER, Options

from .conftest import running_serve

RELEASE = "https://w3id.org/gctf-good-practices/dataset/0.1.0"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Every SELECT format, by Accept, with the function that reads an answer into comparable rows.
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def request(url: str, accept: str | None = None, data: bytes | None = None,
            content_type: str | None = None, method: str | None = None, timeout: float = 30):  # fmt: skip
    """(status, headers, body) of one HTTP request, whatever the status."""
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def ask_get(endpoint: str, text: str, accept: str | None = None, **params):
    query_string = urllib.parse.urlencode({"query": text, **params})
    return request(f"{endpoint}?{query_string}", accept)


# --------------------------------------------------------------------------------------------
# Terms as comparable tuples: (kind, value, language, datatype)


def from_rdflib(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term), None, None)
    if isinstance(term, BNode):
        return ("bnode", "", None, None)  # blank node labels are the engine's own
    assert isinstance(term, Literal)
    datatype = str(term.datatype) if term.datatype and not term.language else None
    return ("literal", str(term), term.language, None if datatype == XSD_STRING else datatype)


def from_json(binding: dict | None) -> tuple | None:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "bnode":
        return ("bnode", "", None, None)
    kind = "literal" if kind == "typed-literal" else kind
    return (kind, binding["value"], binding.get("xml:lang"), binding.get("datatype"))


def from_xml(binding) -> tuple | None:
    if binding is None:
        return None
    (term,) = list(binding)
    kind = term.tag.removeprefix(RESULTS)
    if kind == "bnode":
        return ("bnode", "", None, None)
    return (kind, term.text or "", term.get(XML_LANG), term.get("datatype"))


def read_json(body: bytes) -> tuple[list[str], list[tuple]]:
    document = json.loads(body)
    variables = document["head"]["vars"]
    rows = [tuple(from_json(b.get(v)) for v in variables) for b in document["results"]["bindings"]]
    return variables, rows


def read_xml(body: bytes) -> tuple[list[str], list[tuple]]:
    root = ET.fromstring(body)
    variables = [v.get("name") for v in root.iter(RESULTS + "variable")]
    rows = []
    for result in root.iter(RESULTS + "result"):
        bound = {b.get("name"): b for b in result.iter(RESULTS + "binding")}
        rows.append(tuple(from_xml(bound.get(v)) for v in variables))
    return variables, rows


def read_tsv(body: bytes) -> tuple[list[str], list[tuple]]:
    result = Result.parse(io.BytesIO(body), format="tsv")
    variables = [str(v) for v in result.vars]
    return variables, [tuple(from_rdflib(t) for t in row) for row in result]


def read_csv(body: bytes) -> tuple[list[str], list[tuple]]:
    variables, *rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    return variables, [tuple(rows_value or None for rows_value in row) for row in rows]


def csv_value(term: tuple | None) -> str | None:
    if term is None:
        return None
    return term[1] or None


READERS = {
    JSON_RESULTS: read_json,
    XML_RESULTS: read_xml,
    "text/tab-separated-values": read_tsv,
    "text/csv": read_csv,
}


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def reference(out) -> Graph:
    return Graph().parse(out / "dataset.ttl", format="turtle")


def serving(site: Path, options: Options):
    server = make_server(site, port=0, sparql=options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    host, port = server.server_address[:2]
    return server, thread, f"http://{host}:{port}/sparql"


@pytest.fixture(scope="module")
def endpoint(built_site):
    """The endpoint over the session's build, in a thread, with a 1 s time limit."""
    server, thread, url = serving(built_site, Options(timeout=1.0))
    yield url, server
    server.shutdown()
    thread.join()
    server.server_close()


def expected(reference: Graph, text: str) -> tuple[list[str], list[tuple]]:
    result = reference.query(text)
    return [str(v) for v in result.vars], [tuple(from_rdflib(t) for t in row) for row in result]


# --------------------------------------------------------------------------------------------
# Answers


@pytest.mark.parametrize("accept", list(READERS))
@pytest.mark.parametrize("name", [q.name for q in queries()])
def test_competency_questions_answer_as_rdflib_does_in_every_format(
    endpoint, reference, name, accept
):
    url, _ = endpoint
    variables, rows = expected(reference, query(name).text())
    assert rows, f"{name} has no answer over the real memorandum"
    for text in (query(name).text(), query(name).text(graph=RELEASE)):  # default and named graph
        status, headers, body = ask_get(url, text, accept)
        assert status == 200, body
        assert headers["Content-Type"].split(";")[0] == accept
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert TRUNCATED_HEADER not in headers
        got_variables, got = READERS[accept](body)
        assert got_variables == variables
        if accept == "text/csv":
            rows_wanted = [tuple(csv_value(t) for t in row) for row in rows]
        else:
            rows_wanted = rows
        assert got == rows_wanted  # the same rows in the same order (ORDER BY)


def test_the_three_ways_to_send_a_query_give_the_same_answer(endpoint):
    url, _ = endpoint
    text = query("hague-marrakech-cited").text()
    _, _, by_get = ask_get(url, text, JSON_RESULTS)
    form = urllib.parse.urlencode({"query": text}).encode()
    status, _, by_form = request(url, JSON_RESULTS, form, "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(by_form) == json.loads(by_get)
    status, _, direct = request(url, JSON_RESULTS, text.encode(), "application/sparql-query")
    assert status == 200 and json.loads(direct) == json.loads(by_get)
    # The protocol's dataset parameters: the release as the only named graph.
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, _, body = ask_get(url, graphs, JSON_RESULTS, **{"named-graph-uri": RELEASE})
    assert read_json(body)[1] == [(("uri", RELEASE, None, None),)]


def test_ask_and_construct_answer_in_their_formats(endpoint, reference):
    url, _ = endpoint
    status, _, body = ask_get(url, f"ASK {{ GRAPH <{RELEASE}> {{ ?s ?p ?o }} }}", JSON_RESULTS)
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = ask_get(url, "ASK { <urn:x:no> ?p ?o }", XML_RESULTS)
    assert ET.fromstring(body).find(RESULTS + "boolean").text == "false"
    _, _, body = ask_get(url, "ASK {}", "text/csv")
    assert list(csv.reader(io.StringIO(body.decode()))) == [["_askResult"], ["true"]]
    construct = (
        "PREFIX gp: <https://w3id.org/gctf-good-practices/def#> "
        "CONSTRUCT { ?f ?p ?o } WHERE { <https://w3id.org/gctf-good-practices/rabat-washington/gp10> "
        "gp:hasFootnote ?f . ?f ?p ?o }"
    )
    wanted = reference.query(construct).graph
    assert len(wanted) > 10
    for accept, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                           ("application/ld+json", "json-ld")):  # fmt: skip
        status, headers, body = ask_get(url, construct, accept)
        assert status == 200 and headers["Content-Type"].split(";")[0] == accept
        assert set(Graph().parse(data=body, format=syntax)) == set(wanted), accept
    status, _, body = ask_get(url, construct, JSON_RESULTS)  # results formats fit only SELECT
    assert status == 406 and b"text/turtle" in body


def test_an_answer_past_the_row_limit_is_cut_and_says_so(built_site):
    server, thread, url = serving(built_site, Options(row_limit=3))
    try:
        status, headers, body = ask_get(url, "SELECT ?s WHERE { ?s ?p ?o }", JSON_RESULTS)
        assert status == 200 and headers[TRUNCATED_HEADER] == "3"
        assert len(read_json(body)[1]) == 3
        status, headers, body = ask_get(
            url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"
        )
        assert headers[TRUNCATED_HEADER] == "3" and len(body.splitlines()) == 3
        status, headers, _ = ask_get(url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "text/csv")
        assert status == 200 and TRUNCATED_HEADER not in headers
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# --------------------------------------------------------------------------------------------
# What is refused


def test_updates_are_refused(endpoint, out):
    url, _ = endpoint
    update = "DELETE WHERE { ?s ?p ?o }"
    for status, _, body in (
        request(f"{url}?{urllib.parse.urlencode({'update': update})}"),
        request(
            url,
            data=urllib.parse.urlencode({"update": update}).encode(),
            content_type="application/x-www-form-urlencoded",
        ),  # fmt: skip
        request(url, data=update.encode(), content_type="application/sparql-update"),
    ):
        assert status == 403 and body == b"This endpoint is read-only: no updates.\n"
    _, _, body = ask_get(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    triples = len((out / "dataset.nt").read_text(encoding="utf-8").splitlines())
    assert body.decode().split() == ["n", str(triples)]  # nothing deleted


def test_a_malformed_query_gets_400_with_the_position(endpoint):
    url, _ = endpoint
    status, headers, body = ask_get(url, "SELECT ?s WHERE {\n  ?s ?p \n}", JSON_RESULTS)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("The query is not valid SPARQL: at line 3, column 2: expected")
    status, _, body = request(url, data=b"x", content_type="text/plain")
    assert status == 415
    status, _, body = request(url, data=b"", content_type="application/sparql-query")
    assert status == 400


def test_a_runaway_query_is_stopped_and_the_next_query_answers(endpoint):
    url, server = endpoint
    replaced = server.sparql.pool.replaced
    status, _, body = ask_get(url, CROSS_PRODUCT, JSON_RESULTS)  # urllib's own 30 s bound
    assert status == 503
    assert body.decode() == (
        "The query ran longer than this endpoint's limit of 1 s and was stopped. Narrow it "
        "(a LIMIT, fewer unbound patterns), or run it over dataset.nt locally.\n"
    )
    assert server.sparql.pool.replaced == replaced + 1  # its worker was killed and replaced
    for _ in range(3):  # every worker, the replacement too
        status, _, body = ask_get(url, "ASK {}", JSON_RESULTS)
        assert status == 200 and json.loads(body)["boolean"] is True


# --------------------------------------------------------------------------------------------
# Without a query: a form, or the service description


def test_a_browser_without_a_query_gets_the_form_with_the_examples(endpoint):
    url, _ = endpoint
    status, headers, body = request(url, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert '<form method="get" action="/sparql">' in page and "<script" not in page
    for q in queries():
        assert q.title.replace("'", "&#39;") in page
    assert "Which practices of the Hague – Marrakech memorandum are cited" in page


def test_an_rdf_client_without_a_query_gets_the_service_description(endpoint):
    url, _ = endpoint
    for accept, syntax in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        status, headers, body = request(url, accept)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        graph = Graph().parse(data=body, format=syntax)
        service = URIRef(url)
        assert (service, SD.endpoint, service) in graph
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
        dataset = graph.value(service, SD.defaultDataset)
        assert graph.value(graph.value(dataset, SD.namedGraph), SD.name) == URIRef(RELEASE)
        formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
        assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats


def test_cors_for_sparql_and_the_data_files(endpoint):
    url, _ = endpoint
    status, headers, _ = request(url, method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    root = url.removesuffix("sparql")
    for path in ("dataset.ttl", "rabat-washington/gp10.jsonld"):
        status, headers, _ = request(root + path)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*", path
    status, _, _ = request(root + "index.html", data=b"", method="POST")
    assert status == 405  # only /sparql takes a POST


# --------------------------------------------------------------------------------------------
# Load: concurrent clients, every answer right (timing is measured by bench/run.py)


def test_sixteen_concurrent_clients_get_every_answer_right(endpoint, reference):
    url, _ = endpoint
    wanted = {q.name: sorted(expected(reference, q.text())[1], key=repr) for q in queries()}
    names = [q.name for q in queries()]

    def client(number: int) -> list[str]:
        wrong = []
        for i in range(25):
            name = names[(number + i) % len(names)]
            status, _, body = ask_get(url, query(name).text(), JSON_RESULTS)
            if status != 200 or sorted(read_json(body)[1], key=repr) != wanted[name]:
                wrong.append(f"client {number}, query {i} ({name}): {status}")
        return wrong

    with ThreadPoolExecutor(16) as pool:
        wrong = [w for found in pool.map(client, range(16)) for w in found]
    assert wrong == []


# --------------------------------------------------------------------------------------------
# `goodpractice serve` as a process: its options, and rebuilds followed


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-serve")

    def answers(url: str) -> bool:
        return request(url + "/sparql", "text/turtle", timeout=2)[0] == 200

    options = ("--query-timeout", "1", "--row-limit", "5")
    with running_serve(root, *options, ready=answers) as (url, _log):
        yield url + "/sparql", root


def test_serve_options_bound_the_queries(served):
    url, _ = served
    status, _, body = ask_get(url, CROSS_PRODUCT, JSON_RESULTS)
    assert status == 503 and b"limit of 1 s" in body
    status, headers, body = ask_get(url, "SELECT * WHERE { ?s ?p ?o }", JSON_RESULTS)
    assert status == 200 and headers[TRUNCATED_HEADER] == "5" and len(read_json(body)[1]) == 5


def test_the_endpoint_follows_a_rebuild(served):
    url, root = served
    note = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        'SELECT ?note WHERE { ?r dcterms:identifier "S/RES/2396 (2017)" ; skos:historyNote ?note }'
    )

    def current() -> str:
        return read_csv(ask_get(url, note, "text/csv")[2])[1][0][0]

    documents = root / "content" / "catalogue" / "documents.yaml"
    original = documents.read_text(encoding="utf-8")
    old = "Adopted by the Security Council at its 8148th meeting, on 21 December 2017."
    new = "Adopted by the Security Council at its 8148th meeting (SPARQL rebuild check)."
    assert current() == old
    try:
        documents.write_text(original.replace(old, new), encoding="utf-8")
        deadline = time.monotonic() + 120
        while current() != new and time.monotonic() < deadline:
            time.sleep(0.3)
        assert current() == new
    finally:
        documents.write_text(original, encoding="utf-8")
