"""Releases: what each release published, what changed, and IRIs that never vanish.

records  the release records under ``content/releases/<version>/``: written, read, compared
diff     two states of the graph compared: resources added, removed, deprecated, changed
history  every record in order: change sets, the date each resource last changed, the rules
publish  what the history adds to the published graph, and the earlier releases' files
"""

from .diff import (
    ChangeSet,
    ContractChange,
    PropertyChange,
    compare,
    compare_contract,
    descriptions,
)
from .history import History, change_set_locations, load_history
from .publish import publish_history
from .records import (
    Record,
    RecordError,
    contract_files,
    contract_terms,
    read_records,
    recorded_lines,
    version_key,
    write_record,
)

__all__ = [
    "ChangeSet",
    "ContractChange",
    "History",
    "PropertyChange",
    "Record",
    "RecordError",
    "compare",
    "compare_contract",
    "contract_files",
    "contract_terms",
    "descriptions",
    "change_set_locations",
    "load_history",
    "publish_history",
    "read_records",
    "recorded_lines",
    "version_key",
    "write_record",
]
