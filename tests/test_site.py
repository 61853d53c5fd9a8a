"""The static site, read as files: every page where its IRI says, every link resolving, no
request to another host, the linked data in each page, and the same bytes from the same graph."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, URIRef

from goodpractice.site import SiteError, build_site, script_json

from .conftest import BASE, MEMO


class Page(HTMLParser):
    """The links, ids, scripts and <link> elements of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, dict]] = []  # (tag, url, attributes)
        self.ids: set[str] = set()
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attribute in ("href", "src", "xlink:href"):
            if a.get(attribute):
                self.links.append((tag, a[attribute], a))
        self._in_jsonld = tag == "script" and a.get("type") == "application/ld+json"
        if self._in_jsonld:
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def pages(site: Path) -> dict[Path, Page]:
    return {p: Page(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def parsed(built_site):
    return pages(built_site)


def page_url(site: Path, file: Path) -> str:
    """The URL path of a page, as served: folder pages end in '/'."""
    relative = file.relative_to(site).as_posix()
    return "/" + (
        relative.removesuffix("index.html") if relative.endswith("index.html") else relative
    )


def target_of(site: Path, url_path: str) -> Path | None:
    path = site / unquote(url_path).lstrip("/")
    if url_path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def test_every_internal_link_resolves(built_site, parsed):
    broken = []
    for file, page in parsed.items():
        if file.name == "404.html":
            continue  # served at any depth: links absolute under the base path (tested below)
        base = page_url(built_site, file)
        for tag, url, _ in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            if not parts.path:  # a fragment of the page itself
                if (
                    parts.fragment
                    and parts.fragment not in page.ids
                    and not parts.fragment.startswith("__")
                ):
                    broken.append(f"{base}: #{parts.fragment} (no such id)")
                continue
            resolved = urlsplit(f"http://site{base}").path
            from urllib.parse import urljoin

            resolved = urlsplit(urljoin(f"http://site{base}", parts.path)).path
            if resolved == "/sparql" and parts.query.startswith("query="):
                continue  # the Queries page's live links: the endpoint of goodpractice serve
            target = target_of(built_site, resolved)
            if target is None:
                broken.append(f"{base}: <{tag}> {url} → {resolved} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and parts.fragment not in parsed[target].ids
            ):
                broken.append(f"{base}: {url} (no id {parts.fragment} in {resolved})")
    assert not broken, "\n".join(broken[:40])


def test_no_page_loads_anything_from_another_host(built_site, parsed):
    external = []
    for file, page in parsed.items():
        for tag, url, attrs in page.links:
            if not re.match(r"(?i)(https?:)?//", url):
                continue
            loads = tag in ("script", "img", "iframe", "source", "audio", "video", "embed") or (
                tag == "link" and attrs.get("rel") not in ("alternate", "canonical")
            )
            if loads:
                external.append(f"{file.relative_to(built_site)}: <{tag}> {url}")
    for css in built_site.rglob("*.css"):
        for url in re.findall(
            r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8")
        ):
            external.append(f"{css.relative_to(built_site)}: url({url})")
        assert "@import url(http" not in css.read_text(encoding="utf-8")
    assert not external, "\n".join(external)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home


def test_every_minted_iri_has_its_page_and_data(built_site, model):
    iris = {
        str(node).split("#", 1)[0]
        for triple in model.graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(BASE)
    } - {BASE}
    assert len(iris) > 100
    missing = []
    for iri in sorted(iris):
        key = iri.removeprefix(BASE)
        if not (built_site / key / "index.html").is_file():
            missing.append(f"{key}/index.html")
        for ext in ("ttl", "jsonld", "nt"):
            if not (built_site / f"{key}.{ext}").is_file():
                missing.append(f"{key}.{ext}")
    assert not missing, missing


def test_fragment_iris_resolve_to_an_element_of_their_page(built_site, parsed, model):
    citations = [s for s in model.graph.subjects() if "#citation-" in str(s)]
    assert citations
    for iri in citations:
        key, fragment = str(iri).removeprefix(BASE).split("#")
        assert fragment in parsed[built_site / key / "index.html"].ids, iri
    model_page = parsed[built_site / "def" / "index.html"]
    for name in ("GoodPractice", "Footnote", "markedText", "citingWords", "attachedTo"):
        assert name in model_page.ids, name


def test_every_page_of_a_resource_embeds_its_json_ld_and_links_its_data(built_site, parsed):
    checked = 0
    for file, page in parsed.items():
        relative = file.relative_to(built_site).as_posix()
        if not relative.endswith("/index.html"):
            continue
        key = relative.removesuffix("/index.html")
        if not (built_site / f"{key}.ttl").is_file():
            continue  # an index page of the site, not a resource
        checked += 1
        assert len(page.jsonld) == 1, relative
        raw = page.jsonld[0]
        assert "</" not in raw and "<!--" not in raw
        document = json.loads(raw)
        assert "@context" in document
        text = json.dumps(document)
        assert key in text, f"{relative} embeds a document that does not name its resource"
        alternates = {
            a["type"]: a["href"]
            for tag, _, a in page.links
            if tag == "link" and a.get("rel") == "alternate"
        }
        assert set(alternates) == {"text/turtle", "application/ld+json", "application/n-triples"}
        for href in alternates.values():
            assert (file.parent / href).resolve().is_file(), (relative, href)
    assert checked > 100


def test_script_json_cannot_close_the_script_element():
    text = script_json({"x": "</script><!-- & -->"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"x": "</script><!-- & -->"}


def test_gp10_page(built_site, parsed):
    file = built_site / "rabat-washington" / "gp10" / "index.html"
    html = file.read_text(encoding="utf-8")
    page = parsed[file]
    assert "Good Practice 10:" in html
    assert (
        "Develop mechanisms to disseminate information about potential and suspected homegrown "
        "terrorists broadly within domestic government agencies." in html
    )
    assert {"fn-15", "fn-16", "fnref-15", "fnref-16"} <= page.ids
    assert "<em>Hague-Marrakech Memo</em>" in html  # italics as printed
    assert "Member States to improve domestic information sharing" in html  # footnote 15's text
    hrefs = {url for _, url, _ in page.links}
    assert "../../un/s-res-2396-2017/" in hrefs
    assert "../../hague-marrakech/gp7/" in hrefs  # a cited practice of another memorandum
    assert {"../gp9/", "../gp11/", "../section-3/"} <= hrefs  # neighbours and section
    assert "../fn15/" in hrefs and "../gp10.ttl" in hrefs
    assert "Cites as authority" in html and "Quotes" in html and "Agrees with" in html
    assert f"{MEMO}/gp10" in html  # its IRI


def test_resolution_page_lists_gp10_among_cited_by(built_site):
    html = (built_site / "un" / "s-res-2396-2017" / "index.html").read_text(encoding="utf-8")
    assert "S/RES/2396 (2017)" in html
    assert 'href="https://undocs.org/S/RES/2396(2017)"' in html
    assert '<a href="../../org/un-security-council/">United Nations Security Council</a>' in html
    cited_by = html[html.index('id="cited-by"') :]
    assert '<a href="../../rabat-washington/gp10/">Good Practice 10:' in cited_by
    # The whole sentence of footnote 15 that cites it, the citing words marked.
    assert (
        "“Also, <mark>United Nations Security Council Resolution 2396 calls upon</mark> "
        "&quot;Member States to improve domestic information sharing" in cited_by
    )
    assert '<a href="../../rabat-washington/fn15/#citation-2">Footnote 15</a>' in cited_by


def test_cited_practice_of_another_memorandum_has_its_page(built_site):
    html = (built_site / "hague-marrakech" / "gp7" / "index.html").read_text(encoding="utf-8")
    assert "Good Practice 7" in html and "../../rabat-washington/gp10/" in html
    assert "promoting the collection and fusing detailed information" in html


def test_index_and_view_pages(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert home.count('href="rabat-washington/gp') >= 19 and "How to cite" in home
    for n in range(1, 20):
        assert f'href="rabat-washington/gp{n}/"' in home
    matrix = (built_site / "matrix" / "rabat-washington" / "index.html").read_text(encoding="utf-8")
    assert "<table" in matrix and "GP10" in matrix
    network = built_site / "network" / "rabat-washington"
    assert "<svg" in (network / "index.html").read_text(encoding="utf-8")
    Graph()  # the SVG file is well-formed XML
    import xml.dom.minidom

    xml.dom.minidom.parseString((network / "citations.svg").read_bytes())
    glossary = (built_site / "rabat-washington" / "glossary" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "homegrown terrorism" in glossary
    downloads = (built_site / "dataset" / "index.html").read_text(encoding="utf-8")
    for name, media in (
        ("dataset.ttl", "text/turtle"),
        ("dataset.jsonld", "application/ld+json"),
        ("dataset.nt", "application/n-triples"),
        ("dataset.rdf", "application/rdf+xml"),
    ):
        assert f'href="../{name}"' in downloads and media in downloads
        assert (built_site / name).is_file()
    model_page = (built_site / "def" / "index.html").read_text(encoding="utf-8")
    assert "gp:markedText" in model_page and "SHACL" in model_page
    for prose in ("citations", "editing"):
        assert (built_site / prose / "index.html").is_file()
    assert (built_site / ".htaccess").is_file() and (built_site / "nginx.conf").is_file()
    assert (built_site / "nginx-location.conf").is_file()


def test_navigation_lists_sections_and_indexes_not_every_resource(built_site):
    def primary_nav(file: Path) -> list[str]:
        text = file.read_text(encoding="utf-8")
        nav = text[text.index("md-sidebar--primary") : text.index("md-sidebar--secondary")]
        links = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link', nav)
        return [h for h in links if not h.startswith("#")]  # the active page's own contents

    home = primary_nav(built_site / "index.html")
    footnote = primary_nav(built_site / "rabat-washington" / "fn15" / "index.html")
    gp10 = primary_nav(built_site / "rabat-washington" / "gp10" / "index.html")
    assert len(home) == len(footnote) == len(gp10) < 40
    assert not [h for h in gp10 if re.search(r"(gp|fn)\d+/$", h)]
    assert any(h.endswith("section-3/") for h in gp10)


def test_search_index_holds_the_text_of_the_practices(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    gp10 = [d for d in index["docs"] if d["location"].startswith("rabat-washington/gp10/")]
    assert any("dismantling stovepipes" in d["text"] for d in gp10)


def test_no_sitemap_and_a_404_page_that_works_under_the_base_path(built_site):
    # No site_url until the w3id redirect is registered, so no sitemap of empty URLs.
    assert not (built_site / "sitemap.xml").exists()
    assert not (built_site / "sitemap.xml.gz").exists()
    page = (built_site / "404.html").read_text(encoding="utf-8")
    urls = re.findall(r'(?:href|src)="([^"#]+)"', page)
    assert urls
    local = [u for u in urls if not re.match(r"(?i)https?:", u)]
    assert local and all(u.startswith("/gctf-good-practices/") for u in local), local
    for url in local:
        assert target_of(built_site, url.removeprefix("/gctf-good-practices")), url


def test_home_page_title_and_honest_iris(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>\s*([^<]*?)\s*</title>", home).group(1)
    assert title == "GCTF Good Practices as Linked Data"
    assert "still to be registered with w3id.org" in home
    assert "IRIs are stable" not in home


def test_the_matrix_has_a_column_for_every_practice(built_site):
    matrix = (built_site / "matrix" / "rabat-washington" / "index.html").read_text(encoding="utf-8")
    head = matrix[matrix.index("<thead>") : matrix.index("</thead>")]
    columns = re.findall(r">(GP\d+)</a></th>", head)
    assert columns == [f"GP{n}" for n in range(1, 20)]  # GP1, GP6, GP15, GP18 cite nothing


def test_the_release_and_the_distributions_resolve(built_site, parsed):
    release = built_site / "dataset" / "0.1.0"
    assert (release / "index.html").is_file()
    for ext in ("ttl", "jsonld", "nt"):
        assert (built_site / "dataset" / f"0.1.0.{ext}").is_file()
    downloads = parsed[built_site / "dataset" / "index.html"]
    assert {"turtle", "n-triples", "rdf-xml", "json-ld"} <= downloads.ids
    html = (built_site / "dataset" / "index.html").read_text(encoding="utf-8")
    # whole-dataset files first, then the schema; per-resource files on their own pages
    assert html.index("dataset.ttl") < html.index("ontology.ttl") < html.index("files by resource")
    assert "gp10.ttl" not in html
    release_link = '<a href="0.1.0/">GCTF Good Practices as Linked Data, release 0.1.0</a>'
    assert f"<dt>This release</dt><dd>{release_link}</dd>" in html
    files = (built_site / "dataset" / "files" / "index.html").read_text(encoding="utf-8")
    assert "rabat-washington/gp10.ttl" in files


def test_index_pages_embed_a_description(built_site, parsed):
    for path in ("documents", "organisations", "memoranda", "matrix/rabat-washington",
                 "network/rabat-washington"):  # fmt: skip
        page = parsed[built_site / path / "index.html"]
        assert len(page.jsonld) == 1, path
        document = json.loads(page.jsonld[0])
        assert document["@type"] == "CollectionPage" and document.get("hasPart"), path


def test_long_lists_are_cut_into_pages_of_a_fixed_size(model, tmp_path, monkeypatch):
    from goodpractice import site as site_module
    from goodpractice.site.pages import common

    monkeypatch.setattr(common, "LIST_PAGE", 2)
    site = site_module.render_site(model.graph)
    paths = {page.path for page in site.pages}
    assert {"documents/2", "organisations/2", "dataset/files/2"} <= paths
    citations_to = {c.cited: site.read.citations_to(c.cited) for c in site.read.citations}
    cited = max(citations_to, key=lambda n: len(citations_to[n]))
    assert len(citations_to[cited]) > 2
    assert f"{site.key(cited)}/cited-by/2" in paths
    for page in site.pages:
        if page.path.startswith(("documents", "organisations", "dataset/files")):
            html = page.html
            assert html.count("<li>") <= 2, page.path


def test_the_site_links_the_exports_instead_of_copying_them(built_site, out):
    """Every export is in the site at the same path, the same file (a hard link), not a copy."""
    exports = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert Path("rabat-washington/gp10.ttl") in exports
    for relative in exports:
        assert (built_site / relative).stat().st_ino == (out / relative).stat().st_ino, relative
        assert (out / relative).stat().st_nlink == 2, relative


def test_a_failed_site_build_leaves_the_old_site(model, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    broken = tmp_path / "mkdocs.yml"
    broken.write_text("site_name: x\ntheme:\n  name: no-such-theme\n", encoding="utf-8")
    with pytest.raises(SiteError):
        build_site(model.graph, site, config_file=broken)
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml", "site"]


def test_a_corpus_without_the_real_memorandum_gets_its_site(tmp_path):
    """The prose pages name no particular memorandum: their examples come from the data."""
    from goodpractice.pipeline import load_model

    from .synthetic import write_corpus

    corpus = write_corpus(tmp_path / "content", 2)
    graph = load_model(corpus).graph
    assert not [s for s in graph.subjects() if "rabat-washington" in str(s)]
    site = tmp_path / "site"
    build_site(graph, site)
    citations = (site / "citations" / "index.html").read_text(encoding="utf-8")
    assert "rabat-washington" not in citations
    assert "{{ example" not in citations
    examples = re.findall(r'<td><a href="\.\./([^"]+)">', citations)
    assert examples, "the table has no example from the data"
    for href in examples:
        assert target_of(site, "/" + href.split("#")[0]), href


def test_titles_with_quotes_reach_the_head_intact(built_site):
    """Good Practice 7's title has quotation marks: the theme prints meta values unescaped."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Head(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "meta" and attributes.get("name") == "description":
                found["description"] = attributes.get("content", "")
                found["attributes"] = sorted(attributes)

        def handle_data(self, data):
            if self.lasttag == "title" and "title" not in found:
                found["title"] = data

    Head().feed((built_site / "rabat-washington/gp7/index.html").read_text(encoding="utf-8"))
    title = (
        "Involve those who are best-placed to affect change, including youth, women, and "
        '"formers," in the development and implementation of prevention activities.'
    )
    assert found["description"] == title
    assert found["attributes"] == ["content", "name"]
    assert found["title"] == f"Good Practice 7: {title} - GCTF Good Practices as Linked Data"
