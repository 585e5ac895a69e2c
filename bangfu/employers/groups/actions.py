"""Every write to demonstration sites and labour cooperatives (pages, API, CLI, tests): rules first,
then the gate, history in the actor's name and the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import writes
from bangfu.core.history import changes_since, save_with_links
from bangfu.core.permissions import Forbidden, check, reaches, require, scope
from bangfu.employers import choices as c
from bangfu.employers.groups import rules, stats
from bangfu.employers.models import (
    Appraisal,
    AppraisalEntry,
    Cooperative,
    CoopMember,
    Dispatch,
    DispatchPerson,
    Employer,
    Programme,
    Site,
    SiteMember,
    TeamLeader,
)
from bangfu.employers.permissions import Perm
from bangfu.registry.models import Person
from bangfu.registry.permissions import Perm as LedgerPerm


def _save(user, record, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def _person(user, person) -> Person:
    """A person of the ledger the user sees (by record or id), locked for the rest of the write so
    that two writes about one person's dates are checked one after the other."""
    pk = person.pk if isinstance(person, Person) else rules.as_id(person)
    found = None
    if pk is not None:
        found = Person.objects.select_for_update().filter(pk=pk).first()
    if found is None or not reaches(user, found, LedgerPerm.VIEW_LEDGER):
        raise ValidationError({"person": [_("人员不存在或不在您可查看的台账范围内")]})
    return found


