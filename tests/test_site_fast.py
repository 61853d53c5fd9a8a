"""The site's fast path (site/shell.py): the pages the navigation does not list are made from
their shape's shell, not by the theme, and are byte for byte what the theme makes; a page's
search entries come from the page alone, and the search index is put together from them."""

from __future__ import annotations

import errno
import json
import pickle

import pytest

from goodpractice import export
from goodpractice.site import build_site, mkdocs_adapter, render_site, worker
from goodpractice.site.mkdocs_adapter import search_entries, search_index_json, shell_page
from goodpractice.site.navigation import navigation
from goodpractice.site.pages import ExportDocument, FileBytes
from goodpractice.site.render import Templates
from goodpractice.site.shell import shape
from goodpractice.staging import stage_tree


def nav_sources(nav) -> set[str]:
    found: set[str] = set()
    for item in nav:
        for value in item.values():
            if isinstance(value, list):
                found |= nav_sources(value)
            else:
                found.add(value)
    return found


@pytest.fixture(scope="module")
def both(model, tmp_path_factory):
    """The real memorandum's site built twice: fast (the shells) and by the theme alone."""
    root = tmp_path_factory.mktemp("fast")
    exports = export.dataset_files(model.graph)
    fast = build_site(model.graph, root / "fast", exports)
    full = build_site(model.graph, root / "full", exports, fast=False)
    return root / "fast", fast, root / "full", full


def files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_fast_path_made_every_page_outside_the_navigation(both, model):
    _, fast, _, full = both
    site = render_site(model.graph)
    listed = nav_sources(navigation(site))
    expected = [p for p in site.pages if p.source not in listed and shape(p) is not None]
    assert len(expected) > 50
    assert fast.fast_pages == len(expected)
    assert full.fast_pages == 0


def test_the_fast_path_writes_the_same_bytes_as_the_theme(both):
    fast_dir, _, full_dir, _ = both
    made, theirs = files(fast_dir), files(full_dir)
    assert made.keys() == theirs.keys()
    different = sorted(name for name in made if made[name] != theirs[name])
    assert different == []
    assert sum(name.endswith(".html") for name in made) > 100


def test_search_entries_are_a_function_of_the_page(both, model):
    fast_dir = both[0]
    index = json.loads((fast_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    site = render_site(model.graph)
    pages = [p for p in site.pages if p.path and p.searched][:25]
    for page in pages:
        mine = search_entries(page)
        assert mine, page.path
        theirs = [d for d in index["docs"] if d["location"].split("#")[0] == f"{page.path}/"]
        assert mine == theirs, page.path
    assert search_entries(next(p for p in site.pages if not p.searched)) == []


def test_the_search_index_is_put_together_from_the_entries_of_each_page(both):
    text = (both[0] / "search" / "search_index.json").read_text(encoding="utf-8")
    index = json.loads(text)
    docs = index["docs"]
    assert search_index_json(index["config"], [docs[:3], [], docs[3:]]) == text


def test_one_rendering_gives_the_page_and_its_searched_part_as_two_did(model, monkeypatch):
    once = render_site(model.graph)

    def twice(self, name, context):
        page, tokens = self.page(name, context)
        return page, tokens, self.page(name, context, search=True)[0]

    monkeypatch.setattr(Templates, "page_and_search", twice)
    two = render_site(model.graph)
    assert [(p.html, p.search_html, p.toc) for p in once.pages] == [
        (p.html, p.search_html, p.toc) for p in two.pages
    ]
    assert sum(p.search_html is not None and p.search_html != p.html for p in once.pages) > 50


def test_a_second_process_writes_the_same_bytes(both, model, tmp_path, monkeypatch):
    """With the worker given every page it can take (``WORKER_FROM`` 0: the real memorandum
    is too small to start one), the site is byte for byte the site made in one process: the
    exports read from their files (the worker's way) and the search entries it sends back."""
    monkeypatch.setattr(mkdocs_adapter, "WORKER_FROM", 0)
    monkeypatch.setattr(worker, "BACKLOG", 10**6)  # every page it can take goes to the worker
    exports = stage_tree(tmp_path / "exports", export.dataset_files(model.graph))
    started = worker.Worker.started
    report = build_site(model.graph, tmp_path / "site", exports)
    assert worker.Worker.started == started + 1
    assert report.fast_pages == both[1].fast_pages
    made, theirs = files(tmp_path / "site"), files(both[0])
    assert made.keys() == theirs.keys()
    assert sorted(name for name in made if made[name] != theirs[name]) == []


def test_pages_shared_between_the_two_processes_are_the_same_bytes(
    both, model, tmp_path, monkeypatch
):
    """With the worker given a page only when it has none waiting, both processes write
    pages (the parent counts its own), and the site and its search index are as one made."""
    monkeypatch.setattr(mkdocs_adapter, "WORKER_FROM", 0)
    monkeypatch.setattr(worker, "BACKLOG", 1)
    here = []

    def counted(item, shells):
        here.append(item[1].source)
        return shell_page(item, shells)

    monkeypatch.setattr(mkdocs_adapter, "shell_page", counted)
    started = worker.Worker.started
    report = build_site(model.graph, tmp_path / "site", export.dataset_files(model.graph))
    assert worker.Worker.started == started + 1  # every page sent, written by the worker
    assert 0 < len(here) < report.fast_pages  # and some written here
    made, theirs = files(tmp_path / "site"), files(both[0])
    assert made.keys() == theirs.keys()
    assert sorted(name for name in made if made[name] != theirs[name]) == []


def test_an_error_writing_a_page_is_the_error_the_build_fails_with(model, tmp_path, monkeypatch):
    """A worker that takes every page and gives nothing back (here: a program that reads what it
    is sent, then fails) leaves its pages to this process at the end; the disk full there is
    what the build reports, and nothing is left behind."""
    fails = tmp_path / "bin" / "python"
    fails.parent.mkdir()
    fails.write_text("#!/bin/sh\ncat > /dev/null\nexit 1\n")
    fails.chmod(0o755)
    monkeypatch.setattr(mkdocs_adapter, "WORKER_FROM", 0)
    monkeypatch.setattr(worker, "BACKLOG", 10**6)
    monkeypatch.setattr(worker.sys, "executable", str(fails))

    def full(item, shells):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mkdocs_adapter, "shell_page", full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError) as raised:
        build_site(model.graph, out / "site", export.dataset_files(model.graph))
    assert raised.value.errno == errno.ENOSPC
    assert list(out.iterdir()) == []  # no site, no staging folder, no worker's files


def test_a_page_goes_to_the_second_process_with_its_export_read_from_the_file(model, tmp_path):
    exports = stage_tree(tmp_path / "exports", export.dataset_files(model.graph))
    site = render_site(model.graph, exports)
    page = next(p for p in site.pages if isinstance(p.jsonld, ExportDocument))
    sent = mkdocs_adapter.portable_page(page)
    assert isinstance(sent.jsonld, FileBytes)
    assert sent.jsonld() == page.jsonld() == exports[page.jsonld.name]
    assert pickle.loads(pickle.dumps(sent)).jsonld() == page.jsonld()
    in_memory = render_site(model.graph, export.dataset_files(model.graph))
    page = next(p for p in in_memory.pages if isinstance(p.jsonld, ExportDocument))
    assert mkdocs_adapter.portable_page(page).jsonld == page.jsonld()
