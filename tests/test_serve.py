"""`goodpractice serve` as a client sees it: real HTTP requests to the command started as a
process, content negotiation on resource IRIs, and the site rebuilt when the content changes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from goodpractice.export import load_context
from goodpractice.serve import negotiate

from .conftest import MEMO, running_serve

GP10 = "/rabat-washington/gp10"
TURTLE_ACCEPT = "text/turtle"
RESOLUTION = "/un/s-res-2396-2017/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, accept: str | None = None, follow: bool = True):
    """(status, headers, body, final URL) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), url


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`goodpractice serve` on a copy of content/, as a process, on a free port."""
    root = tmp_path_factory.mktemp("serve")

    def answers(url: str) -> bool:
        urllib.request.urlopen(url + "/", timeout=2).close()
        return True

    with running_serve(root, ready=answers) as (url, log):
        yield url, root, log


def test_html_redirects_to_the_page(served):
    url, _, _ = served
    status, headers, _, _ = get(url + GP10, "text/html", follow=False)
    assert status == 303
    assert headers["Location"] == GP10 + "/"
    assert "Accept" in headers["Vary"]
    status, headers, body, final = get(
        url + GP10, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
    )
    assert status == 200 and final.endswith(GP10 + "/")
    assert headers["Content-Type"].startswith("text/html")
    assert "Accept" in headers["Vary"]
    assert b"Good Practice 10:" in body


@pytest.mark.parametrize(
    "accept, media_type, extension, syntax",
    [
        ("text/turtle", "text/turtle", ".ttl", "turtle"),
        ("application/ld+json", "application/ld+json", ".jsonld", "json-ld"),
        ("application/n-triples", "application/n-triples", ".nt", "nt"),
        ("text/html;q=0.5, text/turtle", "text/turtle", ".ttl", "turtle"),
        ("application/n-triples;q=0.4, application/ld+json;q=0.9", "application/ld+json", ".jsonld", "json-ld"),
    ],
)  # fmt: skip
def test_rdf_by_content_negotiation(served, accept, media_type, extension, syntax):
    url, _, _ = served
    for path in (GP10, GP10 + "/"):
        status, headers, body, _ = get(url + path, accept)
        assert status == 200, (path, accept)
        assert headers["Content-Type"].split(";")[0] == media_type
        assert "Accept" in headers["Vary"]
        assert headers["Content-Location"] == GP10 + extension
        data = body.decode("utf-8")
        if syntax == "json-ld":  # the published context, from this repository, not the network
            document = json.loads(data)
            assert document["@context"]
            data = json.dumps({**document, "@context": load_context()["@context"]})
        graph = Graph().parse(data=data, format=syntax, publicID=MEMO + "/")
        gp10 = URIRef(MEMO + "/gp10")
        assert (gp10, None, None) in graph
        labels = {
            str(o)
            for o in graph.objects(gp10, URIRef("http://www.w3.org/2004/02/skos/core#notation"))
        }
        assert labels == {"GP10"}


def test_extension_urls_serve_the_files(served):
    url, root, _ = served
    for extension, media_type in (
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
    ):
        status, headers, body, _ = get(url + GP10 + extension, "text/html")
        assert status == 200
        assert headers["Content-Type"].split(";")[0] == media_type
        assert body == (root / "site" / f"rabat-washington/gp10{extension}").read_bytes()
    status, headers, _, _ = get(url + "/dataset.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")


def test_unacceptable_types_get_406_and_unknown_paths_404(served):
    url, _, _ = served
    status, headers, body, _ = get(url + GP10, "image/png")
    assert status == 406
    assert "Accept" in headers["Vary"]
    assert b"gp10.ttl" in body and b"text/turtle" in body
    status, _, _, _ = get(url + "/rabat-washington/gp99", "text/turtle")
    assert status == 404
    status, _, body, _ = get(url + "/no/such/page/")
    assert status == 404


def test_no_file_outside_the_site_can_be_read(served):
    """Paths are sent as written (http.client does not tidy them as a browser would)."""
    import http.client

    url, root, _ = served
    secret = root / "secret.txt"
    secret.write_text("not for the web", encoding="utf-8")
    absolute = secret.as_posix()
    host, port = url.removeprefix("http://").split(":")
    for path in (
        f"/{absolute}",
        f"/gctf-good-practices/{absolute}",
        f"/gctf-good-practices/{absolute.replace('/', '%2F')}",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/gctf-good-practices/..%2Fsecret.txt",
        "/rabat-washington/..%2F..%2Fsecret.txt",
    ):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path, headers={"Accept": "text/turtle, text/html"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 404, path
        assert b"not for the web" not in body, path


def test_a_browser_gets_html_and_pages_of_the_site_are_not_negotiated(served):
    url, _, _ = served
    status, headers, _, final = get(url + GP10)  # no Accept header at all
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert final.endswith(GP10 + "/")
    status, headers, _, _ = get(url + "/documents/", "text/turtle")  # an index page
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_negotiate_follows_quality_and_order():
    offered = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
    assert negotiate(None, offered) == "text/html"
    assert negotiate("*/*", offered) == "text/html"
    assert negotiate("text/*;q=0.5, application/ld+json", offered) == "application/ld+json"
    assert negotiate("text/turtle;q=0", offered) is None
    assert negotiate("application/json", offered) == "application/ld+json"
    assert negotiate("image/png", offered) is None


def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_the_site_is_rebuilt_when_the_content_changes(served):
    url, root, log = served
    documents = root / "content" / "catalogue" / "documents.yaml"
    original = documents.read_text(encoding="utf-8")
    old = "Adopted by the Security Council at its 8148th meeting, on 21 December 2017."
    new = "Adopted by the Security Council at its 8148th meeting (live rebuild check)."
    assert old in original
    _, _, body, _ = get(url + RESOLUTION)
    assert old.encode() in body
    try:
        documents.write_text(original.replace(old, new), encoding="utf-8")
        assert wait_for(lambda: new.encode() in get(url + RESOLUTION)[2]), "the page did not change"
        turtle = get(url + RESOLUTION.rstrip("/"), "text/turtle")[2]
        assert new.encode() in turtle  # the data too

        # Broken content: the problem is printed and the last good site stays served.
        documents.write_text(
            original.replace("- id: hague-marrakech", "- id: [broken", 1), encoding="utf-8"
        )
        assert wait_for(
            lambda: "still serving the last good site" in Path(log.name).read_text(encoding="utf-8")
        )
        status, _, body, _ = get(url + RESOLUTION)
        assert status == 200 and new.encode() in body
        assert "documents.yaml" in Path(log.name).read_text(encoding="utf-8")
    finally:
        documents.write_text(original, encoding="utf-8")
    assert wait_for(lambda: old.encode() in get(url + RESOLUTION)[2]), "the page did not come back"


def test_the_site_is_also_served_under_the_base_path(served):
    url, _, _ = served
    status, headers, body, _ = get(url + "/gctf-good-practices" + GP10, TURTLE_ACCEPT, follow=False)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert headers["Content-Location"] == "/gctf-good-practices" + GP10 + ".ttl"
    status, headers, _, _ = get(url + "/gctf-good-practices" + GP10, "text/html", follow=False)
    assert status == 303 and headers["Location"] == "/gctf-good-practices" + GP10 + "/"
    # The 404 page links to the assets under the base path, and they are there.
    status, _, body, _ = get(url + "/gctf-good-practices/no/such/page/")
    assert status == 404
    stylesheets = re.findall(
        r'href="(/gctf-good-practices/assets/stylesheets/[^"]+)"', body.decode()
    )
    assert stylesheets
    for stylesheet in stylesheets:
        assert get(url + stylesheet)[0] == 200


def test_pages_served_while_watching_reload_after_a_rebuild(served):
    url, _, _ = served
    _, _, body, _ = get(url + GP10 + "/")
    assert b'<script src="/__goodpractice/reload.js"></script></body>' in body
    status, headers, script, _ = get(url + "/__goodpractice/reload.js")
    assert status == 200 and b"location.reload()" in script
    status, _, generation, _ = get(url + "/__goodpractice/generation")
    assert status == 200 and generation.isdigit()


def test_the_built_site_has_no_reload_script(served):
    _, root, _ = served
    page = (root / "site" / "rabat-washington" / "gp10" / "index.html").read_bytes()
    assert b"__goodpractice" not in page


def test_a_change_to_the_prose_pages_is_rebuilt_and_bumps_the_generation(served):
    url, _, _ = served
    from goodpractice.site import docs_folder

    before = int(get(url + "/__goodpractice/generation")[2])
    prose = docs_folder() / "editing.md"
    original = prose.read_bytes()
    stamp = time.time_ns()
    os.utime(prose, ns=(stamp, stamp + 10**9))  # a touch: the watcher sees a change
    try:
        assert wait_for(lambda: int(get(url + "/__goodpractice/generation")[2]) > before)
    finally:
        assert prose.read_bytes() == original


# --------------------------------------------------------------------------------------------
# serve never dies on a request, and starts or says why


def test_an_over_long_path_segment_gets_404_and_the_server_keeps_serving(served):
    url, _, log = served
    host, port = url.removeprefix("http://").split(":")
    for path in ("/" + "a" * 300, "/rabat-washington/" + "b" * 300 + "/", "/" + "c" * 300 + ".ttl"):
        status, _, body, _ = get(url + path, "text/turtle, text/html")
        assert status == 404, path
    # A request the server cannot parse: an error answer, logged in one line.
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"GET / spaces in the path HTTP/1.1\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.0 400 Bad request syntax")
    assert get(url + "/")[0] == 200
    log.seek(0)
    lines = log.read().splitlines()
    assert not [line for line in lines if "Traceback" in line or line.startswith("  File ")]
    assert [line for line in lines if "code 400" in line]


def serve_process(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "goodpractice", "serve", "--site-dir", str(site), "--no-build",
         "--no-watch", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=site.parent,
    )  # fmt: skip


def test_a_port_in_use_is_one_line_and_exit_2(served):
    url, root, _ = served
    port = url.rsplit(":", 1)[1]
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    process = serve_process(root / "site", "--port", port)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.splitlines() == [
        f"goodpractice serve: cannot listen on 127.0.0.1:{port}: Address already in use."
    ]
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before


def test_port_0_picks_a_free_port_and_prints_it(served):
    _, root, _ = served
    process = serve_process(root / "site", "--port", "0")
    try:
        line = process.stdout.readline()
        match = re.fullmatch(
            r"Serving \S+ at http://127\.0\.0\.1:(\d+)/\. Press Ctrl\+C to stop\.\n", line
        )
        assert match, line
        assert int(match[1]) > 0
        assert get(f"http://127.0.0.1:{match[1]}/")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_a_port_out_of_range_is_refused_by_the_option(port):
    from click.testing import CliRunner

    from goodpractice.cli import main

    result = CliRunner().invoke(main, ["serve", "--no-build", "--port", port])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--port': {port} is not in the range 0<=x<=65535."
    )
