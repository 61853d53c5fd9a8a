"""One query worker of ``goodpractice serve``'s SPARQL endpoint, run as a process of its own.

pyoxigraph cannot cancel a query, so each query runs in a worker process that the server
kills and replaces when the query outlasts the time limit. A worker holds the dataset in an
in-memory pyoxigraph store, twice: in the default graph and in the named graph of the current
release, so a query without ``FROM`` reads the current release and ``FROM <release IRI>``
or ``GRAPH <release IRI>`` read it too.

This file is run as a script (``python sparql_worker.py``) and imports nothing but the
standard library and pyoxigraph, so that a replacement starts in a fraction of a second. It
reads requests from standard input and writes answers to standard output, each a frame:
two big-endian 32-bit lengths, then a JSON header of the first length, then a body of the
second. Requests: ``{"load": {"path", "graph", "key", "prefixes"}}`` (load that N-Triples
file, replacing what the worker held) and ``{"query", "solutions", "graph", "limit", "default_graphs",
"named_graphs"}``. Answers: ``{"ok": true, "format", "truncated"}`` with the body, or
``{"ok": false, "status", "message"}``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox

FRAME = struct.Struct(">II")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# The serialisations a worker writes, by the short names the server negotiates (the server
# names their media types, from goodpractice.vocab).
SOLUTIONS = ("json", "xml", "csv", "tsv")
GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
}


# --------------------------------------------------------------------------------------------
# Terms, as each results format writes them


def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            found["datatype"] = term.datatype.value
        return found
    return {"type": "triple", "value": str(term)}  # RDF 1.2 triple terms: as N-Triples


def term_xml(parent: ET.Element, term) -> None:
    if isinstance(term, ox.NamedNode):
        ET.SubElement(parent, "uri").text = term.value
    elif isinstance(term, ox.BlankNode):
        ET.SubElement(parent, "bnode").text = term.value
    elif isinstance(term, ox.Literal):
        literal = ET.SubElement(parent, "literal")
        if term.language:
            literal.set(XML_LANG, term.language)
        elif term.datatype.value != XSD_STRING:
            literal.set("datatype", term.datatype.value)
        literal.text = term.value
    else:
        ET.SubElement(parent, "literal").text = str(term)


def term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def term_tsv(term) -> str:
    return "" if term is None else str(term)  # N-Triples syntax, tabs and newlines escaped


# --------------------------------------------------------------------------------------------
# Results


def solutions_body(variables: list[str], rows: list[list], name: str) -> bytes:
    if name == "json":
        bindings = [
            {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if name == "xml":
        root, head = sparql_xml()
        for variable in variables:
            ET.SubElement(head, "variable", name=variable)
        results = ET.SubElement(root, "results")
        for row in rows:
            result = ET.SubElement(results, "result")
            for variable, term in zip(variables, row, strict=True):
                if term is not None:
                    term_xml(ET.SubElement(result, "binding", name=variable), term)
        return xml_bytes(root)
    if name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([term_csv(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(term_tsv(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sparql_xml() -> tuple[ET.Element, ET.Element]:
    root = ET.Element("sparql", xmlns=SPARQL_RESULTS_NS)
    return root, ET.SubElement(root, "head")


def xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def boolean_body(value: bool, name: str) -> bytes:
    if name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if name == "xml":
        root, _ = sparql_xml()
        ET.SubElement(root, "boolean").text = "true" if value else "false"
        return xml_bytes(root)
    if name == "csv":
        return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()
    return f"?_askResult\n{'true' if value else 'false'}\n".encode()


class Worker:
    def __init__(self):
        self.store = ox.Store()
        self.key = None
        self.prefixes: dict[str, str] = {}  # for Turtle answers: the dataset's own

    def load(self, path: str, graph: str, key, prefixes: dict[str, str]) -> dict:
        store = ox.Store()
        for target in (ox.DefaultGraph(), ox.NamedNode(graph)):
            store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        self.store, self.key, self.prefixes = store, key, prefixes
        return {"ok": True, "key": key}

    def query(self, request: dict) -> tuple[dict, bytes]:
        options = {}
        if request.get("default_graphs") or request.get("named_graphs"):
            options = {
                "default_graph": [ox.NamedNode(g) for g in request.get("default_graphs") or []],
                "named_graphs": [ox.NamedNode(g) for g in request.get("named_graphs") or []],
            }
        try:
            results = self.store.query(request["query"], **options)
        except SyntaxError as error:
            return refused(400, f"The query is not valid SPARQL: {syntax_message(error)}"), b""
        limit = request["limit"]
        if isinstance(results, ox.QueryBoolean):
            return self.solutions(request, lambda name: boolean_body(bool(results), name))
        if isinstance(results, ox.QuerySolutions):
            variables = [v.value for v in results.variables]
            rows, truncated = cut(([s[i] for i in range(len(variables))] for s in results), limit)
            return self.solutions(
                request, lambda name: solutions_body(variables, rows, name), truncated
            )
        name = request.get("graph")
        if name is None:
            return refused(406, "graph"), b""
        triples, truncated = cut(results, limit)
        body = ox.serialize(triples, format=GRAPHS[name], prefixes=self.prefixes)
        return {"ok": True, "format": name, "truncated": truncated}, body

    @staticmethod
    def solutions(request: dict, body, truncated: bool = False) -> tuple[dict, bytes]:
        name = request.get("solutions")
        if name is None:
            return refused(406, "solutions"), b""
        header = {"ok": True, "format": name, "truncated": truncated}
        return header, body(name)


def cut(items, limit: int) -> tuple[list, bool]:
    """The first ``limit`` items, and whether there were more."""
    taken = []
    for item in items:
        if len(taken) == limit:
            return taken, True
        taken.append(item)
    return taken, False


def syntax_message(error: SyntaxError) -> str:
    """The parser's message on one line, its list of expected tokens cut short if long."""
    message = " ".join(str(error).split())
    message = re.sub(r"^error at (\d+):(\d+):", r"at line \1, column \2:", message)
    return message if len(message) <= 300 else message[:300] + " …"


def refused(status: int, message: str) -> dict:
    return {"ok": False, "status": status, "message": message}


# --------------------------------------------------------------------------------------------
# Frames on the pipes


def read_exactly(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def watch_parent() -> None:
    """Stop when the server is gone, even in the middle of a long query (pyoxigraph lets
    other threads run while it evaluates one)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def main() -> None:
    watch_parent()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    worker = Worker()
    while True:
        lengths = read_exactly(stdin, FRAME.size)
        if lengths is None:  # the server went away
            return
        header_size, body_size = FRAME.unpack(lengths)
        request = json.loads(read_exactly(stdin, header_size) or b"{}")
        read_exactly(stdin, body_size)
        try:
            if "load" in request:
                load = request["load"]
                header, body = (
                    worker.load(load["path"], load["graph"], load["key"], load["prefixes"]),
                    b"",
                )
            else:
                header, body = worker.query(request)
        except Exception as error:  # noqa: BLE001 - answered, and the worker keeps serving
            header, body = refused(500, f"{type(error).__name__}: {error}"), b""
        encoded = json.dumps(header).encode("utf-8")
        stdout.write(FRAME.pack(len(encoded), len(body)) + encoded + body)
        stdout.flush()


if __name__ == "__main__":
    main()
