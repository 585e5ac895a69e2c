"""The ledger's exports: columns as the pages show them (identifiers masked, ages not birth dates)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, identifier_column
from bangfu.registry import filters, selectors
from bangfu.registry.models import Person
from bangfu.registry.permissions import Perm
from bangfu.registry.services import age_on


def _age(person: Person) -> int:
    return age_on(person.birth_date, timezone.localdate())


PEOPLE = Export(
    name="people",
    title=_("人员台账"),
    perm=Perm.EXPORT,
    queryset=lambda user: selectors.people_for_user(user, Perm.EXPORT).select_related("household"),
    filters=filters.PEOPLE,
    columns=(
        Column(_("编号"), lambda p: p.pk, 9),
        Column(_("姓名"), lambda p: p.name, 10),
        identifier_column(Person, "id_number"),
        choice_column(_("性别"), "gender", 6),
        Column(_("年龄"), _age, 6),
        identifier_column(Person, "phone", 14),
        Column(_("户编号"), lambda p: p.household.number if p.household_id else "", 18),
        choice_column(_("与户主关系"), "relationship"),
        Column(_("所在村代码"), lambda p: p.region_code, 14),
        choice_column(_("文化程度"), "education"),
        choice_column(_("劳动能力"), "labour_ability"),
        Column(_("劳动力"), lambda p: p.is_labour, 8),
        choice_column(_("人口类型"), "poverty_status"),
        choice_column(_("监测类型"), "monitoring_category"),
        Column(_("易地扶贫搬迁"), lambda p: p.relocated, 8),
        Column(_("安置点"), lambda p: p.relocation_site, 16),
        choice_column(_("残疾类别"), "disability_category"),
        choice_column(_("残疾等级"), "disability_grade"),
        choice_column(_("就业状态"), "employment_status", 14),
        Column(_("就业单位/地点"), lambda p: p.employer_name, 20),
        Column(_("意向岗位"), lambda p: p.wish_jobs, 16),
        Column(_("期望月薪（元）"), lambda p: p.wish_pay, 10),
    ),
)

HOUSEHOLDS = Export(
    name="households",
    title=_("家庭户台账"),
    perm=Perm.EXPORT,
    queryset=lambda user: selectors.households_for_user(user, Perm.EXPORT),
    filters=filters.HOUSEHOLDS,
    columns=(
        Column(_("户编号"), lambda h: h.number, 18),
        Column(_("户主"), lambda h: h.head_name, 10),
        Column(_("所在村代码"), lambda h: h.region_code, 14),
        Column(_("住址"), lambda h: h.address, 24),
        choice_column(_("户类型"), "poverty_status"),
        Column(_("易地扶贫搬迁"), lambda h: h.relocated, 8),
        Column(_("安置点"), lambda h: h.relocation_site, 16),
        Column(_("人口数"), lambda h: h.member_count, 8),
        Column(_("劳动力数"), lambda h: h.labour_count, 8),
        Column(_("就业人数"), lambda h: h.employed_count, 8),
        Column(_("零就业家庭"), lambda h: h.zero_employment, 8),
    ),
)

EXPORTS = (PEOPLE, HOUSEHOLDS)
