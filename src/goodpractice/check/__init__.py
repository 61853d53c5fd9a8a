"""Check the graph against the published SHACL shapes and the source text.

- ``shacl``: run the shapes (``run_shapes``) and the whole check (``validate``);
- ``fast``: the pySHACL / pyoxigraph speed-ups, behind one switch;
- ``precheck``: the focus nodes that certainly conform, left out of pySHACL's run (a speed-up);
- ``focus``: the shapes on some resources only (``check_focus``), for incremental builds;
- ``fidelity``: the published text against the source text;
- ``report``: findings, the report, its messages and JSON form;
- ``background``: the check run in a forked process while the build goes on.
"""

from .background import BackgroundCheck
from .fidelity import check_fidelity, fidelity_problems, rebuild_document
from .focus import CheckMemory, FocusedCheck, check_focus, focus_report, whole_graph_shapes
from .report import VIOLATION, WARNING, CheckedModel, Finding, Report, findings_from_report
from .shacl import PARALLEL_FROM, ShapesRun, run_shapes, shapes_graph, validate

__all__ = [
    "PARALLEL_FROM",
    "VIOLATION",
    "WARNING",
    "BackgroundCheck",
    "CheckMemory",
    "FocusedCheck",
    "CheckedModel",
    "Finding",
    "Report",
    "ShapesRun",
    "check_fidelity",
    "check_focus",
    "fidelity_problems",
    "findings_from_report",
    "focus_report",
    "rebuild_document",
    "run_shapes",
    "shapes_graph",
    "validate",
    "whole_graph_shapes",
]
