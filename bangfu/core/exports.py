"""Exports declared by the apps that own the data: columns, scope and filters in one place.

An app lists its `Export`s in its plugin registration; the exchange app serves every registered
export at /export/<name>.xlsx with the same gate, filters and masks as the app's own pages.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from bangfu.core.filters import FilterSet
from bangfu.core.sensitive import identifier


@dataclasses.dataclass(frozen=True)
class Column:
    header: Any                     # a lazy translation
    value: Callable[[Any], Any]     # (record) -> cell value
    width: int = 12                 # in characters


@dataclasses.dataclass(frozen=True)
class Export:
    name: str
    title: Any
    perm: str
    queryset: Callable[[Any], QuerySet]   # (user) -> the records the user may export, scoped
    filters: FilterSet
    columns: tuple[Column, ...]
    order: tuple[str, ...] = ("region_code", "id")


def identifier_column(model, name: str, width: int = 22) -> Column:
    """A sensitive identifier, masked as on screen."""
    declared = identifier(model, name)
    return Column(declared.label, declared.masked, width)


def choice_column(header, field: str, width: int = 12) -> Column:
    """A choice field as its label in the reader's language."""
    return Column(header, lambda obj: str(getattr(obj, f"get_{field}_display")() or ""), width)
