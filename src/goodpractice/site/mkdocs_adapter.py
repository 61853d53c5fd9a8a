"""Everything that touches MkDocs' API: the configuration it is run with, the plugin that hands
it the generated pages (through its documented plugin events), and the run itself.

Moving to another generator that reads mkdocs.yml (Zensical, ProperDocs) is a change here, not
in the page code: the pages arrive as ``Page`` objects with their article HTML, table of
contents and head (title, description, alternates, embedded JSON-LD).

MkDocs reads every page before it writes any. A generated page's embedded JSON-LD is therefore
read only when the page is written, and let go once it is.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import yaml
from material.plugins.search.plugin import SearchIndex, SearchPlugin
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from ..graph.store import collection_paused
from .pages import ExportDocument, Page, SiteError
from .render import HERE
from .shell import (
    DESCRIPTION,
    HEAD,
    TITLE,
    Shell,
    Shells,
    TocPieces,
    cut,
    final_html,
    head_html,
    meta,
    page_key,
    shape,
    stand_in_content,
    stand_in_token,
    toc_pieces,
)
from .worker import Worker

# Material's templates as this site changes them (custom_dir): the head, the navigation and
# header rendered once per folder depth, the search dialog named for assistive technology.
OVERRIDES = HERE / "overrides"
CSS = "assets/goodpractice.css"
FAST_TEMPLATE = "gp-fast.html"  # what MkDocs renders for a page the shell makes: nothing
# From this many pages the shell makes, a second process writes them too (``worker``). It has
# memory of its own, about 50 MiB (a Python with MkDocs and Material): at 1,000 practices
# (about 3,200 such pages) that is more than a tenth of the build's, for 0.7 s of 7; at 10,000
# practices (31,500 pages), 3%, for 11 s of 58
WORKER_FROM = 10_000


class GeneratedPages(BasePlugin):
    def __init__(self, pages: list[Page], prose: dict[str, dict[str, str]], fast: bool = True,
                 remember: bool = False, work: Path | None = None):  # fmt: skip
        super().__init__()
        self.work = work  # the build's staging folder (for the worker's files)
        self.remember = remember  # the shells of the navigation's pages too (an update's)
        self.pages = {page.source: page for page in pages}
        self.prose = prose  # docs page → {placeholder: Markdown}
        self.in_nav: set[str] = set()
        self.fast = fast  # False: every page through the theme (the tests compare the two)
        self.quick: set[str] = set()  # the pages the shell may make (not in the navigation)
        self.fast_pages = 0  # the pages the shell made
        self.shells = Shells(None)
        self.env = None
        self.context: dict = {}
        self.search = None  # Material's search plugin, if the site has search
        self.mark = 0
        self.entries: list[list[dict]] = []  # each page's search entries, in build order
        self.order: list[str] = []  # the pages' sources, in build order (as ``entries``)
        self.made: set[str] = set()  # the pages the shell made
        # The pages the shell makes are written by shell_page: in a second process while it
        # keeps up (``worker.Worker``), else here
        self.worker: Worker | None = None
        self.sent: list[str] = []  # the pages given to the worker, in order
        self.shells_sent = 0  # how many shapes the worker knows the shells of
        # the search entries of the pages on_page_markdown took from the theme, by source
        self.shell_entries: dict[str, list[dict]] = {}

    def on_config(self, config):
        self.search = next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)),
                           None)  # fmt: skip
        self.fast = self.fast and config.use_directory_urls

    def on_env(self, env, *, config, files):
        env.globals["gp_nav_cache"] = {}
        env.globals["gp_stand_in_page"] = stand_in_page
        self.env = env
        self.shells = Shells(toc_from_theme(env))
        return env

    def on_nav(self, nav, *, config, files):
        self.in_nav = {page.file.src_uri for page in nav.pages}
        if sum(map(self.is_quick, self.pages)) >= WORKER_FROM:
            # its files in the build's own staging folder: removed with it, even after a kill
            self.worker = Worker(__name__, "shell_page", folder=self.work)
        return nav

    def is_quick(self, source: str) -> bool:
        """Whether the shell, not the theme, makes this generated page."""
        return self.fast and source not in self.in_nav and shape(self.pages[source]) is not None

    def on_files(self, files: Files, *, config) -> Files:
        for source in self.pages:
            files.append(File.generated(config, source, content=""))
        css = (HERE / CSS).read_text(encoding="utf-8")
        files.append(File.generated(config, CSS, content=css))
        return files

    def on_pre_page(self, page, *, config, files):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            # The one shortcut past MkDocs' own rendering, for speed: a generated page has no
            # Markdown, so Page.render (a new Markdown converter per page) is replaced by what
            # it would set: the HTML, the table of contents and the title.
            page.render = lambda config, files: render(page, generated)
        return page

    @event_priority(100)  # before the search plugin reads page.content
    def on_page_context(self, context, *, page, config, nav):
        if self.search is not None:
            self.mark = len(self.search.search_index.entries)
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return context
        self.context = context
        if page.file.src_uri in self.quick:  # made in on_post_page; search skips it
            page.content = ""
            return context
        # Search reads only the part it indexes (the same entries, parsed from less HTML);
        # RestoreContent then gives the page all of it.
        page.content = generated.search_html or generated.html
        page.meta["gp_head"] = head_html(generated)
        return context

    def after_search(self, page) -> None:
        """The page's search entries, as the search plugin made them or as search_entries
        makes them (for a page the shell makes)."""
        generated = self.pages.get(page.file.src_uri)
        quick = page.file.src_uri in self.quick
        if generated is not None and not quick:
            page.content = generated.html
        if self.search is not None:
            made = self.search.search_index.entries[self.mark :]
            self.entries.append(None if quick else made)  # None: shell_page's (on_post_build)
            self.order.append(page.file.src_uri)

    def on_post_page(self, output: str, *, page, config):
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return output
        if page.file.src_uri in self.quick:
            key = shape(generated)
            if key not in self.shells.by_shape:
                self.shells.by_shape[key] = self.shell(key, page, generated)
            if self.shells.by_shape[key] is None:
                output = self.theme_page(page, generated)
                if self.search is not None:
                    self.shell_entries[generated.source] = search_entries(generated)
            else:
                self.write_shell_page(page.file.abs_dest_path, generated)
                output = ""  # MkDocs writes nothing for a page whose output is empty
                self.fast_pages += 1
                self.made.add(page.file.src_uri)
        elif self.remember and (key := page_key(generated)) is not None:
            self.page_shell(key, page, generated, output)
        page.content = None  # written: what only its own output needed can go
        page.meta.pop("gp_head", None)
        return output

    @event_priority(100)  # before any other plugin's: every page is on disk for it
    def pages_written(self, *, config) -> None:
        """The worker's pages written (by it, or here where it did not), with their entries."""
        worker, self.worker = self.worker, None
        if worker is not None:
            self.shell_entries.update(zip(self.sent, worker.results(), strict=True))

    @event_priority(-100)  # after the search plugin has written its index
    def search_index_written(self, *, config) -> None:
        if self.search is not None:
            made = self.shell_entries
            self.entries = [
                made[s] if e is None else e for s, e in zip(self.order, self.entries, strict=True)
            ]
            text = search_index_json(self.search.search_index.config, self.entries)
            path = Path(config.site_dir) / "search" / "search_index.json"
            path.write_bytes(text.encode("utf-8"))

    on_post_build = CombinedEvent(pages_written, search_index_written)

    def write_shell_page(self, path: str, generated: Page) -> None:
        """A page the shell makes, written (``shell_page``) by the worker while it keeps up
        and the page can be sent to it, else here."""
        portable = portable_page(generated)
        if self.worker is not None and portable is not None and self.worker.free():
            if self.shells_sent != len(self.shells.by_shape):  # a new shape since
                self.worker.set_context(self.shells)
                self.shells_sent = len(self.shells.by_shape)
            self.worker.run((path, portable))
            self.sent.append(generated.source)
        else:
            self.shell_entries[generated.source] = shell_page((path, generated), self.shells)

    def close(self) -> None:
        if self.worker is not None:  # MkDocs stopped before the end
            self.worker.close()

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            for placeholder, text in self.prose.get(page.file.src_uri, {}).items():
                markdown = markdown.replace(placeholder, text)
            return markdown
        page.meta = meta(generated, in_nav=generated.source in self.in_nav)
        if self.is_quick(generated.source):
            self.quick.add(generated.source)
            # the theme is not run for it (on_post_page makes it), nor search (after_search)
            page.meta = {**page.meta, "template": FAST_TEMPLATE, "search": {"exclude": True}}
        return markdown

    def theme_page(self, page, generated: Page) -> str:
        """The page as the theme makes it (main.html), for a page in on_post_page."""
        page.meta = {**meta(generated, in_nav=False), "gp_head": head_html(generated)}
        page.content = generated.html
        return self.env.get_template("main.html").render(self.context)

    def page_shell(self, key: tuple, page, generated: Page, output: str) -> None:
        """A page of the navigation: its own shell, kept if it makes the theme's page."""
        self.shells.by_shape[key] = self.shell(key, page, generated, in_nav=True)
        if self.shells.by_shape[key] and final_html(generated, self.shells, key) != output:
            self.shells.by_shape[key] = None

    def shell(self, key: tuple, page, generated: Page, in_nav: bool = False) -> Shell | None:
        """The shell of a shape, from the theme's page rendered with stand-in values; checked
        against the theme's own page for this first page of the shape (None: they differ, and
        that shape's pages are rendered by the theme)."""
        if self.shells.toc is None and key[3]:
            return None
        stand = copy.copy(page)
        stand.meta = {**meta(generated, in_nav=in_nav), "gp_head": HEAD}
        if key[6]:  # the home page has the site's name for a title
            stand.meta["title"] = TITLE
        if key[1]:
            stand.meta["description"] = DESCRIPTION
        stand.content = stand_in_content(key)
        stand.toc = get_toc([stand_in_token(0), stand_in_token(2)] if key[3] else [])
        text = self.env.get_template("main.html").render({**self.context, "page": stand})
        item = self.env.get_template("partials/toc-item.html")
        region = tuple(item.render(toc_item=entry) for entry in stand.toc) if key[3] else None
        made = cut(text, key, region)
        if made is None or in_nav:
            return made
        self.shells.by_shape[key] = made
        same = final_html(generated, self.shells) == self.theme_page(page, generated)
        return made if same else None


