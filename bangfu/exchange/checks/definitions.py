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

from django.db.models import CharField, QuerySet, Value
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
