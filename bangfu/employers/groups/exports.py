"""Exports of sites, their people, cooperatives, dispatches and appraisal results (names only: no
identifiers here). Every one needs the employer side's export permission (its records read through
it); those naming people need the ledger's export permission too: an employer's operator reads its
sites' people masked on the pages and exports none of them. A name is exported as the pages show it:
whole when the person is in the exporter's ledger, else masked (张**), decided in the query."""

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, region_name_column
from bangfu.core.permissions import require
from bangfu.employers.groups import filters, selectors
from bangfu.employers.groups.selectors import mask_name
from bangfu.employers.models import DispatchPerson
from bangfu.employers.permissions import Perm
from bangfu.registry.permissions import Perm as LedgerPerm
from bangfu.registry.selectors import people_for_user

EXPORT = Perm.EXPORT_EMPLOYERS


def _in_ledger(user, person: str = "person_id"):
    """Whether the row's person is one the user sees in the ledger (one EXISTS in the export's query)."""
    return Exists(people_for_user(user, LedgerPerm.VIEW_LEDGER).filter(pk=OuterRef(person)))


def _name(person, shown: bool) -> str:
    return person.name if shown else mask_name(person.name)


# The exports naming people are gated by the ledger's EXPORT; this side's own is checked by their
# querysets (a refusal, not an empty file).

def _site_members(user):
    require(user, EXPORT)
    return (selectors.site_members_for_user(user, EXPORT).select_related("site", "person")
            .annotate(shown=_in_ledger(user)))


def _dispatches(user):
    require(user, EXPORT)
    went = DispatchPerson.objects.select_related("person").annotate(shown=_in_ledger(user)).order_by("id")
    return (selectors.dispatches_for_user(user, EXPORT).select_related("cooperative", "employer",
                                                                       "leader__member__person")
            .annotate(leader_shown=_in_ledger(user, "leader__member__person_id"))
            .prefetch_related(Prefetch("went", went)))


def _appraisal_entries(user):
    require(user, EXPORT)
    return (selectors.appraisal_entries_for_user(user, EXPORT).select_related("appraisal", "cooperative", "person")
            .annotate(shown=_in_ledger(user)))


def _place(code=lambda record: record.region_code):
    return (region_name_column(_("县（市、区）"), 6, code), region_name_column(_("乡镇（街道）"), 9, code),
            region_name_column(_("村（社区）"), 12, code), Column(_("所在地代码"), code))


def _date(value) -> str:
    return value.isoformat() if value else ""


SITES = Export(
    name="sites", title=_("示范基地"), perm=EXPORT,
    queryset=lambda user: selectors.sites_for_user(user, EXPORT).select_related("employer")
    .prefetch_related("programmes"),
    filters=filters.SITES,
    columns=(
        Column(_("编号"), lambda s: s.pk),
        Column(_("名称"), lambda s: s.name),
        choice_column(_("类型"), "kind"),
        choice_column(_("命名层级"), "level"),
        *_place(),
        Column(_("运营单位"), lambda s: s.employer.name if s.employer_id else ""),
        Column(_("命名日期"), lambda s: _date(s.named_on)),
        Column(_("命名单位"), lambda s: s.named_by),
        Column(_("所属项目"), lambda s: "、".join(p.name for p in s.programmes.all())),
    ),
)

SITE_MEMBERS = Export(
    name="site_members", title=_("示范基地人员"), perm=LedgerPerm.EXPORT,
    queryset=_site_members,
    filters=filters.SITE_MEMBERS,
    order=("site__region_code", "site_id", "start_date", "id"),
    columns=(
        Column(_("示范基地"), lambda m: m.site.name),
        *_place(lambda m: m.site.region_code),
        Column(_("姓名"), lambda m: _name(m.person, m.shown)),
        Column(_("残疾人"), lambda m: m.person.disability_category is not None),
        choice_column(_("关系"), "relation"),
        Column(_("开始日期"), lambda m: _date(m.start_date)),
        Column(_("结束日期"), lambda m: _date(m.end_date)),
    ),
)

COOPERATIVES = Export(
    name="cooperatives", title=_("劳务合作社"), perm=EXPORT,
    queryset=lambda user: selectors.cooperatives_for_user(user, EXPORT).select_related("employer"),
    filters=filters.COOPERATIVES,
    columns=(
        Column(_("编号"), lambda co: co.pk),
        Column(_("合作社名称"), lambda co: co.name),
        *_place(),
        Column(_("登记主体"), lambda co: co.employer.name if co.employer_id else ""),
        Column(_("理事长"), lambda co: co.chair),
        Column(_("成立日期"), lambda co: _date(co.founded_on)),
    ),
)

DISPATCHES = Export(
    name="dispatches", title=_("组织输出"), perm=LedgerPerm.EXPORT,
    queryset=_dispatches,
    filters=filters.DISPATCHES,
    order=("region_code", "start_date", "id"),
    columns=(
        Column(_("劳务合作社"), lambda d: d.cooperative.name),
        *_place(),
        Column(_("带队劳务队长"), lambda d: _name(d.leader.member.person, d.leader_shown) if d.leader_id else ""),
        choice_column(_("输出去向"), "destination"),
        Column(_("去向"), lambda d: d.destination_label),
        Column(_("城市区划代码"), lambda d: d.city_code),
        Column(_("出发日期"), lambda d: _date(d.start_date)),
        Column(_("返回日期"), lambda d: _date(d.end_date)),
        Column(_("计划务工月数"), lambda d: d.planned_months or ""),
        Column(_("输出人数"), lambda d: len(d.went.all())),
        Column(_("输出人员"), lambda d: "、".join(_name(w.person, w.shown) for w in d.went.all())),
    ),
)

APPRAISAL_ENTRIES = Export(
    name="appraisal_results", title=_("评优结果"), perm=LedgerPerm.EXPORT,
    queryset=_appraisal_entries,
    filters=filters.APPRAISAL_ENTRIES,
    order=("appraisal__region_code", "appraisal_id", "subject", "rank", "id"),
    columns=(
        Column(_("评优期"), lambda e: e.appraisal.period),
        Column(_("区划代码"), lambda e: e.appraisal.region_code),
        choice_column(_("对象"), "subject"),
        Column(_("排名"), lambda e: e.rank),
        Column(_("劳务合作社"), lambda e: e.cooperative.name),
        Column(_("劳务队长"), lambda e: _name(e.person, e.shown) if e.person_id else ""),
        Column(_("输出人数"), lambda e: e.people),
        Column(_("输出人月"), lambda e: e.person_months),
        Column(_("组织输出批次"), lambda e: e.dispatches),
        Column(_("评为先进"), lambda e: e.awarded),
        Column(_("奖励金额（元）"), lambda e: e.award),
    ),
)

EXPORTS = (SITES, SITE_MEMBERS, COOPERATIVES, DISPATCHES, APPRAISAL_ENTRIES)
