"""The HTTP side of ``goodpractice serve``: static files of the built site, content negotiation
on resource IRIs, and the live-reload script while serve watches for changes."""

from __future__ import annotations

import contextlib
import errno
import html
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..vocab import FORMAT, PROFILES
from .negotiation import (
    ALTERNATES,
    REPRESENTATIONS,
    choose_profile,
    negotiate,
    profile_links,
    requested_profiles,
)
from .sparql import Endpoint, Options, is_endpoint

HTML = FORMAT["html"].content_type
HTML_TYPE = FORMAT["html"].media_type
FORMAT_OF = {f.media_type: f.extension for f in FORMAT.values()}  # media type → extension


RELOAD_PATH = "/__goodpractice/reload.js"
GENERATION_PATH = "/__goodpractice/generation"
# Polls the build generation and reloads the page when it changes (only under `serve`).
RELOAD_SCRIPT = (resources.files(__package__) / "reload.js").read_bytes()


class Generation:
    """How many times the site has been rebuilt since serve started."""

    def __init__(self):
        self.value = 0

    def bump(self) -> None:
        self.value += 1


def site_base_path(site: Path) -> str:
    """The base IRI's path, as the build wrote it into the site's .htaccess ("/" if none)."""
    try:
        text = (Path(site) / ".htaccess").read_text(encoding="utf-8")
    except OSError:
        return "/"
    match = re.search(r"^RewriteBase\s+(\S+)", text, re.M)
    return match.group(1) if match else "/"


