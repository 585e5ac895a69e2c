"""Exports declared by the apps that own the data: columns, scope and filters in one place.

An app lists its `Export`s in its plugin registration; the exchange app serves every registered
export at /export/<name>.xlsx with the same gate, filters and masks as the app's own pages.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from bangfu.core.filters import FilterSet
from bangfu.core.sensitive import identifier


@dataclasses.dataclass(frozen=True)
class Column:
    header: Any                     # a lazy translation
    value: Callable[[Any], Any]     # (record) -> cell value (the column's width fits its text)
    # The value is a 12-digit region code and the cell shows the name of the region made of its
    # first `region_digits` digits (6 county, 9 township, 12 village): the exporter looks the names
    # of all rows up at once.
    region_digits: int = 0


@dataclasses.dataclass(frozen=True)
class Export:
    name: str
    title: Any
    perm: str
    queryset: Callable[[Any], QuerySet]   # (user) -> the records the user may export, scoped
    filters: FilterSet
    columns: tuple[Column, ...]
    order: tuple[str, ...] = ("region_code", "id")


def identifier_column(model, name: str) -> Column:
    """A sensitive identifier, masked as on screen."""
    declared = identifier(model, name)
    return Column(declared.label, declared.masked)


def choice_column(header, field: str) -> Column:
    """A choice field as its label in the reader's language (each label translated once per
    language: get_FOO_display() rebuilds the choices every call, half the time of a big export)."""
    labels: dict[tuple[str | None, Any], str] = {}

    def label(obj) -> str:
        key = (get_language(), getattr(obj, field))
        if key not in labels:
            labels[key] = str(getattr(obj, f"get_{field}_display")() or "")
        return labels[key]

    return Column(header, label)


def region_name_column(header, digits: int, code: Callable[[Any], str] = lambda obj: obj.region_code) -> Column:
    """The name of the record's county (6), township (9) or village (12)."""
    return Column(header, code, region_digits=digits)
