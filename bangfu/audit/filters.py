"""The audit log's filters: a date range, the action, the user and the record (kind + number),
declared with core.filters so that a bad value is a message, never a 500."""

import datetime
import functools

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.audit.models import Action, AuditEntry
from bangfu.core import plugins
from bangfu.core.filters import Filter, FilterError, FilterSet

DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _day(name: str, label, lookup: str, shift: int) -> Filter:
    """Entries from the start of a day (`since`) or up to its end (`until`), in local time."""

    def to_q(value: str) -> Q:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise FilterError(name, _("%(f)s“%(v)s”不是有效的日期") % {"f": label, "v": value}) from None
        start = datetime.datetime.combine(day + datetime.timedelta(days=shift), datetime.time.min)
        return Q(**{f"at__{lookup}": timezone.make_aware(start)})

    return Filter(name, label, to_q, pattern=DATE, max_length=10)


@functools.cache
def audit_filters() -> FilterSet:
    """Built on first use: the record kinds are the models the apps registered surfaces for."""
    kinds = tuple((model._meta.label_lower, model._meta.verbose_name)
                  for model in plugins.surfaces() if model is not AuditEntry)
    return FilterSet(
        "audit",
        _day("since", gettext_lazy("起始日期"), "gte", 0),
        _day("until", gettext_lazy("截止日期"), "lt", 1),
        Filter("action", gettext_lazy("操作"), lambda v: Q(action=v), choices=tuple(Action.choices)),
        Filter("user", gettext_lazy("用户"), lambda v: Q(username=v) | Q(user__first_name__contains=v),
               max_length=150),
        Filter("type", gettext_lazy("对象类型"), lambda v: Q(object_type=v), choices=kinds),
        Filter("record", gettext_lazy("对象编号"), lambda v: Q(object_id=v), pattern=r"[1-9][0-9]{0,17}",
               max_length=18),
    )


def checked(params) -> dict[str, str]:
    """The filter values, or FilterError: each value as declared, and the pairs consistent."""
    values = audit_filters().cleaned(params)
    if "record" in values and "type" not in values:
        raise FilterError("type", _("按对象编号筛选时请同时选择对象类型"))
    if values.get("since", "") > values.get("until", "9999"):
        raise FilterError("until", _("截止日期不能早于起始日期"))
    return values
