"""The site updated in place of a full build (``goodpractice serve`` after an edit): the pages
an edit can change are made again, and only those whose content changed are written.

A full build leaves a ``SiteMemory``: each page's fingerprint (everything the page is made from:
its article, head, table of contents and embedded JSON-LD), what each resource's pages are, the
shells the theme's page was cut into and every page's search entries. An update renders the
pages of the resources it is given (and the pages that belong to no resource: the home page, the
indexes), and then:

- if what every page shares changed (the navigation, the prose pages' examples, the edition's
  "cite this" line, the configuration), or a page is added or gone, or a changed page is one the
  theme must render (a page the navigation lists): it gives up, and the caller builds in full;
- else each changed page is its shell filled in (``shell.final_html``, as the full build makes
  it), the search index is written again from every page's entries, and the site is staged over
  the last one (a copy of hard links; ``staging.stage_over``) and swapped in whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .. import export
from ..graph.read import ReadModel
from ..staging import Swap, prune_empty, stage_over
from .config import site_config
from .mkdocs_adapter import Remembered, search_entries, search_index_json
from .navigation import navigation, prose_examples
from .pages import ExportDocument, Page, Site, queries
from .pages.changes import edition_line
from .shell import final_html, page_key, shape

SEARCH_INDEX = "search/search_index.json"
# The plugins whose pages an update makes as a full build does (a publication's mkdocs.yml
# may add others, whose page events an update cannot run)
UPDATABLE_PLUGINS = {"search"}


@dataclass
class SiteMemory:
    """What a full build (or an update) leaves for the next update."""

    remembered: Remembered  # the shells, the pages they made, the search entries by source
    produced: dict  # a resource (or ("views", memorandum)) → its pages' sources
    fingerprints: dict[str, str]  # a page's source → its fingerprint
    shared: tuple  # what every page shares (``shared_inputs``)
    # what the pages keep for the next render (``pages.carry``): in memory only, not pickled
    # (an update after a reload makes the pages that list the whole corpus from the graph)
    carried: dict | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "carried": None}


def fingerprint(page: Page) -> str:
    """A digest of everything a generated page is made from. A page that embeds an export
    (its resource's JSON-LD document) is digested with the export's name, not its bytes: an
    update makes the page again when that export is rewritten (``update_site``)."""
    parts = (page.path, page.title, page.html, page.toc, str(page.iri), page.description,
             page.alternates, page.hide, page.searched, page.search_html)  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode())
    name = embedded_export(page)
    if name is not None:
        digest.update(f"export {name}".encode())
    else:
        jsonld = page.jsonld() if callable(page.jsonld) else page.jsonld
        if isinstance(jsonld, dict):
            jsonld = json.dumps(jsonld, sort_keys=True).encode()
        digest.update(jsonld or b"")
    return digest.hexdigest()


def embedded_export(page: Page) -> str | None:
    """The name of the export a page embeds (``Site.resource_page``: read when the page is
    written), or None."""
    return page.jsonld.name if isinstance(page.jsonld, ExportDocument) else None


def shared_inputs(site: Site, config) -> tuple:
    """What a page can show of the whole site besides its own content."""
    return (
        repr([*navigation(site), *config.nav]),
        repr(prose_examples(site)),
        edition_line(site),
        repr(config.config),
        repr(config.docs),
        str(config.overrides),
    )


def remember(site: Site, config, remembered: Remembered) -> SiteMemory:
    queries.finish(site)
    return SiteMemory(
        remembered,
        dict(site.produced),
        {page.source: fingerprint(page) for page in site.pages},
        shared_inputs(site, config),
        site.carry.kept,
    )


def updatable(config) -> bool:
    names = set()
    for plugin in config.config.get("plugins") or []:
        names.add(plugin if isinstance(plugin, str) else next(iter(plugin)))
    return names <= UPDATABLE_PLUGINS


@dataclass
class Update:
    pages: int  # every page of the site
    written: list[str]  # the files written again
    memory: SiteMemory


def update_site(
    graph: Graph,
    site_dir: Path,
    exports,
    memory: SiteMemory,
    only: set,
    rewritten_exports: list[str],
    removed_exports: list[str] = (),
    before_replace: Callable[[], None] | None = None,
    publication: Path | None = None,
    triples=None,
    documents=None,
) -> Update | None:
    """The site updated for the pages of ``only`` (resources, and memoranda whose views to make
    again), staged over ``site_dir`` and swapped in; None if it cannot be (build in full).
    ``documents``: those ``triples`` name, kept by the caller (``pages.Documents``)."""
    config = site_config(publication, None)
    if not updatable(config) or memory.remembered.search is None:
        return None
    site = Site(ReadModel(export.published_graph(graph)), exports, triples, documents)
    site.render(only, memory.carried)
    queries.finish(site)
    if shared_inputs(site, config) != memory.shared:
        return None
    # Every page, in build order: the prose pages of docs/ (as before), then the generated
    # ones in the order the site makes them, as made now or, if not made again, as before
    generated = []
    for key in site.sequence:
        sources = site.produced.get(key, memory.produced.get(key))
        if sources is None and key[0] == "page":
            sources = [key[1]]
        if sources is None:
            return None  # a resource neither made now nor before
        generated += sources
    docs = [source for source in memory.remembered.entries if source not in memory.fingerprints]
    gone = memory.fingerprints.keys() - set(generated)
    remembered, shells = memory.remembered, memory.remembered.shells
    made, fingerprints = set(remembered.made) - gone, dict(memory.fingerprints)
    keys, changed = {}, []
    rewritten = set(rewritten_exports)
    for page in site.pages:
        mark = fingerprint(page)
        if fingerprints.get(page.source) == mark and embedded_export(page) not in rewritten:
            continue
        if page.source in remembered.made or (
            page.source not in fingerprints and shells.by_shape.get(shape(page))
        ):
            keys[page.source] = None  # its shape's shell
            made.add(page.source)
        elif page.source in fingerprints and shells.by_shape.get(page_key(page)):
            keys[page.source] = page_key(page)  # a page of the navigation: its own shell
        else:
            return None  # the theme must render it
        fingerprints[page.source] = mark
        changed.append(page)
    for source in gone:
        del fingerprints[source]
    entries = {source: remembered.entries[source] for source in docs}
    pairs = []
    for page in changed:
        html = final_html(page, shells, keys[page.source])
        pairs.append((source_file(page.source), html.encode("utf-8", errors="xmlcharrefreplace")))
    fresh = {page.source: page for page in changed}
    for source in generated:
        page = fresh.get(source)
        entries[source] = search_entries(page) if page else remembered.entries[source]
    text = search_index_json(remembered.search, list(entries.values()))
    pairs.append((SEARCH_INDEX, text.encode("utf-8")))
    pairs += sorted(site.files.items())
    staged = stage_over(site_dir, pairs, kept=None)
    removed = [source_file(source) for source in gone] + list(removed_exports)
    for name in removed:
        (staged.files.root / name).unlink(missing_ok=True)
    prune_empty(staged.files.root, removed)
    relink(staged.files.root, exports, rewritten_exports)
    if before_replace is not None:
        before_replace()
    Swap(staged.files.root, site_dir).commit(background=True)
    new = Remembered(len(made), shells, made, remembered.search, entries)
    alive = set(site.resources) | {("views", memo) for memo in site.read.memoranda}
    produced = {key: sources for key, sources in {**memory.produced, **site.produced}.items()
                if key in alive}  # fmt: skip
    written = [*staged.rewritten, *removed]
    memory = SiteMemory(new, produced, fingerprints, memory.shared, site.carry.kept)
    return Update(len(entries), written, memory)


def source_file(source: str) -> str:
    """The file a page's source is written to: ``a/b/index.md`` → ``a/b/index.html``."""
    return source.removesuffix(".md") + ".html"


def relink(root: Path, exports, names: list[str]) -> None:
    """The site's copies of the exports written again: links to build/'s new files, as a full
    build makes them."""
    for name in names:
        target = root / name
        target.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(exports.path(name), target)
        except OSError:
            target.write_bytes(exports[name])