class RestoreContent(BasePlugin):
    """After search has read a generated page's searched part, the page gets its whole HTML."""

    def __init__(self, main: GeneratedPages):
        super().__init__()
        self.main = main

    @event_priority(-100)  # after the search plugin
    def on_page_context(self, context, *, page, config, nav):
        self.main.after_search(page)
        return context


def toc_from_theme(env) -> TocPieces | None:
    """Material's table-of-contents entry (partials/toc-item.html) cut at its values."""
    item = env.get_template("partials/toc-item.html")
    tokens = [stand_in_token(n) for n in range(3)]
    branch, leaf = get_toc([{**tokens[1], "children": [tokens[0], tokens[2]]}, tokens[0]])
    return toc_pieces(item.render(toc_item=leaf), item.render(toc_item=branch))


def shell_page(item: tuple[str, Page], shells: Shells) -> list[dict]:
    """Write a page the shell makes where MkDocs would have written it, as it would; its
    search entries. A pure function of the page and the shells: the worker runs it too."""
    path, page = item
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(final_html(page, shells).encode("utf-8", errors="xmlcharrefreplace"))
    return search_entries(page)


def portable_page(page: Page) -> Page | None:
    """The page as another process can have it (its embedded export read from its file), or
    None if it cannot."""
    jsonld = page.jsonld
    if isinstance(jsonld, ExportDocument):
        return dataclasses.replace(page, jsonld=jsonld.portable())
    return page if jsonld is None or isinstance(jsonld, dict | bytes) else None


