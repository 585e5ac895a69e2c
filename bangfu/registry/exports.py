"""The ledger's exports: columns as the pages show them (identifiers masked, ages not birth dates)."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, identifier_column, region_name_column
from bangfu.registry import choices as c
from bangfu.registry import filters, selectors
from bangfu.registry.models import FollowUp, Person
from bangfu.registry.permissions import Perm
from bangfu.registry.services import age_on

# Where a record is: county, township and village by name, then the code.
PLACE = (
    region_name_column(_("县（市、区）"), 6),
    region_name_column(_("乡镇（街道）"), 9),
    region_name_column(_("村（社区）"), 12),
    Column(_("所在村代码"), lambda record: record.region_code),
)


def _age(person: Person) -> int:
    return age_on(person.birth_date, timezone.localdate())


PEOPLE = Export(
    name="people",
    title=_("人员台账"),
    perm=Perm.EXPORT,
    queryset=lambda user: selectors.people_for_user(user, Perm.EXPORT).select_related("household"),
    filters=filters.PEOPLE,
    columns=(
        Column(_("编号"), lambda p: p.pk),
        Column(_("姓名"), lambda p: p.name),
        identifier_column(Person, "id_number"),
        choice_column(_("性别"), "gender"),
        Column(_("年龄"), _age),
        identifier_column(Person, "phone"),
        Column(_("户编号"), lambda p: p.household.number if p.household_id else ""),
        choice_column(_("与户主关系"), "relationship"),
        *PLACE,
        choice_column(_("文化程度"), "education"),
        choice_column(_("劳动能力"), "labour_ability"),
        Column(_("劳动力"), lambda p: p.is_labour),
        choice_column(_("人口类型"), "poverty_status"),
        choice_column(_("监测类型"), "monitoring_category"),
        Column(_("易地扶贫搬迁"), lambda p: p.relocated),
        Column(_("安置点"), lambda p: p.relocation_site),
        choice_column(_("残疾类别"), "disability_category"),
        choice_column(_("残疾等级"), "disability_grade"),
        choice_column(_("就业状态"), "employment_status"),
        Column(_("就业单位/地点"), lambda p: p.employer_name),
        Column(_("意向岗位"), lambda p: p.wish_jobs),
        Column(_("期望月薪（元）"), lambda p: p.wish_pay),
    ),
)

HOUSEHOLD_COLUMNS = (
    Column(_("户编号"), lambda h: h.number),
    Column(_("户主"), lambda h: h.head_name),
    *PLACE,
    Column(_("住址"), lambda h: h.address),
    choice_column(_("户类型"), "poverty_status"),
    Column(_("易地扶贫搬迁"), lambda h: h.relocated),
    Column(_("安置点"), lambda h: h.relocation_site),
    Column(_("人口数"), lambda h: h.member_count),
    Column(_("劳动力数"), lambda h: h.labour_count),
    Column(_("就业人数"), lambda h: h.employed_count),
)

HOUSEHOLDS = Export(
    name="households",
    title=_("家庭户台账"),
    perm=Perm.EXPORT,
    queryset=lambda user: selectors.households_for_user(user, Perm.EXPORT),
    filters=filters.HOUSEHOLDS,
    columns=(*HOUSEHOLD_COLUMNS, Column(_("零就业家庭"), lambda h: h.zero_employment)),
)


def zero_employment_queue(user):
    """The zero-employment households the user may export, each with its latest follow-up."""
    latest = FollowUp.objects.filter(household=OuterRef("pk")).order_by("-done_on", "-id")
    return (selectors.households_for_user(user, Perm.EXPORT).filter(zero_employment=True)
            .annotate(last_action=Subquery(latest.values("action")[:1]),
                      last_done_on=Subquery(latest.values("done_on")[:1]),
                      last_note=Subquery(latest.values("note")[:1])))


FOLLOW_UP_ACTIONS = dict(c.FollowUpAction.choices)

ZERO_EMPLOYMENT = Export(
    name="zero_employment",
    title=_("零就业家庭清单"),
    perm=Perm.EXPORT,
    queryset=zero_employment_queue,
    filters=filters.HOUSEHOLDS,
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column(_("最近跟进日期"), lambda h: h.last_done_on),
        Column(_("最近跟进措施"), lambda h: str(FOLLOW_UP_ACTIONS.get(h.last_action, ""))),
        Column(_("跟进说明"), lambda h: h.last_note),
    ),
)

EXPORTS = (PEOPLE, HOUSEHOLDS, ZERO_EMPLOYMENT)
