"""``goodpractice serve``: the built site on a local HTTP server, as a linked-data host would
serve it, rebuilt whenever a content file changes.

- ``/rabat-washington/gp10`` (a resource IRI, under the base IRI's path) is negotiated on the
  ``Accept`` header: ``text/html`` redirects (303) to the page ``/rabat-washington/gp10/``;
  ``text/turtle``, ``application/ld+json`` and ``application/n-triples`` answer 200 with the
  resource's data (``Content-Location`` names the file). The page URL itself is negotiated the
  same way. Every negotiated answer carries ``Vary: Accept``. When the header accepts none of
  them, the answer is ``406 Not Acceptable`` with the list of what is available.
- ``/rabat-washington/gp10.ttl`` (``.jsonld``, ``.nt``) is the file itself.
- Every other path is served as a static file; a missing one gets the site's 404 page.
- The site answers both at ``/`` and under the base IRI's path (``/gctf-good-practices/``, read
  from the site's .htaccess), as it will once deployed there.
- While it watches for changes, every HTML page it serves gets a small script (never part of
  the built site) that reloads the page after a rebuild.
"""

from __future__ import annotations

import html
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# What a resource can be had as: media type → extension of the file beside its page.
REPRESENTATIONS = {
    "text/html": "/index.html",
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
}
ALIASES = {"application/xhtml+xml": "text/html", "application/json": "application/ld+json"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples; charset=utf-8",
    ".rdf": "application/rdf+xml",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".js": "application/javascript",
    ".css": "text/css",
    ".xml": "application/xml",
    ".conf": "text/plain; charset=utf-8",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their quality, best first."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, quality, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(media, quality) for media, quality, _, _ in ranges]


def negotiate(header: str | None, available: list[str]) -> str | None:
    """The available media type the Accept header prefers; ties go to the order of
    ``available`` (HTML first). None when the header accepts none of them."""
    ranges = parse_accept(header)

    def quality(media_type: str) -> float:
        best, best_specificity = 0.0, -1
        for media, q in ranges:
            media = ALIASES.get(media, media)
            if media == media_type:
                specificity = 2
            elif media.endswith("/*") and media_type.startswith(media[:-1]):
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best_specificity:
                best, best_specificity = q, specificity
        return best

    scored = [(quality(t), -i, t) for i, t in enumerate(available)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored)[2] if scored else None


RELOAD_PATH = "/__goodpractice/reload.js"
GENERATION_PATH = "/__goodpractice/generation"
# Polls the build generation and reloads the page when it changes (only under `serve`).
RELOAD_SCRIPT = b"""\
(() => {
  let seen = null;
  const check = () => fetch("/__goodpractice/generation", {cache: "no-store"})
    .then(r => r.text())
    .then(g => { if (seen !== null && g !== seen) location.reload(); seen = g; })
    .catch(() => {})
    .finally(() => setTimeout(check, 700));
  check();
})();
"""


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

    quiet = True
    generation: Generation | None = None  # set when serve watches for changes

    def __init__(self, *args, site: Path, **kwargs):
        self.site = Path(site)
        self.prefix = "/"
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format, *args):  # noqa: A002 (the name the base class uses)
        if not self.quiet:
            super().log_message(format, *args)

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def guess_type(self, path):
        suffix = Path(str(path)).suffix.lower()
        return CONTENT_TYPES.get(suffix) or super().guess_type(path)

    def list_directory(self, path):
        self.not_found()
        return None

    def do_GET(self):
        self.respond(body=True)

    def do_HEAD(self):
        self.respond(body=False)

    # ------------------------------------------------------------------------------------

    def respond(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if self.generation is not None and path in (RELOAD_PATH, GENERATION_PATH):
            self.live_reload(path, body)
            return
        self.prefix = "/"
        base = site_base_path(self.site)
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
        return found if len(found) > 1 or "text/html" not in found else {}

    def negotiated(self, path: str, key: str, available: dict[str, Path], body: bool) -> None:
        chosen = negotiate(self.headers.get("Accept"), list(available))
        if chosen is None:
            self.not_acceptable(key, available, body)
            return
        if chosen == "text/html":
            if not path.endswith("/"):
                self.redirect(path + "/", HTTPStatus.SEE_OTHER, vary=True)
                return
            self.send_file(available[chosen], CONTENT_TYPES[".html"], body, vary=True)
            return
        file = available[chosen]
        self.send_file(
            file,
            self.guess_type(str(file)),
            body,
            vary=True,
            location=self.prefix + file.relative_to(self.site).as_posix(),
        )

    def send_file(
        self,
        file: Path,
        content_type: str,
        body: bool,
        vary: bool = False,
        location: str | None = None,
        status: HTTPStatus = HTTPStatus.OK,
    ) -> None:
        if not file.resolve().is_relative_to(self.site.resolve()):  # the last line of defence
            self.not_found(body)
            return
        try:
            data = file.read_bytes()
        except OSError:  # the site was replaced between the check and the read
            self.not_found(body)
            return
        if self.generation is not None and content_type.startswith("text/html"):
            data = with_reload_script(data)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if vary:
            self.send_header("Vary", "Accept")
        if location:
            self.send_header("Content-Location", location)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def live_reload(self, path: str, body: bool) -> None:
        if path == RELOAD_PATH:
            data, content_type = RELOAD_SCRIPT, "application/javascript"
        else:
            data, content_type = str(self.generation.value).encode(), "text/plain"
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

    def not_acceptable(self, key: str, available: dict[str, Path], body: bool) -> None:
        items = "".join(
            f'<li><a href="/{html.escape(f.relative_to(self.site).as_posix())}">'
            f"{html.escape(t)}</a></li>"
            for t, f in available.items()
        )
        data = (
            "<!doctype html><html lang=en><title>406 Not Acceptable</title>"
            f"<h1>Not acceptable</h1><p>/{html.escape(key)} is available as:</p><ul>{items}</ul>"
        ).encode()
        self.send_response(HTTPStatus.NOT_ACCEPTABLE)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def not_found(self, body: bool = True) -> None:
        page = self.site / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!doctype html><title>Not found</title>"
        if self.generation is not None:
            data = with_reload_script(data)
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def with_reload_script(data: bytes) -> bytes:
    tag = f'<script src="{RELOAD_PATH}"></script>'.encode()
    at = data.rfind(b"</body>")
    return data[:at] + tag + data[at:] if at >= 0 else data + tag


def make_server(
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = True,
    generation: Generation | None = None,
) -> ThreadingHTTPServer:
    handler = partial(Handler, site=Path(site_dir).resolve())
    Handler.quiet = quiet
    Handler.generation = generation
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


# --------------------------------------------------------------------------------------------
# Live rebuild


def snapshot(folder: Path) -> tuple:
    """What changes when a file under ``folder`` is added, removed or edited."""
    entries = []
    for path in sorted(Path(folder).rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class Watcher(threading.Thread):
    """Polls folders for changes and calls ``rebuild`` after each change."""

    def __init__(self, folders: list[Path], rebuild: Callable[[], None], interval: float = 0.5):
        super().__init__(name="goodpractice-watch", daemon=True)
        self.folders = [Path(f) for f in folders]
        self.rebuild = rebuild
        self.interval = interval
        self.stopped = threading.Event()
        self.state = self.snapshot()

    def snapshot(self) -> tuple:
        state = []
        for f in self.folders:
            try:
                if f.is_dir():
                    state.append(snapshot(f))
                elif f.exists():
                    stat = f.stat()
                    state.append(((str(f), stat.st_mtime_ns, stat.st_size),))
            except OSError:  # removed while we looked: the next look sees the change
                state.append(())
        return tuple(state)

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            state = self.snapshot()
            if state != self.state:
                self.state = state
                self.rebuild()

    def stop(self) -> None:
        self.stopped.set()


def rebuilder(
    content_dir: Path,
    out_dir: Path,
    site_dir: Path,
    base_iri: str | None,
    echo: Callable[[str], None],
) -> Callable[[], bool]:
    """A function that rebuilds exports and site; on failure it prints why and keeps the old site."""
    from . import build as pipeline
    from .content import ContentError
    from .site import SiteError

    def rebuild() -> bool:
        started = time.perf_counter()
        try:
            pipeline.build(content_dir, out_dir, base_iri, site_dir)
        except ContentError as error:
            for problem in error.problems:
                echo(str(problem))
            echo(
                f"goodpractice serve: the rebuild failed ({len(error.problems)} problem(s)); "
                "still serving the last good site."
            )
            return False
        except SiteError as error:
            echo(
                f"goodpractice serve: the site could not be built; still serving the last good site:\n{error}"
            )
            return False
        except Exception:  # keep serving whatever goes wrong
            echo(traceback.format_exc())
            echo("goodpractice serve: the rebuild failed; still serving the last good site.")
            return False
        echo(f"Rebuilt in {time.perf_counter() - started:.1f} s.")
        return True

    return rebuild


def serve(
    site_dir: Path,
    host: str,
    port: int,
    watch: list[Path] | None = None,
    rebuild: Callable[[], None] | None = None,
    interval: float = 0.5,
    echo: Callable[[str], None] = print,
    quiet: bool = True,
) -> None:
    """Serve ``site_dir`` until interrupted, rebuilding when a file under ``watch`` changes."""
    generation = Generation() if watch and rebuild is not None else None
    server = make_server(site_dir, host, port, quiet, generation)
    actual_host, actual_port = server.server_address[:2]
    watcher = None
    if watch and rebuild is not None:
        from .site import docs_folder, find_config

        # The prose pages and the MkDocs configuration are sources of the site too.
        watch = [*watch, docs_folder(), find_config()]

        def rebuild_and_reload() -> None:
            if rebuild() is not False:
                generation.bump()

        watcher = Watcher(watch, rebuild_and_reload, interval)
        watcher.start()
    echo(
        f"Serving {site_dir} at http://{actual_host}:{actual_port}/"
        + (f", rebuilding when {', '.join(str(w) for w in watch)} changes" if watcher else "")
        + ". Press Ctrl+C to stop."
    )
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if watcher:
            watcher.stop()
            watcher.join()  # let a rebuild under way finish and clean up its staging folders
        server.server_close()
