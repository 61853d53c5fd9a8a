"""``goodpractice publish``: the dataset into SPARQL stores by the Graph Store HTTP Protocol,
tried on real servers started by the tests on free loopback ports: the ``oxigraph`` package's
``oxigraph serve``, and OpenLink Virtuoso (Debian's ``virtuoso-t``, a test-made ini, its own
database in a temporary folder). Without a server its tests skip, saying what to install; under
CI (CI=true) they fail instead (tests/needs.py; .ci/run installs both). The refusals a store
can give (a 500, a timeout, a cut connection) come from small servers of the tests' own."""

from __future__ import annotations

import html
import http.server
import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jsonschema
import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from goodpractice import export, pipeline, publish
from goodpractice.cli import main
from goodpractice.content import ContentError
from goodpractice.queries import queries
from goodpractice.site.pages.queries import answered

from . import needs
from .conftest import BASE, free_port, stop

RELEASE = BASE + "dataset/0.1.0"
EARLIER = BASE + "dataset/0.0.1"
EARLIER_TRIPLE = f'<{EARLIER}> <http://purl.org/dc/terms/title> "an earlier release" .\n'
NO_CREDENTIALS = dict.fromkeys((publish.USER, publish.PASSWORD, publish.AUTH, publish.TOKEN), None)
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 4
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def published(runner, *args: str, **env: str):
    """``goodpractice publish`` with these arguments and only these credentials."""
    return runner.invoke(main, ["publish", *args], env={**NO_CREDENTIALS, **env})


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the store stopped: {log.read_text(errors='replace')}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.1)
    pytest.fail(f"the store did not start: {log.read_text(errors='replace')}", pytrace=False)


def started(command: list[str], ready: str, log: Path, seconds: float = 60):
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        wait_until_answers(ready, process, log, seconds)
        yield
    finally:
        stop(process, 20)


class Store:
    """A running store: where its Graph Store endpoint and its SPARQL endpoint are."""

    def __init__(self, gsp: str, sparql: str):
        self.gsp, self.sparql = gsp, sparql

    def select(self, query: str) -> list[tuple]:
        """A SELECT's rows as SPARQL JSON gives them, each value ("uri" or "literal", text)."""
        url = self.sparql + "?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            results = json.load(answer)
        names = results["head"]["vars"]
        return [
            tuple(
                ("uri" if b[n]["type"] == "uri" else "literal", b[n]["value"]) if n in b else None
                for n in names
            )
            for b in results["results"]["bindings"]
        ]

    def count(self, graph: str) -> int:
        [[(_kind, number)]] = self.select(
            f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
        )
        return int(number)


def rows(result) -> list[tuple]:
    return [
        tuple(
            None if v is None else ("uri" if isinstance(v, URIRef) else "literal", str(v))
            for v in row
        )
        for row in result
    ]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    program = needs.need(needs.OXIGRAPH)
    root = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(program), "serve", "--location", str(root / "db"), "--bind", f"127.0.0.1:{port}"]
    yield from (
        Store(f"{url}/store", f"{url}/query")
        for _ in started(command, f"{url}/query?query=ASK%7B%7D", root / "log", 30)
    )


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    program = needs.need(needs.VIRTUOSO)
    root = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = VIRTUOSO_INI.format(db=root, sql_port=free_port(), http_port=http_port)
    (root / "test.ini").write_text(ini, encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}"
    command = [str(program), "+foreground", "+configfile", str(root / "test.ini")]
    yield from (
        Store(f"{url}/sparql-graph-crud-auth", f"{url}/sparql")
        for _ in started(command, f"{url}/sparql?query=ASK%7B%7D", root / "out.log")
    )


@pytest.fixture(scope="module")
def reference(out) -> dict[str, list[tuple]]:
    """Each competency question's answer, by rdflib over build/dataset.ttl."""
    graph = Graph().parse(out / "dataset.ttl", format="turtle")
    return {q.name: sorted(rows(graph.query(q.text())), key=repr) for q in queries()}


def triples_in(out: Path) -> int:
    return sum(1 for line in (out / "dataset.nt").read_text(encoding="utf-8").splitlines() if line)


def put(url: str, body: str, **headers: str) -> None:
    request = urllib.request.Request(
        url,
        body.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples", **headers},
    )
    urllib.request.urlopen(request, timeout=30).close()


def graph_url(store: Store, graph: str) -> str:
    return f"{store.gsp}?graph={urllib.parse.quote(graph, safe='')}"


