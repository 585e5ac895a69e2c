"""The filters of the ledger's lists, declared once for pages, API and exports."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import Filter, FilterSet, Search, yes_no
from bangfu.core.permissions import prefix_q
from bangfu.core.sorting import Sort, Sorting
from bangfu.registry import choices as c
from bangfu.registry.permissions import Perm
from bangfu.registry.selectors import search_households, search_people, whole_identifier


def _region(field: str = "region_code") -> Filter:
    return Filter("region", _("区划"), lambda v: prefix_q(field, v), pattern=r"[0-9]{1,12}", max_length=12,
                  description="region code or its leading digits (522633101 = the township 丙妹镇)")


def _employment(value: str) -> Q:
    if value == "employed":
        return Q(employment_status__in=c.EMPLOYED_STATUSES)
    return Q(employment_status=value)


def _disability(value: str) -> Q:
    return Q(disability_category__isnull=False) if value == "any" else Q(disability_category=int(value))


PEOPLE = FilterSet(
    "person",
    _region(),
    Filter("employment", _("就业状态"), _employment,
           choices=(("employed", _("已就业（全部）")), *c.EmploymentStatus.choices),
           description="an employment status, or `employed` for all the employed ones"),
    Filter("poverty", _("人口类型"), lambda v: Q(poverty_status=v), choices=tuple(c.PovertyStatus.choices)),
    Filter("disability", _("残疾类别"), _disability,
           choices=(("any", _("全部残疾人")), *((str(v), label) for v, label in c.DisabilityCategory.choices)),
           description="a disability category, or `any`"),
    yes_no("relocated", _("易地扶贫搬迁"), "relocated"),
    yes_no("labour", _("劳动力"), "is_labour"),
    yes_no("zero_employment", _("零就业家庭"), "household__zero_employment",
           description="member of a zero-employment household"),
    Filter("gender", _("性别"), lambda v: Q(gender=v), choices=tuple(c.Gender.choices)),
    search=Search(search_people, "name, pinyin initials (zsf) or full pinyin, last 4 digits of ID or phone, "
                                 "or a whole ID number or phone (for roles that may reveal them; each person "
                                 "found so is written to the audit log as a reveal)",
                  whole_identifier=whole_identifier, reveal_perm=Perm.REVEAL_IDENTIFIER),
)

HOUSEHOLDS = FilterSet(
    "household",
    _region(),
    Filter("poverty", _("户类型"), lambda v: Q(poverty_status=v), choices=tuple(c.HouseholdType.choices)),
    yes_no("relocated", _("易地扶贫搬迁户"), "relocated"),
    yes_no("zero_employment", _("零就业家庭"), "zero_employment"),
    search=Search(search_households, "head's name, pinyin initials (zsf) or full pinyin, the last 4 digits "
                                     "of the household number, or its leading digits"),
)

SURVEYS = FilterSet(
    "survey",
    Filter("person", _("人员"), lambda v: Q(person_id=int(v)), pattern=r"[1-9][0-9]{0,17}", max_length=18,
           description="only this person's surveys"),
    _region("person__region_code"),
)


# The orders an officer picks by clicking a column heading; the same keys are the API's `sort`.
# (Households have no head-name order: head_name has no pinyin to sort by.)
# Each person order has an index (see the models): a sorted page of a county reads its 50 rows.
PEOPLE_SORTS = Sorting(
    "person",
    Sort("village", _("所在村"), ("region_code",)),
    Sort("name", _("姓名"), ("name_pinyin",)),
    Sort("age", _("年龄"), ("-birth_date", "-id")),
    Sort("employment", _("就业状态"), ("employment_status", "region_code")),
    Sort("poverty", _("帮扶身份"), ("poverty_status", "region_code")),
    default="village",
)

_HOUSEHOLD_SORTS = (
    Sort("village", _("所在村"), ("region_code",)),
    Sort("number", _("户编号"), ("number",)),
    Sort("members", _("人口数"), ("member_count",)),
    Sort("labour", _("劳动力数"), ("labour_count",)),
    Sort("employed", _("就业人数"), ("employed_count",)),
)
HOUSEHOLD_SORTS = Sorting("household", *_HOUSEHOLD_SORTS, default="village")
# The queue also sorts by its latest follow-up, never followed up first (the view annotates
# `follow_up_order`: the latest date, or the earliest date there is).
ZERO_EMPLOYMENT_SORTS = Sorting("zero_employment", *_HOUSEHOLD_SORTS,
                                Sort("follow_up", _("最近跟进"), ("follow_up_order",)), default="village")
