"""The filters and orders of the employer list, declared once for the page, the API and the export."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import Filter, FilterSet, Search, yes_no
from bangfu.core.permissions import prefix_q
from bangfu.core.sorting import Sort, Sorting
from bangfu.employers import choices as c
from bangfu.employers.industries import SECTIONS


def search_employers(queryset, text: str):
    """A part of the name, or the leading characters of the credit code."""
    return queryset.filter(Q(name__icontains=text) | Q(credit_code__startswith=text.upper()))


EMPLOYERS = FilterSet(
    "employer",
    Filter("region", _("区划"), lambda v: prefix_q("region_code", v), pattern=r"[0-9]{1,12}", max_length=12,
           description="region code or its leading digits (522633101 = the township 丙妹镇)"),
    Filter("kind", _("单位类型"), lambda v: Q(kind=v), choices=tuple(c.EmployerKind.choices)),
    Filter("section", _("行业门类"), lambda v: Q(industry__section=v),
           choices=tuple((letter, letter) for letter, _low, _high in SECTIONS),
           description="a GB/T 4754 section letter (门类), A to T"),
    yes_no("active", _("在营"), "active", description="1: in business; 0: closed"),
    search=Search(search_employers, "a part of the name, or the leading characters of the credit code"),
)

# Each order has an index starting with its fields (employer_region, employer_name).
EMPLOYER_SORTS = Sorting(
    "employer",
    Sort("region", _("所在地"), ("region_code",)),
    Sort("name", _("单位名称"), ("name",)),
    default="region",
)