class Handler(SimpleHTTPRequestHandler):
    """Static files of the site, with content negotiation on resource IRIs."""

    def __init__(self, *args, site: Path, quiet: bool = True, **kwargs):
        self.site = Path(site)
        self.prefix = "/"
        self.quiet = quiet
        super().__init__(*args, directory=str(site), **kwargs)

    @property
    def generation(self) -> Generation | None:
        """Set on the server when serve watches for changes."""
        return getattr(self.server, "generation", None)

    def log_message(self, format, *args):  # noqa: A002 (the name the base class uses)
        if not self.quiet:
            super().log_message(format, *args)

    def log_error(self, format, *args):  # noqa: A002
        # Errors are logged even when requests are not: one line each.
        super().log_message(format, *args)

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def guess_type(self, path):
        known = FORMAT.get(Path(str(path)).suffix.lower().lstrip("."))
        return known.content_type if known else super().guess_type(path)

    def list_directory(self, path):
        self.not_found()
        return None

    def do_GET(self):
        self.answer(body=True)

    def do_HEAD(self):
        self.answer(body=False)

    def do_POST(self):  # /sparql only
        self.answer(body=True)

    def do_OPTIONS(self):  # a CORS preflight to /sparql
        self.answer(body=False)

    # ------------------------------------------------------------------------------------

    def answer(self, body: bool) -> None:
        """Whatever goes wrong, the client gets an answer and the server keeps serving."""
        try:
            self.respond(body)
        except OSError as error:
            if error.errno == errno.ENAMETOOLONG:  # a path segment longer than a file name
                self.not_found(body)
            elif isinstance(error, (BrokenPipeError, ConnectionResetError)):
                self.close_connection = True  # the client went away
            else:
                self.failed(error, body)
        except Exception as error:  # noqa: BLE001 - answered 500 and logged in one line
            self.failed(error, body)

    def failed(self, error: BaseException, body: bool) -> None:
        self.log_error("error answering %r: %s: %s", self.path, type(error).__name__, error)
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may be gone
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR)

    def respond(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if self.generation is not None and path in (RELOAD_PATH, GENERATION_PATH):
            self.live_reload(path, body)
            return
        self.prefix = "/"
        base = site_base_path(self.site)
        if is_endpoint(path, base) and self.server.sparql is not None:
            self.server.sparql.respond(self, body)  # the SPARQL endpoint: serve/sparql.py
            return
        if self.command not in ("GET", "HEAD"):
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
            return
        if base != "/" and (path + "/").startswith(base):
            self.prefix = base
            relative = path[len(base) :] if len(path) >= len(base) else ""
            if path + "/" == base:  # the base path without its slash
                self.redirect(base, HTTPStatus.MOVED_PERMANENTLY)
                return
        else:
            relative = path
        # No absolute paths ("//etc/passwd", "%2Fetc") and no way up out of the site.
        relative = relative.lstrip("/")
        if ".." in Path(relative).parts:
            self.not_found(body)
            return
        key = relative.rstrip("/")
        available = self.representations(key) if key else {}
        if available and (relative.endswith("/") or not (self.site / relative).is_file()):
            self.negotiated(path, key, available, body)
            return
        if relative and not relative.endswith("/") and (self.site / relative).is_dir():
            self.redirect(path + "/", HTTPStatus.MOVED_PERMANENTLY)
            return
        target = self.site / relative
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            self.not_found(body)
            return
        self.send_file(target, self.guess_type(str(target)), body)

    def representations(self, key: str) -> dict[str, Path]:
        found = {}
        for media_type, suffix in REPRESENTATIONS.items():
            candidate = self.site / f"{key}{suffix}"
            if candidate.is_file():
                found[media_type] = candidate
        # A resource has data beside its page; a page of the site alone is not negotiated.
        return found if len(found) > 1 or HTML_TYPE not in found else {}

    def profiles(self, key: str, available: dict[str, Path]) -> dict:
        """The profiles the resource is available in, each with its files by media type: the
        edition's own documents (the default), and a VocPub document if it has one."""
        found = {}
        for profile in PROFILES:
            if not profile.suffix:
                found[profile] = available
                continue
            files = {
                media: self.site / f"{key}{profile.suffix}.{FORMAT_OF[media]}"
                for media in profile.media_types
            }
            files = {media: file for media, file in files.items() if file.is_file()}
            if files:
                found[profile] = files
        return found

    def negotiated(self, path: str, key: str, available: dict[str, Path], body: bool) -> None:
        """By profile (?_profile=, Accept-Profile), then by media type (?_mediatype=, Accept)."""
        query = parse_qs(urlsplit(self.path).query)
        profiles = self.profiles(key, available)
        wanted = requested_profiles(
            query.get("_profile", [None])[0], self.headers.get("Accept-Profile")
        )
        links = profile_links(self.prefix + key, {p: list(f) for p, f in profiles.items()})
        if wanted == [ALTERNATES]:
            self.not_acceptable(key, profiles, body, links, HTTPStatus.OK)
            return
        profile = choose_profile(wanted, list(profiles))
        if profile is None:
            self.not_acceptable(key, profiles, body, links)
            return
        available = profiles[profile]
        accept = query.get("_mediatype", [self.headers.get("Accept")])[0]
        chosen = negotiate(accept, list(available))
        if chosen is None:
            self.not_acceptable(key, profiles, body, links)
            return
        headers = {}
        if len(profiles) > 1 or wanted:
            headers = {
                "Vary": "Accept, Accept-Profile",
                "Link": profile_links(
                    self.prefix + key, {p: list(f) for p, f in profiles.items()}, profile, chosen
                ),
                "Content-Profile": f"<{profile.iri}>",
            }
        if chosen == HTML_TYPE:
            if not path.endswith("/"):
                self.redirect(path + "/", HTTPStatus.SEE_OTHER, vary=True)
                return
            self.send_file(available[chosen], HTML, body, vary=True, headers=headers)
            return
        file = available[chosen]
        self.send_file(
            file,
            self.guess_type(str(file)),
            body,
            vary=True,
            location=self.prefix + file.relative_to(self.site).as_posix(),
            headers=headers,
        )

    def send_file(
        self,
        file: Path,
        content_type: str,
        body: bool,
        vary: bool = False,
        location: str | None = None,
        status: HTTPStatus = HTTPStatus.OK,
        headers: dict[str, str] | None = None,
    ) -> None:
        if not file.resolve().is_relative_to(self.site.resolve()):  # the last line of defence
            self.not_found(body)
            return
        try:
            data = file.read_bytes()
        except OSError:  # the site was replaced between the check and the read
            self.not_found(body)
            return
        if self.generation is not None and content_type.startswith(HTML_TYPE):
            data = with_reload_script(data)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        headers = dict(headers or {})
        if vary:
            self.send_header("Vary", headers.pop("Vary", "Accept"))
        for name, value in headers.items():
            self.send_header(name, value)
        if not content_type.startswith(HTML_TYPE):  # data a page elsewhere may fetch
            self.send_header("Access-Control-Allow-Origin", "*")
        if location:
            self.send_header("Content-Location", location)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def live_reload(self, path: str, body: bool) -> None:
        if path == RELOAD_PATH:
            data, content_type = RELOAD_SCRIPT, FORMAT["js"].content_type
        else:
            data, content_type = str(self.generation.value).encode(), FORMAT["txt"].content_type
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def redirect(self, location: str, status: HTTPStatus, vary: bool = False) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        if vary:
            self.send_header("Vary", "Accept")
        self.end_headers()

    def not_acceptable(
        self,
        key: str,
        profiles: dict,
        body: bool,
        links: str,
        status: HTTPStatus = HTTPStatus.NOT_ACCEPTABLE,
    ) -> None:
        """What the resource is available as, in each profile: with 406 when none of it was
        asked for, with 200 for ?_profile=alt."""
        items = "".join(
            f'<li><a href="/{html.escape(f.relative_to(self.site).as_posix())}">'
            f"{html.escape(f'{t}, profile {p.token}: {p.iri}')}</a></li>"
            for p, files in profiles.items()
            for t, f in files.items()
        )
        title = f"{status.value} {status.phrase}"
        data = (
            f"<!doctype html><html lang=en><title>{title}</title>"
            f"<h1>{title}</h1><p>/{html.escape(key)} is available as:</p><ul>{items}</ul>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept, Accept-Profile")
        self.send_header("Link", links)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def not_found(self, body: bool = True) -> None:
        page = self.site / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!doctype html><title>Not found</title>"
        if self.generation is not None:
            data = with_reload_script(data)
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def with_reload_script(data: bytes) -> bytes:
    tag = f'<script src="{RELOAD_PATH}"></script>'.encode()
    at = data.rfind(b"</body>")
    return data[:at] + tag + data[at:] if at >= 0 else data + tag


class Server(ThreadingHTTPServer):
    daemon_threads = True
    generation: Generation | None = None  # set when serve watches for changes
    sparql: Endpoint | None = None  # the SPARQL endpoint at /sparql

    def server_close(self) -> None:
        super().server_close()
        if self.sparql is not None:
            self.sparql.close()  # its worker processes

    def handle_error(self, request, client_address) -> None:
        # What escapes a handler (a client that hung up mid-request): one line, no traceback.
        error = sys.exc_info()[1]
        sys.stderr.write(f"{client_address[0]} - request failed: {type(error).__name__}: {error}\n")


def make_server(
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = True,
    sparql: Options | None = None,
) -> Server:
    """The server, listening (OSError if it cannot: the port is in use, the host unknown)."""
    site = Path(site_dir).resolve()
    server = Server((host, port), partial(Handler, site=site, quiet=quiet))
    server.sparql = Endpoint(site, sparql)
    return server
