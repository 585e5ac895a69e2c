"""The filters and orders of the workshop list, declared once for the page, the API and the export."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import Filter, FilterSet, Search
from bangfu.core.permissions import prefix_q
from bangfu.core.sorting import Sort, Sorting
from bangfu.employers import choices as c


def _search(queryset, text: str):
    return queryset.filter(Q(name__contains=text) | Q(employer__name__contains=text)
                           | Q(certificate_number__startswith=text))


WORKSHOPS = FilterSet(
    "workshop",
    Filter("region", _("区划"), lambda v: prefix_q("region_code", v), pattern=r"[0-9]{1,12}", max_length=12,
           description="region code or its leading digits"),
    Filter("status", _("状态"), lambda v: Q(status=v), choices=tuple(c.WorkshopStatus.choices)),
    Filter("kind", _("车间类型"), lambda v: Q(kind=v), choices=tuple(c.WorkshopKind.choices)),
    Filter("site", _("所在地类型"), lambda v: Q(site=v), choices=tuple(c.WorkshopSite.choices)),
    Filter("employer", _("经营主体"), lambda v: Q(employer_id=int(v)), pattern=r"[1-9][0-9]{0,17}", max_length=18,
           description="the employer's id"),
    search=Search(_search, "workshop or employer name (part of it), or the start of a certificate number"),
)

WORKSHOP_SORTS = Sorting(
    "workshop",
    Sort("village", _("所在地"), ("region_code",)),
    Sort("name", _("车间名称"), ("name",)),
    Sort("status", _("状态"), ("status", "region_code")),
    Sort("certified", _("认定日期"), ("certified_on",)),
    Sort("applied", _("申报时间"), ("created_at",)),
    default="village",
)