def search_entries(page: Page) -> list[dict]:
    """A generated page's entries in the search index, made by Material's own code from the
    part of the page search indexes (a pure function of the page)."""
    if not page.searched:
        return []
    index = SearchIndex()
    index.add_entry_from_context(
        SimpleNamespace(
            meta=meta(page, in_nav=False),
            toc=get_toc(page.toc),
            title=page.title,
            url=f"{page.path}/" if page.path else "",
            content=page.search_html or page.html,
        )  # fmt: skip
    )
    return index.entries


def search_index_json(config: dict, entries: list[list[dict]]) -> str:
    """search/search_index.json from every page's entries in build order, as Material writes
    it (SearchIndex.generate_search_index)."""
    data = {
        "config": {key: config[key] for key in ["lang", "separator", "pipeline", "fields"]},
        "docs": [entry for page in entries for entry in page],
    }
    return json.dumps(data, separators=(",", ":"), default=str)


def render(page, generated: Page) -> None:
    """What Page.render sets, for a generated page: its table of contents now (the navigation
    of other pages needs it), its HTML when the page is written (on_page_context). The last
    three are MkDocs' own (private) fields, which its anchor validation reads."""
    page.content = ""
    page.toc = get_toc(generated.toc)
    page._title_from_render = generated.title
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def stand_in_page(page, title: str) -> SimpleNamespace:
    """What the theme's header reads of a page (its title, and its URL for relative links),
    with a stand-in title: the header rendered with it serves every page at that depth."""
    return SimpleNamespace(meta={"title": title}, title=title, url=page.url)


