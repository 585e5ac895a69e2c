"""The ledger's records' history as people read it (core.history with the ledger's derived columns)."""

from bangfu.core.history import Entry
from bangfu.core.history import history_entries as _entries

# Columns derived from another one: a change shows under the field a user knows (the name, the ID number).
DERIVED = frozenset({"name_pinyin", "name_initials", "gender", "birth_date", "surveyed_on"})


def history_entries(record) -> list[Entry]:
    return _entries(record, hidden=DERIVED)
