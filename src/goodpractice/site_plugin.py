"""The MkDocs plugin that puts the pages rendered from the graph into the MkDocs build.

The pages are not written as Markdown files: each is added to MkDocs' files as a generated
file, its body is ready-made HTML (no Markdown conversion), and what goes in its head (the
embedded JSON-LD, the ``<link rel="alternate">`` to its data, its title) is handed to the
theme as page metadata, not through YAML front matter. Imported only when a site is built.

MkDocs reads every page before it writes any. A generated page's body and embedded JSON-LD are
therefore made only when the page is written, and let go once it is: the site of a large corpus
never holds all its pages' HTML at once.
"""

from __future__ import annotations

import functools
import html
from types import SimpleNamespace

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from .site import EXTRA_CSS, Page, page_html, script_json


class GeneratedPages(BasePlugin):
    def __init__(self, pages: list[Page], prose: dict[str, dict[str, str]]):
        super().__init__()
        self.pages = {page.source: page for page in pages}
        self.prose = prose  # docs page → {placeholder: Markdown}
        self.in_nav: set[str] = set()

    def on_env(self, env, *, config, files):
        env.globals["gp_nav_cache"] = {}
        env.globals["gp_stand_in_page"] = _stand_in_page
        return env

    def on_nav(self, nav, *, config, files):
        self.in_nav = {page.file.src_uri for page in nav.pages}
        return nav

    def on_files(self, files: Files, *, config) -> Files:
        for source in self.pages:
            files.append(File.generated(config, source, content=""))
        files.append(File.generated(config, "assets/goodpractice.css", content=EXTRA_CSS))
        return files

    def on_pre_page(self, page, *, config, files):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.render = functools.partial(_render, page, generated)
        return page

    @event_priority(100)  # before the search plugin reads page.content
    def on_page_context(self, context, *, page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return context
        content, _tokens, searched = page_html(generated)
        page.content = content
        if not page.meta.get("search", {}).get("exclude"):
            page.gp_content, page.content = content, searched
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
        # The theme prints these into <title> and attributes as they are (MkDocs' Jinja does not
        # escape): a title with quotes or a '<' must arrive escaped.
        meta: dict = {}
        if generated.path:  # the home page keeps the site's name as its <title>
            meta["title"] = html.escape(generated.title, quote=True)
        if generated.description:
            meta["description"] = html.escape(" ".join(generated.description.split()), quote=True)
        if generated.alternates:
            meta["gp_alternates"] = [{"type": t, "href": h} for t, h in generated.alternates]
        if generated.hide:
            meta["hide"] = list(generated.hide)
        if not generated.searched:
            meta["search"] = {"exclude": True}
        if generated.source not in self.in_nav:
            meta["gp_nav_key"] = f"depth-{generated.path.count('/') + 1 if generated.path else 0}"
        page.meta = meta
        return markdown


def _stand_in_page(page, title: str) -> SimpleNamespace:
    """What the theme's header reads of a page (its title, and its URL for relative links),
    with a stand-in title: the header rendered with it serves every page at that depth."""
    return SimpleNamespace(meta={"title": title}, title=title, url=page.url)


def _render(page, generated: Page, config, files) -> None:
    """Page.render for a generated page: its table of contents now (the navigation of other
    pages needs it); its HTML when the page is written (on_page_context)."""
    _content, tokens, _searched = page_html(generated)
    page.content = ""
    page.toc = get_toc(tokens)
    page._title_from_render = generated.title
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


class RestoreContent(BasePlugin):
    """Search reads only the part of a generated page it indexes (the page without its
    data-search-exclude sections: the same entries, parsed from less HTML); the page itself
    is then rendered with all of it."""

    @event_priority(-100)  # after the search plugin
    def on_page_context(self, context, *, page, config, nav):
        content = getattr(page, "gp_content", None)
        if content is not None:
            page.content = content
            del page.gp_content
        return context
