"""The server configuration the build writes, tried on real servers: Apache 2.4 with the site's
.htaccess, nginx with its nginx.conf and nginx-location.conf, each on 127.0.0.1 with a private
configuration, serving the built site under the base IRI's path (/gctf-good-practices/), asked
with real HTTP requests. Without a server its tests skip, saying what to install; under CI
(CI=true) they fail instead (tests/needs.py; .ci/run installs both)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from . import needs
from .conftest import free_port, http_get

BASE_PATH = "/gctf-good-practices/"
APACHE = needs.APACHE.path
NGINX = needs.NGINX.path
MODULES = Path("/usr/lib/apache2/modules")

TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text(errors='replace')}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the server did not start: {log.read_text(errors='replace')}", pytrace=False)


def running(command: list[str], port: int, log: Path):
    """Start a server in the foreground, yield its port once it answers, stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def www(built_site):
    """A world-readable folder holding the built site at the base IRI's path (the servers'
    workers run as nobody)."""
    root = Path(tempfile.mkdtemp(prefix="gp-deploy-"))
    os.chmod(root, 0o755)
    shutil.copytree(built_site, root / "www" / BASE_PATH.strip("/"))
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def user_lines(apache: bool) -> str:
    if os.geteuid() != 0:
        return ""
    return "User nobody\nGroup nogroup\n" if apache else "user nobody nogroup;\n"


@pytest.fixture(scope="module")
def apache(www):
    needs.need(needs.APACHE)
    run = www / "apache"
    run.mkdir()
    port = free_port()
    site = www / "www" / BASE_PATH.strip("/")
    modules = ("mpm_event", "authz_core", "alias", "dir", "mime", "rewrite", "headers")
    config = run / "httpd.conf"
    config.write_text(
        f'ServerRoot "{run}"\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n'
        f"PidFile {run}/httpd.pid\nErrorLog {run}/error.log\nLogLevel warn\nMutex file:{run}\n"
        + "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n" for m in modules)
        + user_lines(apache=True)
        + "TypesConfig /etc/mime.types\n"
        f'Alias {BASE_PATH.rstrip("/")} "{site}"\n'
        f'<Directory "{site}">\n'
        "    AllowOverride FileInfo Indexes Options=MultiViews,Indexes\n"
        "    Require all granted\n"
        "</Directory>\n",
        encoding="utf-8",
    )
    log = run / "error.log"
    log.touch()
    yield from running([str(APACHE), "-f", str(config), "-DFOREGROUND"], port, log)