def build(config: dict, work: Path, out: Path, docs: Path, nav: list, pages: list[Page],
          prose: dict, source_date_epoch: str, overrides: Path = OVERRIDES,
          fast: bool = True, remember: bool = False) -> Remembered:  # fmt: skip
    """Build the site into ``out`` with MkDocs: the configuration ``config`` (as read from
    mkdocs.yml: ``config.py``) with this build's folders, navigation and theme overrides.
    MkDocs' warnings fail the build. ``fast``: the pages the navigation does not list are
    made from their shape's shell (shell.py), not by the theme. What an update of the site
    needs to make those pages again without MkDocs (``Remembered``)."""
    config = dict(config)
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(out)
    config["nav"] = nav
    theme = config["theme"] = dict(config.get("theme") or {"name": "material"})
    theme["custom_dir"] = str(overrides)
    config["extra_css"] = [*config.get("extra_css", []), CSS]
    config_path = work / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")  # fmt: skip

    messages = Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(messages)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    plugin = GeneratedPages(pages, prose, fast, remember, work)
    try:
        # The graph and the pages stay in memory to the end: the garbage collector need not
        # walk them again and again while MkDocs makes tens of thousands of small objects.
        with environment("SOURCE_DATE_EPOCH", source_date_epoch), collection_paused():
            cfg = load_config(str(config_path))
            cfg.plugins["goodpractice"] = plugin
            cfg.plugins["goodpractice-restore"] = RestoreContent(plugin)
            mkdocs_build(cfg)
    except (MkDocsException, SystemExit) as error:
        detail = "\n".join(messages.problems) or str(error)
        raise SiteError(f"MkDocs could not build the site:\n{detail}") from None
    finally:
        plugin.close()  # the worker still at work, if MkDocs stopped before the end
        logger.removeHandler(messages)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    if messages.problems:
        raise SiteError("MkDocs reported problems:\n" + "\n".join(messages.problems))
    search = plugin.search.search_index.config if plugin.search is not None else None
    return Remembered(
        plugin.fast_pages, plugin.shells, plugin.made, search,
        dict(zip(plugin.order, plugin.entries, strict=True)),
    )  # fmt: skip


@dataclass
class Remembered:
    """What a build leaves for the next to update the site without MkDocs: the shells, the
    pages the shell made, and every page's search entries in build order."""

    fast_pages: int  # the generated pages the shell made
    shells: Shells
    made: set[str]  # their sources
    search: dict | None  # the search index's configuration; None: the site has no search
    entries: dict[str, list[dict]]  # every page's search entries, by source, in build order


@contextlib.contextmanager
def environment(name: str, value: str):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


class Collector(logging.Handler):
    """Keeps MkDocs' warnings and errors, so that a problem fails the build with its message."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(f"{record.levelname.lower()}: {record.getMessage()}")
