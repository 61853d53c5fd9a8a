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
import gc
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import yaml
from markupsafe import escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from .pages import Page, SiteError
from .render import HERE, script_json

# Material's templates as this site changes them (custom_dir): the head, the navigation and
# header rendered once per folder depth, the search dialog named for assistive technology.
OVERRIDES = HERE / "overrides"
CSS = "assets/goodpractice.css"


class GeneratedPages(BasePlugin):
    def __init__(self, pages: list[Page], prose: dict[str, dict[str, str]]):
        super().__init__()
        self.pages = {page.source: page for page in pages}
        self.prose = prose  # docs page → {placeholder: Markdown}
        self.in_nav: set[str] = set()

    def on_env(self, env, *, config, files):
        env.globals["gp_nav_cache"] = {}
        env.globals["gp_stand_in_page"] = stand_in_page
        return env

    def on_nav(self, nav, *, config, files):
        self.in_nav = {page.file.src_uri for page in nav.pages}
        return nav

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
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            # Search reads only the part it indexes (the same entries, parsed from less HTML);
            # RestoreContent then gives the page all of it.
            page.content = generated.search_html or generated.html
            if generated.jsonld is not None:
                page.meta["gp_jsonld"] = script_json(generated.jsonld)
        return context

    def on_post_page(self, output: str, *, page, config):
        if page.file.src_uri in self.pages:  # written: what only its own output needed can go
            page.content = None
            page.meta.pop("gp_jsonld", None)
        return output

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            for placeholder, text in self.prose.get(page.file.src_uri, {}).items():
                markdown = markdown.replace(placeholder, text)
            return markdown
        page.meta = meta(generated, in_nav=generated.source in self.in_nav)
        return markdown


class RestoreContent(BasePlugin):
    """After search has read a generated page's searched part, the page gets its whole HTML."""

    def __init__(self, pages: dict[str, Page]):
        super().__init__()
        self.pages = pages

    @event_priority(-100)  # after the search plugin
    def on_page_context(self, context, *, page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.content = generated.html
        return context


def meta(page: Page, in_nav: bool) -> dict:
    """What the theme reads of a generated page, as page metadata."""
    # The theme prints these into <title> and attributes as they are (MkDocs' Jinja does not
    # escape): a title with quotes or a '<' must arrive escaped.
    found: dict = {}
    if page.path:  # the home page keeps the site's name as its <title>
        found["title"] = str(escape(page.title))
    if page.description:
        found["description"] = str(escape(" ".join(page.description.split())))
    if page.alternates:
        found["gp_alternates"] = [{"type": t, "href": h} for t, h in page.alternates]
    if page.hide:
        found["hide"] = list(page.hide)
    if not page.searched:
        found["search"] = {"exclude": True}
    if not in_nav:  # its navigation is the same as every such page's at its depth
        found["gp_nav_key"] = f"depth-{page.path.count('/') + 1 if page.path else 0}"
    return found


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
          prose: dict, source_date_epoch: str, overrides: Path = OVERRIDES) -> None:  # fmt: skip
    """Build the site into ``out`` with MkDocs: the configuration ``config`` (as read from
    mkdocs.yml: ``config.py``) with this build's folders, navigation and theme overrides.
    MkDocs' warnings fail the build."""
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
    try:
        # The graph and the pages stay in memory to the end: the garbage collector need not
        # walk them again and again while MkDocs makes tens of thousands of small objects.
        gc.collect()
        gc.freeze()
        with environment("SOURCE_DATE_EPOCH", source_date_epoch):
            cfg = load_config(str(config_path))
            plugin = cfg.plugins["goodpractice"] = GeneratedPages(pages, prose)
            cfg.plugins["goodpractice-restore"] = RestoreContent(plugin.pages)
            mkdocs_build(cfg)
    except (MkDocsException, SystemExit) as error:
        detail = "\n".join(messages.problems) or str(error)
        raise SiteError(f"MkDocs could not build the site:\n{detail}") from None
    finally:
        gc.unfreeze()
        logger.removeHandler(messages)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    if messages.problems:
        raise SiteError("MkDocs reported problems:\n" + "\n".join(messages.problems))


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