def _employer(user, value) -> Employer | None:
    """An employer the user sees (by record or id), or None for none."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Employer) else rules.as_id(value)
    found = None
    if pk is not None:
        found = scope(user, Employer.objects.filter(pk=pk), Perm.VIEW_EMPLOYERS).first()
    if found is None:
        raise ValidationError({"employer": [_("用人单位不存在或不在您的查看范围内")]})
    return found


def _with_employer(user, data: dict) -> dict:
    if "employer" in data:
        data = {**data, "employer": _employer(user, data["employer"])}
    return data


# --- programmes ---------------------------------------------------------------------------------

@transaction.atomic
def do_save_programme(user, data: dict, programme: Programme | None = None, *, request=None) -> Programme:
    """Add a programme tag or rename one (a county office's list: any officer who manages groups)."""
    require(user, Perm.MANAGE_GROUPS)
    errors, fail = rules.collector()
    values: dict = {}
    rules._text(data, values, fail, "name", 50, required_label=_("项目名称"))
    rules._text(data, values, fail, "description", 200)
    if values.get("name") and Programme.objects.filter(name=values["name"]).exclude(
            pk=getattr(programme, "pk", None)).exists():
        fail("name", _("项目“%(v)s”已存在") % {"v": values["name"]})
    if errors:
        raise ValidationError(errors)
    programme = programme or Programme()
    created = programme.pk is None
    for key, value in values.items():
        setattr(programme, key, value)
    _save(user, programme, _("新增") if created else _("修改"))
    log.record(user, Action.CREATE if created else Action.UPDATE, programme, request=request)
    return programme


# --- sites --------------------------------------------------------------------------------------

def _apply_site(user, site: Site, values: dict, reason: str) -> None:
    programmes = values.pop("programmes", None)
    for key, value in values.items():
        setattr(site, key, value)
    site._history_user = user
    site._change_reason = reason
    save_with_links(site, None if programmes is None else lambda: site.programmes.set(programmes))


@transaction.atomic
def do_create_site(user, data: dict, *, key: str | None = None, request=None) -> Site:
    def create() -> Site:
        values = rules.clean_site(_with_employer(user, data))
        check(user, Perm.MANAGE_GROUPS, values["region_code"])
        site = Site()
        _apply_site(user, site, values, _("新增"))
        log.record(user, Action.CREATE, site, request=request, region_code=site.region_code)
        return site

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_site(user, site: Site, data: dict, *, version: int | None = None, request=None) -> list[str]:
    if not reaches(user, site, Perm.MANAGE_GROUPS):
        raise Forbidden(_("您无权修改该示范基地"))
    current = writes.lock(Site, site.pk)
    writes.check_version(current, version, changes_since)
    values = rules.clean_site(_with_employer(user, data), current)
    changed = [k for k, v in values.items()
               if (set(current.programmes.all()) != set(v) if k == "programmes" else getattr(current, k) != v)]
    if not changed:
        return []
    if "region_code" in changed:
        check(user, Perm.MANAGE_GROUPS, values["region_code"])
    current.version += 1
    _apply_site(user, current, {k: values[k] for k in changed}, _("修改"))
    for field in Site._meta.concrete_fields:
        setattr(site, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, site, request=request, region_code=site.region_code, detail={"fields": changed})
    return changed


@transaction.atomic
def do_add_site_member(user, site: Site, person, data: dict, *, request=None) -> SiteMember:
    """A person of the ledger employed, trained or in the management at a site."""
    check(user, Perm.MANAGE_GROUPS, site.region_code)
    person = _person(user, person)
    values = rules.clean_site_member(site, person, data)
    member = SiteMember(site=site, person=person, **values)
    _save(user, member, _("新增"))
    log.record(user, Action.CREATE, member, request=request, region_code=site.region_code,
               detail={"site": site.pk, "relation": member.relation})
    return member


@transaction.atomic
def do_end_site_member(user, member: SiteMember, data: dict, *, request=None) -> SiteMember:
    check(user, Perm.MANAGE_GROUPS, member.site.region_code)
    member = SiteMember.objects.select_for_update().select_related("site", "person").get(pk=member.pk)
    member.end_date = rules.clean_end(member, data, "start_date", "end_date", _("结束日期"))
    _save(user, member, _("结束"))
    log.record(user, Action.UPDATE, member, request=request, region_code=member.site.region_code,
               detail={"end_date": member.end_date.isoformat()})
    return member


# --- cooperatives -------------------------------------------------------------------------------

@transaction.atomic
def do_create_cooperative(user, data: dict, *, key: str | None = None, request=None) -> Cooperative:
    def create() -> Cooperative:
        values = rules.clean_cooperative(_with_employer(user, data))
        check(user, Perm.MANAGE_GROUPS, values["region_code"])
        cooperative = Cooperative(**values)
        _save(user, cooperative, _("新增"))
        log.record(user, Action.CREATE, cooperative, request=request, region_code=cooperative.region_code)
        return cooperative

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_cooperative(user, cooperative: Cooperative, data: dict, *, version: int | None = None,
                          request=None) -> list[str]:
    if not reaches(user, cooperative, Perm.MANAGE_GROUPS):
        raise Forbidden(_("您无权修改该劳务合作社"))
    current = writes.lock(Cooperative, cooperative.pk)
    writes.check_version(current, version, changes_since)
    values = rules.clean_cooperative(_with_employer(user, data), current)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    if "region_code" in changed:
        check(user, Perm.MANAGE_GROUPS, values["region_code"])
        # The dispatches keep their cooperative's region (figures by region without a join).
        Dispatch.objects.filter(cooperative=current).update(region_code=values["region_code"])
    for k in changed:
        setattr(current, k, values[k])
    current.version += 1
    _save(user, current, _("修改"))
    for field in Cooperative._meta.concrete_fields:
        setattr(cooperative, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, cooperative, request=request, region_code=cooperative.region_code,
               detail={"fields": changed})
    return changed


@transaction.atomic
def do_add_coop_member(user, cooperative: Cooperative, person, data: dict, *, request=None) -> CoopMember:
    check(user, Perm.MANAGE_GROUPS, cooperative.region_code)
    person = _person(user, person)
    values = rules.clean_coop_member(cooperative, person, data)
    member = CoopMember(cooperative=cooperative, person=person, **values)
    _save(user, member, _("入社"))
    log.record(user, Action.CREATE, member, request=request, region_code=cooperative.region_code,
               detail={"cooperative": cooperative.pk})
    return member


@transaction.atomic
def do_end_coop_member(user, member: CoopMember, data: dict, *, request=None) -> CoopMember:
    check(user, Perm.MANAGE_GROUPS, member.cooperative.region_code)
    Person.objects.select_for_update().filter(pk=member.person_id).first()
    member = CoopMember.objects.select_for_update().select_related("cooperative", "person").get(pk=member.pk)
    member.left_on = rules.clean_leaving(member, data)
    _save(user, member, _("退社"))
    log.record(user, Action.UPDATE, member, request=request, region_code=member.cooperative.region_code,
               detail={"left_on": member.left_on.isoformat()})
    return member


@transaction.atomic
def do_appoint_leader(user, member: CoopMember, data: dict, *, request=None) -> TeamLeader:
    """A member becomes a labour team leader (劳务队长)."""
    check(user, Perm.MANAGE_GROUPS, member.cooperative.region_code)
    member = CoopMember.objects.select_for_update().select_related("cooperative", "person").get(pk=member.pk)
    leader = TeamLeader(member=member, **rules.clean_leader(member, data))
    _save(user, leader, _("任命"))
    log.record(user, Action.CREATE, leader, request=request, region_code=member.cooperative.region_code,
               detail={"cooperative": member.cooperative_id})
    return leader


@transaction.atomic
def do_end_leader(user, leader: TeamLeader, data: dict, *, request=None) -> TeamLeader:
    check(user, Perm.MANAGE_GROUPS, leader.member.cooperative.region_code)
    leader = TeamLeader.objects.select_for_update().select_related("member__cooperative", "member__person").get(
        pk=leader.pk)
    leader.end_date = rules.clean_end(leader, data, "start_date", "end_date", _("卸任日期"))
    _save(user, leader, _("卸任"))
    log.record(user, Action.UPDATE, leader, request=request, region_code=leader.member.cooperative.region_code,
               detail={"end_date": leader.end_date.isoformat()})
    return leader


@transaction.atomic
def do_record_dispatch(user, cooperative: Cooperative, data: dict, *, key: str | None = None,
                       request=None) -> Dispatch:
    """An organised dispatch of members; each person's other dispatches are checked under a lock of
    the person, so two dispatches written at once cannot both take them."""
    def create() -> Dispatch:
        check(user, Perm.MANAGE_GROUPS, cooperative.region_code)
        given = _with_employer(user, data)
        _lock_people([m.pk if isinstance(m, CoopMember) else m for m in given.get("people") or []])
        values, members = rules.clean_dispatch(cooperative, given)
        dispatch = Dispatch(cooperative=cooperative, region_code=cooperative.region_code, **values)
        _save(user, dispatch, _("新增"))
        _add_people(user, dispatch, members, _("新增"))
        log.record(user, Action.CREATE, dispatch, request=request, region_code=cooperative.region_code,
                   detail={"cooperative": cooperative.pk, "people": len(members)})
        return dispatch

    return writes.once(user, key, create)[0]


def _add_people(user, dispatch: Dispatch, members, reason: str) -> None:
    """The members who went, in one INSERT, with their history rows (in one more)."""
    rows = DispatchPerson.objects.bulk_create(
        DispatchPerson(dispatch=dispatch, member=m, person_id=m.person_id) for m in members)
    if rows:
        DispatchPerson.history.bulk_history_create(rows, default_user=user, default_change_reason=reason)


def _lock_people(member_ids) -> None:
    """Lock the people of these memberships: the overlap check of their dispatches then runs one
    write after the other (as for a new dispatch)."""
    ids = [pk for pk in map(rules.as_id, member_ids) if pk is not None]
    people = CoopMember.objects.filter(pk__in=ids).values_list("person_id", flat=True)
    list(Person.objects.select_for_update().filter(pk__in=list(people)).values_list("pk"))


def dispatch_values(dispatch: Dispatch) -> dict:
    """A dispatch as the rules take it: an edit sends only what changes, the rest is kept."""
    return {"destination": dispatch.destination, "city": dispatch.city, "city_code": dispatch.city_code,
            "employer": dispatch.employer, "employer_name": dispatch.employer_name,
            "start_date": dispatch.start_date, "end_date": dispatch.end_date,
            "planned_months": dispatch.planned_months, "note": dispatch.note,
            "leader": (TeamLeader.objects.select_related("member__person").get(pk=dispatch.leader_id)
                       if dispatch.leader_id else None),
            "people": list(CoopMember.objects.filter(went__dispatch=dispatch).select_related("person")
                           .order_by("went__id"))}


@transaction.atomic
def do_update_dispatch(user, dispatch: Dispatch, data: dict, *, version: int | None = None,
                       request=None) -> list[str]:
    """Change a dispatch (the fields given; `people` replaces who went): the rules of a new one, its
    own dates not counted as an overlap. Returns the names of what changed; each member added or
    taken off gets a history row."""
    if not reaches(user, dispatch, Perm.MANAGE_GROUPS):
        raise Forbidden(_("您无权修改该组织输出"))
    current = writes.lock(Dispatch, dispatch.pk)
    writes.check_version(current, version, changes_since)
    cooperative = current.cooperative
    check(user, Perm.MANAGE_GROUPS, cooperative.region_code)
    given = {**dispatch_values(current), **_with_employer(user, data)}
    before = set(current.went.values_list("member_id", flat=True))
    people = [m.pk if isinstance(m, CoopMember) else m for m in given["people"] or []]
    _lock_people([*before, *people])
    values, members = rules.clean_dispatch(cooperative, given, current)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    after = {m.pk for m in members}
    if after != before:
        changed.append("people")
    if not changed:
        return []
    for key in changed:
        if key != "people":
            setattr(current, key, values[key])
    current.version += 1
    _save(user, current, _("修改"))
    removed = list(current.went.filter(member_id__in=before - after))
    for row in removed:  # one history row each, as their deletion says who took them off
        row._history_user = user
        row._change_reason = _("修改")
        row.delete()
    _add_people(user, current, [m for m in members if m.pk not in before], _("修改"))
    for field in Dispatch._meta.concrete_fields:
        setattr(dispatch, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, current, request=request, region_code=current.region_code,
               detail={"fields": changed, "added": len(after - before), "removed": len(removed)})
    return changed


# --- appraisals ---------------------------------------------------------------------------------

@transaction.atomic
def do_compute_appraisal(user, data: dict, *, request=None) -> Appraisal:
    """The half year's figures of every cooperative and team leader of a region, computed from the
    dispatches in two grouped queries and kept (computing again replaces them while nothing is awarded)."""
    values = rules.clean_appraisal(data)
    note = values.pop("note")
    check(user, Perm.MANAGE_GROUPS, values["region_code"])
    appraisal = Appraisal.objects.select_for_update().filter(**values).first()
    if appraisal is not None and appraisal.awarded_at is not None:
        raise ValidationError({"half": [_("%(period)s的评优已评定，不能重新统计") % {"period": appraisal.period}]})
    if appraisal is None:
        appraisal = Appraisal(**values)
    else:
        appraisal.version += 1
        appraisal.entries.all().delete()
    appraisal.computed_by = user
    appraisal.note = note
    appraisal.computed_at = timezone.now()
    _save(user, appraisal, _("统计"))
    entries = []
    for subject, rows in ((c.AppraisalSubject.COOPERATIVE, stats.cooperative_results(appraisal)),
                          (c.AppraisalSubject.LEADER, stats.leader_results(appraisal))):
        entries += [AppraisalEntry(appraisal=appraisal, subject=subject, rank=rank, **row)
                    for rank, row in enumerate(rows, start=1)]
    AppraisalEntry.objects.bulk_create(entries)
    log.record(user, Action.CREATE, appraisal, request=request, region_code=appraisal.region_code,
               detail={"computed": len(entries)})
    return appraisal


@transaction.atomic
def do_award_appraisal(user, appraisal: Appraisal, data: dict, *, version: int | None = None,
                       request=None) -> Appraisal:
    """Mark the cooperatives and leaders chosen (entry ids in `cooperatives` and `leaders`) as the
    best of the half year with the award amounts given; the others are unmarked."""
    check(user, Perm.MANAGE_GROUPS, appraisal.region_code)
    current = writes.lock(Appraisal, appraisal.pk)
    writes.check_version(current, version, changes_since)
    coop_award, leader_award = rules.clean_award(data)
    errors, fail = rules.collector()
    chosen = {}
    for subject, field in ((c.AppraisalSubject.COOPERATIVE, "cooperatives"), (c.AppraisalSubject.LEADER, "leaders")):
        ids = {pk for pk in map(rules.as_id, data.get(field) or []) if pk is not None}
        found = set(current.entries.filter(subject=subject, pk__in=ids).values_list("pk", flat=True))
        if len(ids) != len(data.get(field) or []) or found != ids:
            fail(field, _("所选的评优对象不在%(period)s的统计结果中") % {"period": current.period})
        chosen[subject] = found
    if errors:
        raise ValidationError(errors)
    entries = current.entries.all()
    entries.update(awarded=False, award=0)
    entries.filter(subject=c.AppraisalSubject.COOPERATIVE, pk__in=chosen["cooperative"]).update(
        awarded=True, award=coop_award)
    entries.filter(subject=c.AppraisalSubject.LEADER, pk__in=chosen["leader"]).update(awarded=True, award=leader_award)
    current.awarded_at = timezone.now()
    current.version += 1
    _save(user, current, _("评定"))
    appraisal.version, appraisal.awarded_at = current.version, current.awarded_at
    log.record(user, Action.UPDATE, current, request=request, region_code=current.region_code,
               detail={"cooperatives": len(chosen["cooperative"]), "leaders": len(chosen["leader"]),
                       "cooperative_award": coop_award, "leader_award": leader_award})
    return current
