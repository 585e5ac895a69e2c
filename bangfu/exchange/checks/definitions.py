"""What a check is, and the list of them.

A check names the records of one ledger model that fail one rule, in one set-based query over a
region (a code prefix): `query(prefix, today)` returns a queryset of that model, already narrowed to
the prefix, optionally annotated with `reason` (one of the check's `reasons` codes). The runner
(runner.py) reads `pk`, `region_code` and `reason` from it; nothing is looped over in Python.
"""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, CharField, F, Func, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _


class Severity:
    ERROR = "error"
    WARNING = "warning"
    LABELS = {ERROR: _("错误"), WARNING: _("提醒")}


PERSON, HOUSEHOLD = "person", "household"


@dataclasses.dataclass(frozen=True)
class Check:
    id: str                     # "household.no_head": stable, stored with every finding
    title: Any                  # a lazy translation
    description: Any
    severity: str
    model: str                  # PERSON or HOUSEHOLD: which records it flags
    query: Callable[[str, datetime.date], QuerySet]
    reasons: dict[str, Any] = dataclasses.field(default_factory=dict)  # reason code -> label

    @property
    def severity_label(self):
        return Severity.LABELS[self.severity]

    def reason_label(self, code: str) -> str:
        return str(self.reasons.get(code, code))


_CHECKS: dict[str, Check] = {}


def register(*checks: Check) -> None:
    for check in checks:
        _CHECKS[check.id] = check


def all_checks() -> list[Check]:
    return list(_CHECKS.values())


def get(check_id: str) -> Check:
    return _CHECKS[check_id]


def choices() -> tuple[tuple[str, Any], ...]:
    return tuple((check.id, check.title) for check in _CHECKS.values())


def no_reason() -> Value:
    return Value("", output_field=CharField())


class AmongFew(Func):
    """`field IN (rows)` for a subquery known to leave few rows (a GROUP BY … HAVING of the rare).

    PostgreSQL spells it `field = ANY(ARRAY(rows))`: the subquery runs once, first, and its values
    are looked up in the field's index. Planned as IN, the planner cannot tell how few rows a
    HAVING leaves, guesses thousands and hash-joins them against a scan of the whole table."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, rows: QuerySet):
        super().__init__(F(field), Subquery(rows))

    def as_sql(self, compiler, connection, template="%(field)s IN %(rows)s", **extra):
        (field, field_params), (rows, rows_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return template % {"field": field, "rows": rows}, (*field_params, *rows_params)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="%(field)s = ANY(ARRAY%(rows)s)")
