"""The content stage: the human-edited files under ``content/``, read into a plain Python model
and checked for consistency, every problem with its file and line.

    problems  Location, Problem, ContentError        files   UTF-8, YAML with lines, front matter
    markup    markers, italics, links, keys          values  dates, versions, IRIs
    model     the dataclasses                        fields  a mapping's fields, read strictly
    load      the loaders, load_content              rules   the consistency rules
"""

from .files import Mapping, Sequence
from .load import ENTRY_KINDS, load_content
from .markup import (
    AUTOLINK,
    ITALICS,
    KEY,
    MARKER,
    ROMAN,
    SUPERSCRIPT_DIGITS,
    fold,
    marker_number,
    strip_markup,
)
from .model import (
    Citation,
    CitedPractice,
    Content,
    Deprecation,
    Entry,
    Footnote,
    Glossary,
    Memorandum,
    Practice,
    Publication,
    Section,
    Term,
    Text,
    Unit,
    document_order,
)
from .problems import ContentError, Location, Problem, display_path
from .rules import check_consistency, proposals_awaiting
from .values import parse_date

__all__ = [
    "AUTOLINK",
    "ENTRY_KINDS",
    "ITALICS",
    "KEY",
    "MARKER",
    "ROMAN",
    "SUPERSCRIPT_DIGITS",
    "Citation",
    "CitedPractice",
    "Content",
    "ContentError",
    "Deprecation",
    "Entry",
    "Footnote",
    "Glossary",
    "Location",
    "Mapping",
    "Memorandum",
    "Practice",
    "Problem",
    "Publication",
    "Section",
    "Sequence",
    "Term",
    "Text",
    "Unit",
    "check_consistency",
    "display_path",
    "document_order",
    "fold",
    "load_content",
    "marker_number",
    "parse_date",
    "proposals_awaiting",
    "strip_markup",
]
