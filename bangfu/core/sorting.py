"""The sort orders a list offers, declared once for its page and its API.

A `Sorting` names each order a user may pick (`?sort=name`, `?sort=-name` for the reverse) and the
model fields behind it; the record id always ends the order, so equal names keep one stable order
across pages. A key it does not declare is a `FilterError` (400 with a message), never a 500.
"""

import dataclasses
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import create_model

from bangfu.core.filters import FilterError


@dataclasses.dataclass(frozen=True)
class Sort:
    """One order: `fields` as for `order_by()` ("-birth_date" for the youngest first)."""

    key: str
    label: Any
    fields: tuple[str, ...]


def reverse_fields(fields) -> list[str]:
    """The exact reverse of an order of plain field names: each direction flipped."""
    return [field[1:] if field.startswith("-") else f"-{field}" for field in fields]


def with_tiebreaker(fields) -> list[str]:
    fields = list(fields)
    if not {"id", "pk", "-id", "-pk"} & set(fields):
        fields.append("id")
    return fields


class Sorting:
    def __init__(self, name: str, *sorts: Sort, default: str):
        self.name = name
        self.sorts = {sort.key: sort for sort in sorts}
        self.default = default

    def parse(self, raw) -> tuple[str, bool]:
        """(key, descending) of `?sort=`; the default order when it is absent or empty."""
        value = str(raw or "").strip()
        if not value:
            return self.default, False
        key, descending = (value[1:], True) if value.startswith("-") else (value, False)
        if key not in self.sorts:
            raise FilterError("sort", _("排序方式“%(v)s”不是可选的值，可选：%(keys)s")
                              % {"v": value[:30], "keys": _("、").join(self.sorts)})
        return key, descending

    def fields(self, key: str, descending: bool = False) -> list[str]:
        fields = with_tiebreaker(self.sorts[key].fields)
        return reverse_fields(fields) if descending else fields

    def apply(self, queryset: QuerySet, raw) -> QuerySet:
        return queryset.order_by(*self.fields(*self.parse(raw)))

    def schema(self) -> type[Schema]:
        """The `sort` query parameter of the API, with the same keys as the page."""
        values = tuple(v for key in self.sorts for v in (key, f"-{key}"))
        description = (f"order: {', '.join(self.sorts)} (default {self.default}); a leading '-' reverses it; "
                       "the record id breaks ties")
        return create_model(f"{self.name.title().replace('_', '')}Sort", __base__=Schema,
                            sort=(Literal[values] | None, Field(None, description=description)))