def check_store(store: Store, runner, out: Path, reference, **credentials: str) -> None:
    """Publish twice: one copy of the release, answers equal to rdflib's, the earlier release's
    graph untouched."""
    expected = f"Published {triples_in(out):,} triples to the graph <{RELEASE}> at {store.gsp} "
    for _ in range(2):
        result = published(runner, "--store", store.gsp, "--out", str(out), **credentials)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(expected), result.output
        assert store.count(RELEASE) == triples_in(out)
    for q in queries():
        answer = sorted(store.select(q.text(graph=RELEASE)), key=repr)
        assert answer == reference[q.name], q.name
    assert store.select(f"SELECT ?t FROM <{EARLIER}> WHERE {{ ?s ?p ?t }}") == [
        (("literal", "an earlier release"),)
    ]


# Real stores


def test_oxigraph_holds_one_copy_of_the_release_and_answers_as_rdflib(
    oxigraph, runner, out, reference
):
    put(graph_url(oxigraph, EARLIER), EARLIER_TRIPLE)
    check_store(oxigraph, runner, out, reference)


def test_virtuoso_holds_one_copy_of_the_release_and_answers_as_rdflib(
    virtuoso, runner, out, reference
):
    digest = urllib.request.HTTPDigestAuthHandler()
    digest.add_password("SPARQL", virtuoso.gsp, "dba", "dba")
    body = EARLIER_TRIPLE.encode()
    request = urllib.request.Request(
        graph_url(virtuoso, EARLIER), body, method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )  # fmt: skip
    urllib.request.build_opener(digest).open(request, timeout=30).close()
    credentials = {publish.USER: "dba", publish.PASSWORD: "dba", publish.AUTH: "digest"}
    check_store(virtuoso, runner, out, reference, **credentials)


def test_virtuoso_refuses_a_wrong_password(virtuoso, runner, out):
    credentials = {publish.USER: "dba", publish.PASSWORD: "not-the-password"}
    result = published(
        runner,
        "--store",
        virtuoso.gsp,
        "--out",
        str(out),
        **credentials,
        **{publish.AUTH: "digest"},
    )
    assert result.exit_code == 2
    assert result.output == (
        f"goodpractice: the store at {virtuoso.gsp} refused the upload: 401 Unauthorized; "
        "check the credentials (digest authentication as GOODPRACTICE_STORE_USER, with "
        "GOODPRACTICE_STORE_PASSWORD).\n"
    )
    assert "not-the-password" not in result.output


