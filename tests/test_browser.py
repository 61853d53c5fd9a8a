"""The site as a reader uses it, in Debian's Chromium driven by Playwright: follow the links
from the home page to a practice, its footnotes and a cited resolution; search; no console
error; no serious accessibility finding. Without Chromium these tests skip, saying what to
install; under CI (CI=true) they fail instead (tests/needs.py)."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from . import needs

CHROMIUM = needs.CHROMIUM.path
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# One page of every kind the site has.
PAGES = {
    "home": "",
    "memorandum": "rabat-washington/",
    "introduction": "rabat-washington/introduction/",
    "section": "rabat-washington/section-3/",
    "practice": "rabat-washington/gp10/",
    "footnote": "rabat-washington/fn15/",
    "glossary": "rabat-washington/glossary/",
    "term": "rabat-washington/glossary/prevention/",
    "resolution": "un/s-res-2396-2017/",
    "framework document": "hague-marrakech/",
    "cited practice": "hague-marrakech/gp7/",
    "document": "start-criminal-activity-study/",
    "organisation": "org/start/",
    "initiative": "initiative/e4j/",
    "citation matrix": "matrix/rabat-washington/",
    "citation network": "network/rabat-washington/",
    "data model": "def/",
    "downloads": "dataset/",
    "documents index": "documents/",
    "organisations index": "organisations/",
    "memoranda index": "memoranda/",
    "citations (prose)": "citations/",
    "editing (prose)": "editing/",
}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server(built_site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    needs.need(needs.CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that records console errors, uncaught exceptions and requests to other hosts."""

    def __init__(self, browser, server: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        host = urlsplit(server).netloc
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "request",
            lambda r: (
                self.problems.append(f"request to another host: {r.url}")
                if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != host
                else None
            ),
        )
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )
        self.page.on(
            "requestfailed",
            lambda r: (
                self.problems.append(f"request failed: {r.url} ({r.failure})")
                if r.failure != "net::ERR_ABORTED"  # a load cut short by going to the next page
                else None
            ),
        )

    def close(self):
        self.context.close()


@pytest.fixture
def reader(browser, server):
    watched = Watched(browser, server)
    yield watched
    watched.close()


def test_a_reader_follows_gp10_to_resolution_2396_and_back(reader, server):
    page = reader.page
    page.goto(server)
    assert "GCTF Good Practices as Linked Data" in page.title()
    page.get_by_role("link", name="Good Practice 10:", exact=False).first.click()
    page.wait_for_url("**/rabat-washington/gp10/")
    assert page.locator("h1").first.inner_text().startswith("Good Practice 10:")

    # Its footnotes: the marker links to the footnote, which is on the page.
    page.locator("#fnref-15 a").click()
    page.wait_for_url("**/gp10/#fn-15")
    assert page.locator("#fn-15").is_visible()
    assert (
        "Member States to improve domestic information sharing"
        in page.locator("#fn-15").inner_text()
    )
    assert page.locator("#fn-16").is_visible()

    # What it cites: the resolution, and its page says who cites it.
    page.get_by_role("link", name="Security Council resolution 2396 (2017)").first.click()
    page.wait_for_url("**/un/s-res-2396-2017/")
    assert page.locator("h1").first.inner_text() == "Security Council resolution 2396 (2017)"
    cited_by = page.locator("ul.gp-cited-by")
    # the sentence of footnote 15 that cites it, with the citing words marked
    marked = cited_by.locator("mark").first
    assert marked.inner_text() == "United Nations Security Council Resolution 2396 calls upon"
    assert "Member States to improve domestic information sharing" in cited_by.inner_text()
    cited_by.get_by_role("link", name="Good Practice 10:", exact=False).click()
    page.wait_for_url("**/rabat-washington/gp10/")
    assert not reader.problems, reader.problems


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("dismantling stovepipes", "rabat-washington/gp10/"),
        ("regular background briefings", "rabat-washington/gp17/"),
        ("Establish and explore motivations", "rabat-washington/gp1/"),
        # a word followed by a comma and a quote in the title ("formers,")
        ("formers", "rabat-washington/gp7/"),
        # words of a title that other pages list (neighbours, contents): the practice first
        ("best-placed to affect change", "rabat-washington/gp7/"),
    ],
)
def test_search_finds_a_practice_by_words_of_its_text(reader, server, phrase, expected):
    page = reader.page
    page.goto(server)
    page.locator(".md-search__input").click()
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta').textContent.includes('Initializing')",
        timeout=15000,
    )
    assert "Initializing" not in meta.inner_text()
    page.locator("input.md-search__input").press_sequentially(phrase, delay=20)
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=15000)
    # The first result is the practice itself, not a page that lists its title.
    href = first.get_attribute("href")
    assert urlsplit(href).path.endswith(expected), href
    first.click()
    page.wait_for_url(f"**/{expected}**")
    assert urlsplit(page.url).path.endswith(expected)
    assert not reader.problems, reader.problems


def test_no_console_error_on_a_page_of_every_kind(reader, server):
    for kind, path in PAGES.items():
        response = reader.page.goto(server + path)
        assert response is not None and response.status == 200, (kind, path)
        reader.page.wait_for_load_state("load")
    assert not reader.problems, reader.problems


def test_no_serious_accessibility_finding_on_a_page_of_every_kind(reader, server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    findings = []
    for kind, path in PAGES.items():
        reader.page.goto(server + path)
        results = axe.run(reader.page)
        for violation in results.response["violations"]:
            if violation.get("impact") in ("serious", "critical"):
                targets = [n.get("target") for n in violation["nodes"][:3]]
                findings.append(
                    f"{kind} ({path}): {violation['id']} [{violation['impact']}] {violation['help']} {targets}"
                )
    assert not findings, "\n".join(findings)


def test_the_citation_matrix_reads_on_a_phone(browser, server):
    """At 390 px the table scrolls inside its frame, the cited names staying in view."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(server + "matrix/rabat-washington/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wrap = page.locator(".gp-matrix-wrap")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # it has to scroll
        row_header = page.locator(".gp-matrix tbody th").first
        before = row_header.bounding_box()
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        after = row_header.bounding_box()
        assert abs(after["x"] - before["x"]) < 1 and after["x"] >= 0  # sticky
        assert before["width"] >= 100  # the names stay readable
        columns = page.locator(".gp-matrix thead th[scope=col] a").all_inner_texts()
        assert [c for c in columns if c.startswith("GP")] == [f"GP{n}" for n in range(1, 20)]
    finally:
        context.close()


def test_the_data_model_page_has_no_duplicate_landmark(reader, server):
    from axe_playwright_python.sync_playwright import Axe

    reader.page.goto(server + "def/")
    results = Axe().run(reader.page)
    ids = [v["id"] for v in results.response["violations"]]
    assert "landmark-unique" not in ids, ids
