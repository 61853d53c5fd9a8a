"""The pages of the dataset: its downloads (the DCAT description), each release, and the
index of every resource's files."""

from __future__ import annotations

from rdflib.namespace import DCAT, DCTERMS, OWL

from ... import export
from ...iris import SCHEMA_FILE, versioned_file
from ...vocab import DCAT3, FORMAT, GP, MEDIA_TYPES, RESOURCE_FORMATS
from ..links import Code, Link, joined, rel
from . import carry, common

# What the files that are not distributions of the dataset are (the distributions have their
# dcterms:title in the description).
DESCRIPTIONS = {
    "ontology.ttl": "The project's own terms (OWL), each with a label and a definition",
    "context.jsonld": "The JSON-LD @context that gives the data its short keys",
    "shapes.ttl": "The SHACL shapes the data is checked against",
    "dataset-description.ttl": "The dataset's description alone (DCAT, VoID): distributions, release, statistics",
    "dataset-description.jsonld": "The dataset's description alone, as JSON-LD (context by reference)",
    "dataset-description.embedded.jsonld": "The dataset's description alone, as JSON-LD (context inline)",
    SCHEMA_FILE: "The JSON Schema every JSON-LD document of the dataset validates against",
}


def description_of(name: str) -> str:
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    versioned = versioned_file(name)
    if versioned and versioned[0] == "data":  # an earlier release's data
        _kind, version, ext = versioned
        return f"The data of release {version}, as it was released ({ext})"
    if versioned:
        return f"The JSON-LD @context of release {versioned[1]}, unchanging"
    ext = name.rsplit(".", 1)[-1]
    return f"{FORMAT[ext].name if ext in FORMAT else ext.upper()} export"


def local_name(iri) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1] or text
    return text


def export_size(site, name: str) -> str:
    """The size of an export, without reading it (files on disk know their size)."""
    size = getattr(site.exports, "size", None)
    return f"{size(name) if size else len(site.exports[name]):,}"


def listed_resources(site) -> list:
    """The resources the files index lists: all but the data model and the dataset."""
    return [n for n in site.resources if site.key(n) not in ("def", "dataset")]


def per_resource_files(site) -> set[str]:
    return {
        f"{site.key(node)}.{ext}"
        for node in listed_resources(site)
        for ext in ("ttl", "jsonld", "nt", "embedded.jsonld")
    }


def dataset(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    g = read.graph

    def row(name, description, ident="", media=None) -> dict:
        media = media or MEDIA_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        return {"id": ident, "link": Link(rel(here, name), name, media), "description": description,
                "size": export_size(site, name) if name in site.exports else ""}  # fmt: skip

    # The whole dataset: its DCAT distributions, each row the anchor of its IRI (dataset#turtle).
    order = {d[1]: i for i, d in enumerate(export.DISTRIBUTIONS)}
    distributions = sorted(
        g.objects(node, DCAT.distribution),
        key=lambda d: (order.get(site.key(g.value(d, DCAT.downloadURL) or d), 99), str(d)),
    )
    whole, listed = [], set()
    for dist in distributions:
        url = g.value(dist, DCAT.downloadURL)
        name = site.key(url) if url is not None else ""
        media = g.value(dist, DCAT.mediaType)
        media_type = str(media).rsplit("/media-types/", 1)[-1] if media is not None else None
        whole.append(
            row(name, read.text(dist, DCTERMS.title) or name, local_name(dist), media_type)
        )
        listed.add(name)
    skipped = listed | per_resource_files(site)
    others = [
        row(name, description_of(name))
        for name in sorted(site.exports)
        if name not in skipped and not name.startswith((".", "def.")) and name != "nginx.conf"
        and name.split("/")[0] not in ("network", "search", "assets")
    ]  # fmt: skip
    current = read.value(node, DCAT3.hasCurrentVersion)
    license_ = read.value(node, DCTERMS.license)
    facts = common.facts(
        [
            ("Version", read.text(node, OWL.versionInfo) or ""),
            ("This release", urls.link(here, current) if current is not None else ""),
            ("Issued", read.text(node, DCTERMS.issued) or ""),
            ("Modified", read.text(node, DCTERMS.modified) or ""),
            ("Publisher", urls.link(here, read.value(node, DCTERMS.publisher))),
            ("Licence", urls.external(license_) if license_ else ""),
            ("Rights", read.text(node, DCTERMS.rights) or ""),
            ("Base IRI", [Code(site.base)]),
        ]
    )
    context = {
        "title": "Downloads",
        "description": None,
        "text": read.text(node, DCTERMS.description),
        "facts": facts,
        "whole": whole,
        "others": others,
        "list_page": common.LIST_PAGE,
        "files_index": rel(here, "dataset/files/"),
        "resources": len(listed_resources(site)),
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/dataset.html", context)
    files_index(site)


def files_index(site) -> None:
    nodes = listed_resources(site)
    # the labels and the items of the last render where they are still true (``carry``)
    labels = carry.full_labels(site, nodes)
    last = site.carry.last.get("files-index", {})
    kept = site.carry.kept["files-index"] = {}

    def item(node, where: str) -> list:
        key = site.key(node)
        mark = (where, labels[node], key in site.exports)
        was = last.get(node)
        if was is not None and was[0] == mark:
            site.carry.stats["files-index items reused"] += 1
            kept[node] = was
            return was[1]
        links = [
            Link(rel(where, f"{key}.{f.extension}"), f.name, f.media_type) for f in RESOURCE_FORMATS
        ]
        made = [site.urls.link(where, node, key), f" ({labels[node]}): ", *joined(links)]
        kept[node] = (mark, made)
        return made

    intro = [
        "Every resource of the dataset, by path, with its Turtle, JSON-LD and N-Triples. All the "
        "data at once: ",
        Link("../", "downloads"),
        ".",
    ]
    items = [lambda where, n=n: item(n, where) for n in nodes]
    common.index_pages(site, "dataset/files", "Files by resource", intro,
                       [("Resources", "resources", items)], nodes, labels.__getitem__)  # fmt: skip


def release(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    g = read.graph
    dataset = read.dataset
    version = read.text(node, DCAT3.version) or read.text(node, OWL.versionInfo) or local_name(node)
    conforms = sorted(g.objects(node, DCTERMS.conformsTo), key=str)
    previous, changes = read.value(node, DCAT3.previousVersion), read.value(node, GP.changeSet)
    context = {
        "title": f"Release {version}",
        "version": version,
        "dataset": urls.link(here, dataset, "the dataset"),
        "current": (dataset, DCAT3.hasCurrentVersion, node) in g,
        "downloads": rel(here, "dataset/"),
        "facts": common.facts(
            [
                ("Version", version),
                ("Issued", read.text(node, DCTERMS.issued) or ""),
                ("Previous release", urls.link(here, previous) if previous else ""),
                ("What changed", urls.link(here, changes, "its change set") if changes else ""),
                ("Conforms to", joined(urls.link(here, o) for o in conforms)),
            ]
        ),
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/release.html", context)