def test_an_upload_cut_half_way_leaves_the_graph_as_it_was(oxigraph, runner, out, tmp_path):
    """Between the client and the real Oxigraph server, a proxy forwards half of a changed
    dataset and closes both connections: the store keeps the earlier publication."""
    assert published(runner, "--store", oxigraph.gsp, "--out", str(out)).exit_code == 0
    changed = tmp_path / "changed"
    changed.mkdir()
    lines = (out / "dataset.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    (changed / "dataset.nt").write_text("".join(lines[200:]), encoding="utf-8")
    upstream = urllib.parse.urlsplit(oxigraph.gsp)
    proxy = HalfwayProxy(upstream.hostname, upstream.port)
    try:
        store = f"http://127.0.0.1:{proxy.port}/store"
        result = published(runner, "--store", store, "--out", str(changed), "--graph", RELEASE)
    finally:
        proxy.close()
    assert proxy.forwarded > 0
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"goodpractice: the connection to the store at {re.escape(store)} was cut before it "
        r"answered \([^)]+\); a store that follows the protocol leaves the graph as it was: "
        r"publish again\.\n",
        result.output,
    ), result.output
    request = urllib.request.Request(
        graph_url(oxigraph, RELEASE), headers={"Accept": "application/n-triples"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        held = Graph().parse(data=answer.read().decode("utf-8"), format="nt")
    assert set(held) == set(Graph().parse(out / "dataset.nt", format="nt"))


class HalfwayProxy:
    """Takes one upload, forwards its headers and half its body to the store, then closes."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forwarded = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        client, _ = self.listener.accept()
        with client, socket.create_connection(self.upstream) as store:
            received = b""
            while b"\r\n\r\n" not in received:
                received += client.recv(65536)
            head, _, body = received.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            while len(body) < length // 2:
                body += client.recv(65536)
            store.sendall(head + b"\r\n\r\n" + body[: length // 2])
            self.forwarded = length // 2

    def close(self) -> None:
        self.thread.join(timeout=30)
        self.listener.close()


# Small servers of the tests' own: what a store answers, and what it is sent


class Recorded(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's ``answer`` (status, body); records it."""

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append((self.command, self.path, dict(self.headers), length))
        self.rfile.read(length)
        status, text = self.server.answer
        if status is None:
            time.sleep(3)  # no answer within the client's timeout
            return
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text.encode())))
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake():
    """A store of the test's own, answering what ``fake.answer`` says (status, text)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    server.daemon_threads = True
    server.requests, server.answer = [], (201, "")
    server.url = f"http://127.0.0.1:{server.server_address[1]}/store"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_store_error_is_one_line_with_the_store_s_reason(fake, runner, out):
    fake.answer = (500, "Storage full:\n no space left on device\n")
    result = published(runner, "--store", fake.url, "--out", str(out))
    assert result.exit_code == 2
    assert result.output == (
        f"goodpractice: the store at {fake.url} refused the upload: 500 Internal Server Error "
        "(Storage full: no space left on device).\n"
    )


def test_one_put_of_the_n_triples_to_the_release_graph(fake, runner, out):
    result = published(runner, "--store", fake.url + "?x=1", "--out", str(out))
    assert result.exit_code == 0, result.output
    [(method, path, headers, length)] = fake.requests
    assert method == "PUT"
    assert path == "/store?x=1&graph=" + urllib.parse.quote(RELEASE, safe="")
    assert headers["Content-Type"] == "application/n-triples"
    assert length == (out / "dataset.nt").stat().st_size
    assert "Authorization" not in headers


@pytest.mark.parametrize(
    ("env", "authorization"),
    [
        ({publish.USER: "editor", publish.PASSWORD: "s3cret"}, "Basic ZWRpdG9yOnMzY3JldA=="),
        ({publish.TOKEN: "t0ken"}, "Bearer t0ken"),
    ],
)
def test_credentials_come_from_the_environment_and_are_never_printed(
    fake, runner, out, env, authorization
):
    fake.answer = (401, "")
    result = published(runner, "--store", fake.url, "--out", str(out), **env)
    assert result.exit_code == 2
    [(_, _, headers, _)] = fake.requests
    assert headers["Authorization"] == authorization
    for secret in ("s3cret", "t0ken", authorization):
        assert secret not in result.output


def test_a_store_that_does_not_answer_in_time(fake, runner, out):
    fake.answer = (None, "")
    result = published(runner, "--store", fake.url, "--out", str(out), "--timeout", "0.5")
    assert result.exit_code == 2
    assert result.output == (
        f"goodpractice: the store at {fake.url} took the upload but did not answer within "
        "0.5 s (--timeout): it may still be loading it; look at the graph before publishing "
        "again.\n"
    )


def test_a_closed_port(runner, out):
    store = f"http://127.0.0.1:{free_port()}/store"
    result = published(runner, "--store", store, "--out", str(out))
    assert result.exit_code == 2
    assert (
        result.output == f"goodpractice: cannot reach the store at {store}: Connection refused.\n"
    )


def test_dry_run_says_what_it_would_send_and_sends_nothing(fake, runner, out):
    env = {publish.USER: "dba", publish.PASSWORD: "dba-secret", publish.AUTH: "digest"}
    result = published(runner, "--store", fake.url, "--out", str(out), "--dry-run", **env)
    assert result.exit_code == 0, result.output
    assert fake.requests == []
    size = (out / "dataset.nt").stat().st_size
    assert result.output.splitlines() == [
        "Dry run: nothing was sent. It would send:",
        f"PUT {fake.url}?graph={urllib.parse.quote(RELEASE, safe='')}",
        f"  graph:        {RELEASE}",
        "  content type: application/n-triples",
        f"  body:         {out / 'dataset.nt'}: {triples_in(out):,} triples, {size:,} bytes",
        "  credentials:  digest authentication as GOODPRACTICE_STORE_USER, with "
        "GOODPRACTICE_STORE_PASSWORD",
    ]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--out", "nowhere"], {}, "nowhere/dataset.nt does not exist: run goodpractice build "
         "first, or give --out the folder it wrote."),
        (["--graph", "not an iri"], {}, "--graph not an iri: the graph's name must be an "
         "absolute IRI."),
        ([], {publish.AUTH: "kerberos"}, "GOODPRACTICE_STORE_AUTH must be one of basic, digest, "
         "bearer, not 'kerberos'."),
        ([], {publish.USER: "dba", publish.AUTH: "digest"}, "digest authentication needs "
         "GOODPRACTICE_STORE_USER and GOODPRACTICE_STORE_PASSWORD; GOODPRACTICE_STORE_PASSWORD "
         "is not set."),
    ],
)  # fmt: skip
def test_misuse_is_one_line_and_sends_nothing(fake, runner, out, monkeypatch, args, env, message):
    monkeypatch.chdir(out.parent)
    result = published(runner, "--store", fake.url, "--out", "build", *args, **env)
    assert result.exit_code == 2
    assert result.output == f"goodpractice: {message}\n"
    assert fake.requests == []


def test_credentials_in_the_store_url_are_refused_and_not_repeated(fake, runner, out):
    store = fake.url.replace("http://", "http://dba:s3cret@")
    result = published(runner, "--store", store, "--out", str(out))
    assert result.exit_code == 2
    assert result.output == (
        "goodpractice: --store: give the credentials in the environment (GOODPRACTICE_STORE_USER "
        "and GOODPRACTICE_STORE_PASSWORD, or GOODPRACTICE_STORE_TOKEN), not in the URL.\n"
    )
    assert fake.requests == []


def test_the_store_must_be_an_http_url(runner, out):
    result = published(runner, "--store", "localhost:7878/store", "--out", str(out))
    assert result.exit_code == 2
    assert result.output == (
        "goodpractice: --store localhost:7878/store: give the store's Graph Store endpoint as "
        "an http(s) URL, e.g. http://localhost:7878/store (Oxigraph).\n"
    )


def test_the_oxigraph_server_is_found_or_named(monkeypatch):
    monkeypatch.setenv(needs.PRETEND_MISSING, "oxigraph")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        needs.need(needs.OXIGRAPH)
    assert "pip install oxigraph" in str(skipped.value)


# The SPARQL endpoint a publication names (publication.yaml: sparql_endpoint)

ENDPOINT = "https://query.example.org/sparql"


def test_the_description_names_the_endpoint_only_when_the_publication_has_one(workdir, out):
    assert "void#sparqlEndpoint" not in (out / "dataset.nt").read_text(encoding="utf-8")
    publication = workdir / "content" / "publication.yaml"
    with publication.open("a", encoding="utf-8") as f:
        f.write(f"sparql_endpoint: {ENDPOINT}\n")
    built = pipeline.build(workdir / "content", workdir / "build")
    assert built.files is not None
    description = Graph().parse(workdir / "build" / "dataset-description.ttl")
    assert set(description.objects(URIRef(BASE + "dataset"), VOID.sparqlEndpoint)) == {
        URIRef(ENDPOINT)
    }
    document = json.loads((workdir / "build" / "dataset-description.jsonld").read_text())
    [dataset] = [node for node in document["@graph"] if node["id"] == BASE + "dataset"]
    assert dataset["sparqlEndpoint"] == [ENDPOINT]
    jsonschema.validate(document, export.load_schema(), cls=jsonschema.Draft202012Validator)


def test_the_endpoint_must_be_an_absolute_iri(workdir):
    publication = workdir / "content" / "publication.yaml"
    lines = publication.read_text(encoding="utf-8").count("\n")
    with publication.open("a", encoding="utf-8") as f:
        f.write("sparql_endpoint: /sparql\n")
    with pytest.raises(ContentError) as error:
        pipeline.load_model(workdir / "content")
    [problem] = error.value.problems
    assert str(problem).startswith(
        f"content/publication.yaml:{lines + 1}: 'sparql_endpoint' must be an absolute IRI, "
        "not '/sparql' ("
    )


# The Queries page: the same questions, answered when the site is built


def oxigraph_rows(rows) -> list[tuple]:
    return sorted(
        (
            tuple(
                None if v is None
                else ("uri" if isinstance(v, pyoxigraph.NamedNode) else "literal", v.value)
                for v in row
            )
            for row in rows
        ),
        key=repr,
    )  # fmt: skip


def test_the_queries_page_shows_each_question_with_its_query_and_answer(built_site, out, reference):
    page = (built_site / "queries" / "index.html").read_text(encoding="utf-8")
    shown = [html.unescape(c) for c in re.findall(r"<pre><code>(.*?)</code></pre>", page, re.S)]
    data = (out / "dataset.nt").read_bytes()
    for q, text, _names, rows in answered(data, BASE, RELEASE):
        assert oxigraph_rows(rows) == reference[q.name], q.name
        assert f'id="{q.name}"' in page
        assert text in shown
        assert f"FROM <{RELEASE}>\nWHERE {{" in text
        assert f'href="../sparql?query={urllib.parse.quote(text, safe="")}"' in page
    # a resource of the answer links to its page, named by its path under the base
    assert '<a href="../rabat-washington/gp10/">rabat-washington/gp10</a>' in page
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="queries/"' in home
