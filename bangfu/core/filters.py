"""List filters declared once and used by pages, API and exports alike.

A `FilterSet` names each filter, the values it accepts and how it narrows a queryset. Pages and
exports apply it to the query string, the API takes its `schema()` as the query parameters of the
OpenAPI spec; a value it does not accept is a `FilterError` (400 with a message), never a 500.

A search by a whole sensitive identifier (a full ID number typed into the box) confirms that value
for every record it finds: only a user who may reveal the identifier may make it, each record found
is written to the audit log as a reveal, and the audit log of an export keeps the search masked.
"""

import dataclasses
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import StringConstraints, create_model

from bangfu.core.permissions import has_perm
from bangfu.core.sensitive import SensitiveIdentifier, identifier_revealed

REVEALED_BY_SEARCH_MAX = 50  # records announced as revealed by one whole-identifier search


class FilterError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclasses.dataclass(frozen=True)
class Filter:
    """One filter: `choices` (value, label) or a `pattern` the value must match."""

    name: str
    label: Any
    to_q: Callable[[str], Q]
    choices: tuple[tuple[str, Any], ...] = ()
    pattern: str | None = None
    max_length: int = 50
    description: str = ""

    def parse(self, raw) -> str:
        value = str(raw).strip()
        if len(value) > self.max_length:
            raise FilterError(self.name, _("筛选条件“%(f)s”过长") % {"f": self.label})
        if self.choices and value not in {v for v, _label in self.choices}:
            raise FilterError(self.name, _("筛选条件“%(f)s”的值“%(v)s”不是可选的值") % {"f": self.label, "v": value})
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise FilterError(self.name, _("筛选条件“%(f)s”的值“%(v)s”格式不正确") % {"f": self.label, "v": value})
        return value

    def annotation(self):
        if self.choices:
            return Literal[tuple(v for v, _label in self.choices)]
        pattern = f"^(?:{self.pattern})$" if self.pattern else r"^[^\x00-\x1f\x7f]*$"
        return Annotated[str, StringConstraints(max_length=self.max_length, pattern=pattern)]


def yes_no(name: str, label, field: str, **kwargs) -> Filter:
    """A flag filter: 1 for yes, 0 for no."""
    return Filter(name, label, lambda v: Q(**{field: v == "1"}),
                  choices=(("1", gettext_lazy("是")), ("0", gettext_lazy("否"))), **kwargs)


@dataclasses.dataclass(frozen=True)
class Search:
    """The free-text box of a list: `apply(queryset, text)`.

    `whole_identifier(text)` names the sensitive identifier the text is a whole value of (None for
    a name, initials, the last four digits...); such a search needs `reveal_perm`."""

    apply: Callable[[QuerySet, str], QuerySet]
    description: str = ""
    max_length: int = 50
    whole_identifier: Callable[[str], SensitiveIdentifier | None] | None = None
    reveal_perm: str | None = None

    def identifier_in(self, text: str) -> SensitiveIdentifier | None:
        return self.whole_identifier(text) if self.whole_identifier and text else None


class FilterSet:
    def __init__(self, name: str, *filters: Filter, search: Search | None = None):
        self.name = name
        self.filters = {f.name: f for f in filters}
        self.search = search

    def cleaned(self, params) -> dict[str, str]:
        """The given, non-empty filter values, checked; unknown parameters are ignored (page, sort)."""
        values = {}
        for name, declared in self.filters.items():
            raw = params.get(name)
            if raw not in (None, ""):
                value = declared.parse(raw)
                if value:
                    values[name] = value
        if self.search is not None:
            text = re.sub(r"\s+", "", str(params.get("q") or ""))
            if len(text) > self.search.max_length:
                raise FilterError("q", _("搜索内容过长"))
            if text:
                values["q"] = text
        return values

    def apply(self, queryset: QuerySet, params, *, user=None, request=None) -> QuerySet:
        """The queryset narrowed by the params. `user` (and `request`, for the audit log) are
        needed for a search by a whole identifier, which is refused without them."""
        values = self.cleaned(params)
        for name, value in values.items():
            if name != "q":
                queryset = queryset.filter(self.filters[name].to_q(value))
        if "q" in values:
            declared = self.search.identifier_in(values["q"])
            if declared is not None and not (user is not None and self.search.reveal_perm
                                             and has_perm(user, self.search.reveal_perm)):
                raise FilterError("q", _("按完整的%(label)s查找须有查看完整号码的权限，请按姓名或后四位查找")
                                  % {"label": declared.label})
            queryset = self.search.apply(queryset, values["q"])
            if declared is not None:
                # Finding a record by the whole value confirms the value: an audited reveal.
                for record in queryset[:REVEALED_BY_SEARCH_MAX]:
                    identifier_revealed.send(sender=type(record), user=user, obj=record, field=declared.name,
                                             request=request, reason=gettext_lazy("按完整号码查找"))
        return queryset

    def for_log(self, values: dict[str, str]) -> dict[str, str]:
        """Cleaned values as the audit log keeps them: a whole identifier searched for, masked."""
        declared = self.search.identifier_in(values.get("q", "")) if self.search else None
        return {**values, "q": declared.mask_text(values["q"])} if declared is not None else dict(values)

    def schema(self) -> type[Schema]:
        """The query parameters of the API, with the same names and accepted values."""
        fields = {
            name: (declared.annotation(), Field(None, description=declared.description or str(declared.label)))
            for name, declared in self.filters.items()
        }
        if self.search is not None:
            fields["q"] = (Annotated[str, StringConstraints(max_length=self.search.max_length,
                                                            pattern=r"^[^\x00-\x1f\x7f]*$")],
                           Field(None, description=self.search.description))
        return create_model(f"{self.name.title().replace('_', '')}Filters", __base__=Schema, **fields)
