"""Generated damage to the real content, for the test that `validate` rejects exactly what
`build` rejects: every field of the main content files deleted, emptied, nulled, given the
wrong type, a path traversal or a duplicate key; every file given a byte order mark, a byte
that is not UTF-8, cut in half, emptied or deleted.

A mutation is ``(name, file, change)``; ``change(bytes) -> bytes | None`` gives the file's new
bytes (None: the file is deleted). Names are stable: the same content gives the same list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

FILES = (
    "content/publication.yaml",
    "content/memoranda/rabat-washington/memorandum.yaml",
    "content/memoranda/rabat-washington/practices/gp03.md",
    "content/memoranda/rabat-washington/introduction.md",
    "content/memoranda/rabat-washington/glossary.yaml",
    "content/memoranda/rabat-washington/footnotes.yaml",
    "content/catalogue/documents.yaml",
    "content/catalogue/organisations.yaml",
)
FIELDS_PER_FILE = 4  # the first fields of each file, by name
FIELD = re.compile(r"^(\s*(?:- )?)([a-z_]+):( *)(.*)$")

Change = Callable[[bytes], "bytes | None"]


def field_lines(text: str) -> list[tuple[int, re.Match]]:
    """The first line of each of the first fields of a file, one line per field name."""
    seen, found = set(), []
    for index, line in enumerate(text.split("\n")):
        match = FIELD.match(line)
        if match and match.group(2) not in seen:
            seen.add(match.group(2))
            found.append((index, match))
    return found[:FIELDS_PER_FILE]


def replace_line(index: int, new: str | None) -> Change:
    def change(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\n")
        if new is None:
            del lines[index]
        else:
            lines[index] = new
        return "\n".join(lines).encode("utf-8")

    return change


def field_mutations(text: str) -> Iterator[tuple[str, Change]]:
    lines = text.split("\n")
    for index, match in field_lines(text):
        indent, key, _, value = match.groups()
        # A key under "- " is the first of a list item: a second copy keeps the item's indent.
        item = indent.replace("- ", "  ")
        for what, new in (
            ("deleted", None),
            ("emptied", f"{indent}{key}: ''"),
            ("null", f"{indent}{key}:"),
            ("a list", f"{indent}{key}: [a, b]"),
            ("a mapping", f"{indent}{key}: {{a: 1}}"),
            ("a number", f"{indent}{key}: 1.10"),
            ("a boolean", f"{indent}{key}: true"),
            ("a path traversal", f"{indent}{key}: ../../../pwned"),
            ("duplicated", f"{lines[index]}\n{item}{key}: {value}"),
        ):
            yield f"{key} {what}", replace_line(index, new)


def file_mutations() -> Iterator[tuple[str, Change]]:
    yield "a byte order mark", lambda data: b"\xef\xbb\xbf" + data
    yield "a byte that is not UTF-8", lambda data: data.replace(b"e", b"\xe9", 1)
    yield "cut in half", lambda data: data[: len(data) // 2]
    yield "emptied", lambda data: b""
    yield "deleted", lambda data: None


def mutations(root: Path) -> list[tuple[str, str, Change]]:
    """Every mutation of the content under ``root`` (the folder holding content/)."""
    found = []
    for file in FILES:
        text = (root / file).read_text(encoding="utf-8")
        for name, change in [*field_mutations(text), *file_mutations()]:
            found.append((f"{file}: {name}", file, change))
    return found
