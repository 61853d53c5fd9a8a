"""Reading content files: UTF-8 text, YAML that remembers the line of every key and item, and
Markdown with YAML front matter."""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import ContentError, Location, Problem, display_path

BOM = "\ufeff"


class Mapping(dict):
    """A YAML mapping that remembers the line of each key and of itself."""

    line: int
    key_lines: dict[str, int]


class Sequence(list):
    line: int
    item_lines: list[int]


class LineLoader(yaml.SafeLoader):
    """The pure-Python loader: its error messages are the ones maintainers are shown."""


# libyaml, where PyYAML was built with it: several times faster on a large corpus. Content
# that it rejects is parsed again by LineLoader, so that every message stays the same.
FastLineLoader = type("FastLineLoader", (getattr(yaml, "CSafeLoader", LineLoader),), {})


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


def _construct_timestamp_as_text(loader: LineLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text ("2018-09-26", "2014-09"): the graph decides their datatype.
    return loader.construct_scalar(node)


for _loader in (LineLoader, FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def load_with(loader_class, text: str, line_offset: int):
    loader = loader_class(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_yaml(text: str, path: Path, line_offset: int = 0):
    try:
        return load_with(FastLineLoader, text, line_offset)
    except yaml.YAMLError:
        pass
    try:
        return load_with(LineLoader, text, line_offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise ContentError(
            [Problem(Location(path, line), f"invalid YAML: {problem}", root=True)],
            unreadable=True,
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(
            [Problem(Location(path, 1 + line_offset), f"invalid YAML: {exc}", root=True)],
            unreadable=True,
        ) from None


def read_text(path: Path) -> str:
    """The text of a UTF-8 file, without the byte order mark some editors put first."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(
            [Problem(None, f"{display_path(path)}: file not found", root=True)], unreadable=True
        ) from None
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise ContentError([not_utf8(path, data, exc)], unreadable=True) from None


def not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where the first byte that is not UTF-8 is: its line, and its column in characters."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    before = data[line_start : exc.start].decode("utf-8", errors="replace").removeprefix(BOM)
    column = len(before) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    return Problem(
        Location(path, line),
        f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} ({exc.reason}); "
        "save the file as UTF-8",
        root=True,
    )


def load_yaml(path: Path):
    return parse_yaml(read_text(path), path)


def load_markdown(path: Path) -> tuple[Mapping, str, int]:
    """A Markdown file with optional YAML front matter: (front matter, body, body's first line)."""
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise ContentError(
                [Problem(Location(path, 1), "front matter opened with '---' is never closed")]
            ) from None
        front = parse_yaml("\n".join(lines[1:end]), path, line_offset=1) or Mapping()
        if not isinstance(front, Mapping):
            raise ContentError([Problem(Location(path, 2), "front matter must be a mapping")])
        body_start = end + 1
    else:
        front, body_start = Mapping(), 0
    if not hasattr(front, "line"):
        front.line, front.key_lines = 1, {}
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return front, "\n".join(lines[body_start:]).strip(), body_start + 1
