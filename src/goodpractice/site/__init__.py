"""The static site: a reader's edition of the memoranda, rendered from the validated graph.

Every page is made from the graph through the read model (``graph/read.py``), never from the
content files: ``pages/`` gives each page kind's context, ``templates/`` its HTML (autoescaped
Jinja), and MkDocs with the Material theme builds the site around them (``mkdocs_adapter.py``,
the one module that touches MkDocs). Long lists (indexes, "cited by") are cut into pages of
``pages.common.LIST_PAGE`` items, so that no page grows with the corpus. Each resource the data
mints gets a page at the path of its IRI under the base IRI (``rabat-washington/gp10`` →
``rabat-washington/gp10/index.html``), with its own Turtle, JSON-LD and N-Triples beside it and
its JSON-LD embedded in the page.

The site is written to a staging folder and moved into place only when the whole build
succeeded; the same graph gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, XSD

from .. import export
from ..graph.read import ReadModel
from ..ontology import default_config, default_docs
from .pages import Page, Site, SiteError, base_path
from .render import script_json

__all__ = ["Page", "Site", "SiteError", "SiteReport", "build_site", "docs_folder", "find_config",
           "render_site", "script_json"]  # fmt: skip


@dataclass
class SiteReport:
    pages: int  # every page written: the generated ones and the hand-written ones of docs/
    seconds: float
    fast_pages: int = 0  # the generated pages made from a shell, not by the theme (shell.py)
    # what the next build needs to update the site in place (incremental.py)
    memory: object | None = None


def find_config() -> Path:
    """The default MkDocs configuration, shipped with the package (a publication's own
    mkdocs.yml is merged over it: ``config.py``)."""
    return default_config()


def docs_folder() -> Path:
    """The default prose pages, shipped with the package."""
    return default_docs()


def render_site(graph: Graph, exports: Mapping[str, bytes] | None = None, triples=None) -> Site:
    """Every page of the site (its article; MkDocs adds the theme) and the site's own files.
    ``triples``: the published graph's triples as a list, if the caller has them."""
    exports = exports if exports is not None else export.dataset_files(graph)
    # The published graph: the data with its DCAT description (distributions, the release),
    # whose IRIs get pages too.
    try:
        read = ReadModel(export.published_graph(graph))
    except ValueError as error:
        raise SiteError(
            f"the graph has no dataset description with a void:uriSpace ({error})"
        ) from None
    site = Site(read, exports, triples)
    site.render()
    return site


def build_site(
    graph: Graph,
    site_dir: Path,
    exports: Mapping[str, bytes] | None = None,
    config_file: Path | None = None,
    before_replace: Callable[[], None] | None = None,
    publication: Path | None = None,
    fast: bool = True,
    remember: bool = False,
    triples=None,
) -> SiteReport:
    """Render the site from ``graph`` and write it to ``site_dir``, replacing it only when the
    whole build succeeded. ``before_replace`` is called once the new site is complete, before
    it replaces the last one: if it raises, the last one stays. ``publication`` is the folder
    whose own mkdocs.yml and docs/ are merged over the default (``config_file``, or the
    packaged one). ``fast``: False has the theme render every page (the tests compare).
    ``remember``: the report keeps what an update of this site needs (``incremental.py``)."""
    from ..staging import new_staging_dir, replace_dir
    from . import mkdocs_adapter
    from .config import lay_out, site_config
    from .navigation import navigation, prose_examples
    from .pages.changes import edition_line

    started = time.perf_counter()
    config = site_config(publication, config_file)
    site = render_site(graph, exports, triples)
    sources = [page.source for page in site.pages]
    if len(set(sources)) != len(sources):
        twice = sorted({s for s in sources if sources.count(s) > 1})
        raise SiteError(f"two pages would be written to {', '.join(twice)}")
    site_dir = Path(site_dir)
    work = new_staging_dir(site_dir, "build")  # locked: a later build leaves it alone
    try:
        out = work / "site"
        # One prose folder is used as it is; the default's and the publication's are laid
        # out together, the publication's page replacing the default's of the same name.
        docs = config.docs[0] if len(config.docs) == 1 else lay_out(config.docs, work / "docs")
        overrides = mkdocs_adapter.OVERRIDES
        if config.overrides is not None:
            overrides = lay_out([overrides, config.overrides], work / "overrides")
        clashes = sorted(page.source for page in site.pages if (docs / page.source).exists())
        if clashes:
            raise SiteError(f"docs/ has a page where a generated page goes: {', '.join(clashes)}")
        # the prose pages' "cite this" line (the generated pages have theirs): the edition
        extra = {**(config.config.get("extra") or {}), "gp_cite": edition_line(site)}
        settings = {**config.config, "extra": extra}
        remembered = mkdocs_adapter.build(
            settings, work, out, docs, [*navigation(site), *config.nav], site.pages,
            prose_examples(site), source_date_epoch(site.read), overrides, fast, remember,
        )  # fmt: skip
        memory = None
        if remember:
            from .incremental import remember as site_memory

            memory = site_memory(site, config, remembered)
        finish(out, site)
        copy_files(out, site.files, site.exports)
        pages = len(site.pages) + sum(1 for _ in docs.rglob("*.md"))
        if before_replace is not None:
            before_replace()
        replace_dir(out, site_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SiteReport(pages, time.perf_counter() - started, remembered.fast_pages, memory)


def source_date_epoch(read: ReadModel) -> str:
    """The dataset's modification date as SOURCE_DATE_EPOCH: the sitemap's dates come from it."""
    modified = read.value(read.dataset, DCTERMS.modified)
    if isinstance(modified, Literal) and modified.datatype == XSD.date:
        day = dt.date.fromisoformat(str(modified))
        return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
    return "0"


def copy_files(out: Path, own: dict[str, bytes], exports) -> None:
    """The site's own files and the exports into the site (an export wins a name both have).
    Exports already on disk are hard-linked, not copied, where the file system allows it."""
    made: set[Path] = set()

    def target_of(name: str) -> Path:
        target = out / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        return target

    for name in sorted(own.keys() - exports.keys()):
        target_of(name).write_bytes(own[name])
    path_of = getattr(exports, "path", None)
    for name in sorted(exports):
        target = target_of(name)
        if path_of is None:
            target.write_bytes(exports[name])
            continue
        try:
            os.link(path_of(name), target)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copyfile(path_of(name), target)


def finish(out: Path, site: Site) -> None:
    """What MkDocs writes that does not suit this site: the 404 page links to /assets/… (it is
    served at any depth), so its links are made absolute under the base IRI's path; there is
    no sitemap (the site has no site_url until the w3id redirect is registered)."""
    page = out / "404.html"
    if page.is_file():
        prefix = base_path(site.base)
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'(\s(?:href|src|action)=")/(?!/)', rf"\1{prefix}", text)
        page.write_text(text, encoding="utf-8")
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (out / name).unlink(missing_ok=True)