@pytest.fixture(scope="module")
def nginx(www):
    needs.need(needs.NGINX)
    run = www / "nginx"
    (run / "tmp").mkdir(parents=True)
    port = free_port()
    site = www / "www" / BASE_PATH.strip("/")
    temp = " ".join(
        f"{kind}_temp_path {run}/tmp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = run / "nginx.conf"
    config.write_text(
        user_lines(apache=False)
        + f"worker_processes 1;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\n"
        "events {}\nhttp {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log off;\n    {temp}\n"
        f"    include {site}/nginx.conf;\n"
        "    server {\n"
        f"        listen 127.0.0.1:{port};\n"
        f"        root {www / 'www'};\n"
        f"        include {site}/nginx-location.conf;\n"
        "    }\n}\n",
        encoding="utf-8",
    )
    log = run / "error.log"
    log.touch()
    check = subprocess.run(
        [str(NGINX), "-t", "-c", str(config), "-g", "daemon off;"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    yield from running([str(NGINX), "-c", str(config), "-g", "daemon off;"], port, log)


@pytest.fixture(params=["apache", "nginx"])
def server(request):
    return request.getfixturevalue(request.param)


def get(port: int, path: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    return http_get(port, path, {"Accept": accept} if accept else {})


def media(headers: dict) -> str:
    return headers.get("content-type", "").split(";")[0].strip()


def varies(headers: dict) -> bool:
    return "accept" in [v.strip().lower() for v in headers.get("vary", "").split(",")]


GP10 = BASE_PATH + "rabat-washington/gp10"


def test_a_browser_gets_the_page(server):
    status, headers, body = get(server, GP10 + "/", BROWSER)
    assert status == 200 and media(headers) == "text/html"
    assert b"Good Practice 10:" in body
    assert varies(headers)


def test_the_bare_iri_sends_a_browser_to_the_page(server):
    status, headers, _ = get(server, GP10, BROWSER)
    assert status == 303
    assert headers["location"].endswith(GP10 + "/")
    status, headers, _ = get(server, GP10)  # no Accept header: the page too
    assert status == 303 and headers["location"].endswith(GP10 + "/")


@pytest.mark.parametrize(
    ("accept", "expected", "marker"),
    [
        (TURTLE, TURTLE, b"@prefix"),
        (JSONLD, JSONLD, b'"@context"'),
        (NTRIPLES, NTRIPLES, b"<https://w3id.org/gctf-good-practices/rabat-washington/gp10> <"),
        ("text/turtle, */*;q=0.1", TURTLE, b"@prefix"),
    ],
)
@pytest.mark.parametrize("path", [GP10, GP10 + "/"])
def test_rdf_by_content_negotiation(server, path, accept, expected, marker):
    status, headers, body = get(server, path, accept)
    assert status == 200, (path, accept)
    assert media(headers) == expected
    assert marker in body
    assert varies(headers)


def test_rdf_by_extension(server):
    for ext, expected in (("ttl", TURTLE), ("jsonld", JSONLD), ("nt", NTRIPLES)):
        status, headers, _ = get(server, f"{GP10}.{ext}", BROWSER)
        assert status == 200 and media(headers) == expected, ext


def test_data_files_may_be_read_from_any_origin(server):
    for path, accept in ((f"{GP10}.ttl", None), (GP10, TURTLE), (GP10 + "/", JSONLD),
                         (BASE_PATH + "dataset.nt", None), (BASE_PATH + "practices.csv", None)):  # fmt: skip
        status, headers, _ = get(server, path, accept)
        assert status == 200 and headers.get("access-control-allow-origin") == "*", (path, accept)
    status, headers, _ = get(server, GP10 + "/", BROWSER)  # a page: no need
    assert status == 200 and "access-control-allow-origin" not in headers


def test_rdf_asked_of_a_page_without_data_gets_the_page(server):
    status, headers, body = get(server, BASE_PATH + "memoranda/", TURTLE)
    assert status == 200 and media(headers) == "text/html" and b"<html" in body
    status, headers, _ = get(server, BASE_PATH + "memoranda", TURTLE)
    assert status == 303 and headers["location"].endswith(BASE_PATH + "memoranda/")


def test_the_site_root_and_its_assets(server):
    status, headers, body = get(server, BASE_PATH, BROWSER)
    assert status == 200 and media(headers) == "text/html" and b"<title>" in body
    status, headers, _ = get(server, BASE_PATH + "assets/goodpractice.css")
    assert status == 200 and media(headers) == "text/css"


def test_a_missing_page_gets_the_404_page_with_working_links(server):
    status, headers, body = get(server, BASE_PATH + "no/such/page/", BROWSER)
    assert status == 404 and b"<html" in body
    text = body.decode("utf-8")
    assert 'href="/assets/' not in text and 'src="/assets/' not in text
    assert f'href="{BASE_PATH}assets/' in text
    stylesheet = text.split(f'href="{BASE_PATH}assets/stylesheets/', 1)[1].split('"', 1)[0]
    assert get(server, f"{BASE_PATH}assets/stylesheets/{stylesheet}")[0] == 200


# Content negotiation by profile (W3C): ?_profile=vocpub and Accept-Profile answer with the
# resource's VocPub document; a profile the resource does not have gets 406 with the list.
VOCPUB = "https://linked.data.gov.au/def/vocpub"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("rabat-washington?_profile=vocpub", {}),
        ("rabat-washington/?_profile=vocpub&_mediatype=text/turtle", {"Accept": BROWSER}),
        ("rabat-washington/glossary?_profile=vocpub", {"Accept": TURTLE}),
        ("rabat-washington", {"Accept-Profile": f"<{VOCPUB}>", "Accept": TURTLE}),
    ],
)
def test_the_vocpub_document_by_profile(server, www, path, headers):
    status, answer, body = http_get(server, BASE_PATH + path, headers)
    document = path.split("?")[0].rstrip("/") + ".vocpub.ttl"
    assert status == 200 and media(answer) == TURTLE, path
    assert body == (www / "www" / BASE_PATH.strip("/") / document).read_bytes()
    assert answer["content-profile"] == f"<{VOCPUB}>"
    assert answer["link"].startswith(f'<{VOCPUB}>; rel="profile", ')
    assert f'token="vocpub"; anchor=<{VOCPUB}>' in answer["link"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("rabat-washington?_profile=nosuch", {"Accept": TURTLE}),
        ("rabat-washington/gp10?_profile=vocpub", {"Accept": TURTLE}),
        ("rabat-washington", {"Accept-Profile": "<urn:example:nosuch>", "Accept": TURTLE}),
    ],
)
def test_a_profile_the_resource_does_not_have_gets_406_with_the_list(server, path, headers):
    status, answer, body = http_get(server, BASE_PATH + path, headers)
    assert status == 406, path
    assert f"vocpub <{VOCPUB}>" in body.decode("utf-8")
    assert f'token="vocpub"; anchor=<{VOCPUB}>' in answer["link"]


def test_the_default_profile_is_the_plain_answer(server):
    status, answer, body = http_get(server, f"{GP10}?_profile=gp", {"Accept": TURTLE})
    assert status == 200 and media(answer) == TURTLE and b"@prefix" in body
    assert "content-profile" not in answer


def test_the_answers_of_a_resource_with_two_profiles_list_them(server):
    alternate = (
        f'<?_profile=vocpub&_mediatype=text/turtle>; rel="alternate"; type="text/turtle"; '
        f'profile="{VOCPUB}"'
    )
    for path, accept in (("rabat-washington", TURTLE), ("rabat-washington/", BROWSER),
                         ("rabat-washington/glossary", JSONLD)):  # fmt: skip
        status, answer, _ = http_get(server, BASE_PATH + path, {"Accept": accept})
        assert status == 200 and alternate in answer.get("link", ""), path
    status, answer, _ = http_get(server, GP10, {"Accept": TURTLE})
    assert status == 200 and "link" not in answer
