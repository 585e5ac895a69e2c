"""The filters and orders of the sites' and cooperatives' lists, declared once for pages, API and exports."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import Filter, FilterSet, Search
from bangfu.core.permissions import prefix_q
from bangfu.core.sorting import Sort, Sorting
from bangfu.employers import choices as c


def _region(field: str = "region_code") -> Filter:
    return Filter("region", _("区划"), lambda v: prefix_q(field, v), pattern=r"[0-9]{1,12}", max_length=12,
                  description="region code or its leading digits (522633101 = the township 丙妹镇)")


def _by_name(queryset, text: str):
    return queryset.filter(name__contains=text)


SITES = FilterSet(
    "site",
    _region(),
    Filter("kind", _("类型"), lambda v: Q(kind=v), choices=tuple(c.SiteKind.choices)),
    Filter("level", _("命名层级"), lambda v: Q(level=v), choices=tuple(c.Level.choices)),
    Filter("programme", _("所属项目"), lambda v: Q(programmes__name=v), max_length=50,
           description="the name of a programme (双百双千)"),
    search=Search(_by_name, "part of the name"),
)
SITE_SORTS = Sorting(
    "site",
    Sort("region", _("所在地"), ("region_code",)),
    Sort("name", _("名称"), ("name",)),
    Sort("named_on", _("命名日期"), ("named_on",)),
    default="region",
)

COOPERATIVES = FilterSet("cooperative", _region(), search=Search(_by_name, "part of the name"))
COOPERATIVE_SORTS = Sorting(
    "cooperative",
    Sort("region", _("所在地"), ("region_code",)),
    Sort("name", _("名称"), ("name",)),
    Sort("founded_on", _("成立日期"), ("founded_on",)),
    default="region",
)

DISPATCHES = FilterSet(
    "dispatch",
    _region(),
    Filter("destination", _("输出去向"), lambda v: Q(destination=v), choices=tuple(c.Destination.choices)),
    Filter("cooperative", _("劳务合作社"), lambda v: Q(cooperative_id=int(v)), pattern=r"[0-9]{1,15}", max_length=15,
           description="the id of a cooperative"),
)

APPRAISAL_ENTRIES = FilterSet(
    "appraisal_entry",
    _region("appraisal__region_code"),
    Filter("appraisal", _("评优"), lambda v: Q(appraisal_id=int(v)), pattern=r"[0-9]{1,15}", max_length=15,
           description="the id of an appraisal"),
    Filter("subject", _("对象"), lambda v: Q(subject=v), choices=tuple(c.AppraisalSubject.choices)),
    Filter("awarded", _("评为先进"), lambda v: Q(awarded=v == "1"), choices=(("1", _("是")), ("0", _("否")))),
)

SITE_MEMBERS = FilterSet(
    "site_member",
    _region("site__region_code"),
    Filter("site", _("示范基地"), lambda v: Q(site_id=int(v)), pattern=r"[0-9]{1,15}", max_length=15,
           description="the id of a site"),
    Filter("relation", _("关系"), lambda v: Q(relation=v), choices=tuple(c.SiteRelation.choices)),
)

APPRAISALS = FilterSet(
    "appraisal",
    _region(),
    Filter("year", _("年度"), lambda v: Q(year=int(v)), pattern=r"20[0-9]{2}", max_length=4,
           description="the year (2025)"),
    Filter("half", _("半年"), lambda v: Q(half=int(v)), choices=(("1", _("上半年")), ("2", _("下半年")))),
)
