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

import sys
from collections.abc import Callable
from pathlib import Path

from ..site.config import watched as site_sources
from .handler import Generation, Handler, Server, make_server, site_base_path
from .negotiation import negotiate, parse_accept
from .watch import Watcher, rebuilder

__all__ = [
    "Generation",
    "Handler",
    "Server",
    "Watcher",
    "make_server",
    "negotiate",
    "parse_accept",
    "rebuilder",
    "serve",
    "site_base_path",
    "watched",
]


def watched(content_dir: Path) -> list[Path]:
    """What a rebuild is made from: the content folder, and the publication's own mkdocs.yml
    and docs/ beside it (and, in a source checkout, the default ones)."""
    return [Path(content_dir), *site_sources(Path(content_dir).parent)]


def serve(
    server: Server,
    site_dir: Path,
    watch: list[Path] | None = None,
    rebuild: Callable[[], None] | None = None,
    interval: float = 0.5,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted, rebuilding when a file under ``watch`` changes."""
    actual_host, actual_port = server.server_address[:2]
    watcher = None
    if watch and rebuild is not None:
        generation = server.generation = Generation()

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
        if rebuild is not None and hasattr(rebuild, "close"):
            rebuild.close()  # the copies kept for a next rebuild
        server.server_close()
