"""Reading content files: UTF-8 text, YAML that remembers the line of every key and item, and
Markdown with YAML front matter."""

from __future__ import annotations

from collections import Counter
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
        if not isinstance(key_node, yaml.ScalarNode):  # ``[a, b]: x``, ``? {a: b}``
            raise yaml.MarkedYAMLError(
                problem="a key must be a single value, not a list or mapping",
                problem_mark=key_node.start_mark,
            )
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


fast_paths: Counter = Counter()  # "nodes": documents FastLineLoader's nodes made directly


class _Slow(Exception):
    """Something the direct conversion leaves to PyYAML's own construction: an alias (the same
    object twice), a merge key, a key that is not a scalar, a tag of another kind, a duplicate
    key (whose message LineLoader gives)."""


_STR_TAG = "tag:yaml.org,2002:str"
_TEXT_TAGS = {_STR_TAG, "tag:yaml.org,2002:timestamp"}  # each kept as its text
_LEAF_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float")}
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


def _convert(loader, node, offset: int, seen: set):
    """The Python value of a composed node, as ``_construct_mapping``, ``_construct_sequence``
    and PyYAML's scalar constructors make it, without PyYAML's per-node machinery."""
    kind = node.__class__
    if kind is _ScalarNode:
        tag = node.tag
        if tag in _TEXT_TAGS:
            return node.value
        if tag in _LEAF_TAGS:
            return loader.yaml_constructors[tag](loader, node)
        raise _Slow
    if id(node) in seen:
        raise _Slow
    seen.add(id(node))
    if kind is _MappingNode and node.tag == _MAP_TAG:
        result = Mapping()
        result.line = node.start_mark.line + 1 + offset
        key_lines = result.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode:
                raise _Slow
            key = _convert(loader, key_node, offset, seen)
            if key in result:
                raise _Slow
            result[key] = _convert(loader, value_node, offset, seen)
            key_lines[key] = key_node.start_mark.line + 1 + offset
        return result
    if kind is _SequenceNode and node.tag == _SEQ_TAG:
        children = node.value
        result = Sequence([_convert(loader, child, offset, seen) for child in children])
        result.line = node.start_mark.line + 1 + offset
        result.item_lines = [child.start_mark.line + 1 + offset for child in children]
        return result
    raise _Slow


def _implicit_table(loader_class) -> tuple[dict, tuple]:
    """The loader's implicit resolvers by first character, each with the wildcard ones after
    (as ``Resolver.resolve`` joins them), and the wildcard ones alone."""
    wildcard = tuple(loader_class.yaml_implicit_resolvers.get(None, []))
    return {
        first: tuple(resolvers) + wildcard
        for first, resolvers in loader_class.yaml_implicit_resolvers.items()
        if first is not None
    }, wildcard


def _fast_resolve(table, wildcard):
    """PyYAML's ``Resolver.resolve`` for a scalar, which libyaml's composer calls for each one,
    without the lists it joins at each call (the loader has no path resolvers)."""
    default = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
    resolve_other = yaml.resolver.BaseResolver.resolve

    def resolve(self, kind, value, implicit):
        if kind is not _ScalarNode or self.yaml_path_resolvers:
            return resolve_other(self, kind, value, implicit)
        if implicit[0]:
            for tag, regexp in table.get(value[:1], wildcard):
                if regexp.match(value):
                    return tag
        return default

    return resolve


FastLineLoader.resolve = _fast_resolve(*_implicit_table(FastLineLoader))


def load_with(loader_class, text: str, line_offset: int):
    loader = loader_class(text)
    loader.line_offset = line_offset
    try:
        if loader_class is not FastLineLoader:
            return loader.get_single_data()
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            data = _convert(loader, node, line_offset, set())
        except _Slow:
            return loader.construct_document(node)
        fast_paths["nodes"] += 1
        return data
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
