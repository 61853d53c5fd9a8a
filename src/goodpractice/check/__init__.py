"""Check the graph against the published SHACL shapes and the source text.

- ``shacl``: run the shapes (``run_shapes``) and the whole check (``validate``);
- ``fast``: the pySHACL / pyoxigraph speed-ups, behind one switch;
- ``fidelity``: the published text against the source text;
- ``report``: findings, the report, its messages and JSON form;
- ``background``: the check run in a forked process while the build goes on.
"""

from .background import BackgroundCheck
from .fidelity import check_fidelity, fidelity_problems, rebuild_document
from .report import VIOLATION, WARNING, CheckedModel, Finding, Report, findings_from_report
from .shacl import PARALLEL_FROM, ShapesRun, run_shapes, shapes_graph, validate

__all__ = [
    "PARALLEL_FROM",
    "VIOLATION",
    "WARNING",
    "BackgroundCheck",
    "CheckedModel",
    "Finding",
    "Report",
    "ShapesRun",
    "check_fidelity",
    "fidelity_problems",
    "findings_from_report",
    "rebuild_document",
    "run_shapes",
    "shapes_graph",
    "validate",
]
