"""Pages of demonstration sites, labour cooperatives, dispatches and appraisals: thin views over the
selectors (reads) and the actions (writes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core.history import history_entries
from bangfu.core.pages import (
    attempt,
    paginate,
    posted_version,
    query_values,
    requires,
    save_form,
    write_guard,
)
from bangfu.core.permissions import Forbidden, can, has_perm, reach_of
from bangfu.core.writes import StaleEdit
from bangfu.employers import choices as c
from bangfu.employers.groups import actions, filters, forms, rules, selectors
from bangfu.employers.models import CoopMember, DispatchPerson, Programme, TeamLeader
from bangfu.employers.organisations import picker
from bangfu.employers.permissions import Perm
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.regions.picker import region_options, village_labels
from bangfu.registry import selectors as ledger
from bangfu.registry.permissions import Perm as LedgerPerm

MANAGE = Perm.MANAGE_GROUPS
VIEW = Perm.VIEW_EMPLOYERS
MAX_PLACES = 3000


def _places(user) -> list[tuple[str, str]]:
    """Townships and villages under the user's region, for the place selects."""
    prefix = reach_of(user).region_prefix
    if prefix is None:
        return []
    regions = Region.objects.filter(codes.within(prefix, "code"), level__gte=codes.TOWNSHIP).order_by("code")
    return [(r.code, ("\u3000" if r.level > codes.TOWNSHIP else "") + r.name) for r in regions[:MAX_PLACES]]


def _label(rows, attr: str = "region_code") -> None:
    labels = village_labels(getattr(row, attr) for row in rows)
    for row in rows:
        row.place = labels[getattr(row, attr)]


def _pick_employer(form, request, record=None) -> None:
    """The employer picker on a form (a search among the employers the user sees)."""
    picker.attach(form, request.user, getattr(record, "employer", None), options_url=reverse("employer_options"))


# --- sites ---------------------------------------------------------------------------------------

@requires(VIEW)
def site_list(request):
    sites = filters.SITES.apply(selectors.sites_for_user(request.user), request.GET)
    page = paginate(request, sites.select_related("employer").prefetch_related("programmes"), filters.SITE_SORTS)
    _label(page)
    return render(request, "employers/groups/site_list.html", {
        "page": page, "params": query_values(request.GET), "region_options": region_options(request.user),
        "kinds": c.SiteKind.choices, "levels": c.Level.choices,
        "programmes": [(p.name, p.name) for p in Programme.objects.order_by("name")]})


@requires(VIEW)
def site_detail(request, pk):
    site = selectors.get_site_for_user(request.user, pk)
    _label([site])
    members = list(selectors.site_members_for_user(request.user).filter(site=site).select_related("person")
                   .order_by("end_date", "relation", "start_date", "id"))
    selectors.label_people(request.user, members)
    return render(request, "employers/groups/site_detail.html", {
        "site": site, "members": members, "programmes": site.programmes.all(),
        "can_manage": can(request.user, MANAGE, site.region_code), "end_form": forms.EndForm(),
        "today": timezone.localdate()})


def _site_form(request, site=None):
    initial = {}
    if site is not None:
        initial = {f: getattr(site, f) for f in ("name", "kind", "level", "region_code", "address", "named_by",
                                                 "note")}
        initial.update(employer=site.employer_id or "", named_on=site.named_on.isoformat() if site.named_on else "",
                       programmes=[str(p.pk) for p in site.programmes.all()])
    form = forms.SiteForm(request.POST or None, initial=initial, places=_places(request.user))
    _pick_employer(form, request, site)
    if request.method == "POST" and form.is_valid():
        user = request.user
        done = save_form(request, form, site, form.data_for_rules(),
                         lambda data, key: actions.do_create_site(user, data, key=key, request=request),
                         lambda data, version: actions.do_update_site(user, site, data, version=version,
                                                                      request=request),
                         lambda saved: redirect("site_detail", pk=saved.pk))
        if done is not None:
            return done
    return render(request, "employers/groups/site_form.html",
                  {"form": form, "site": site, **write_guard(request, site)})


@requires(MANAGE)
def site_create(request):
    return _site_form(request)


@requires(MANAGE)
def site_edit(request, pk):
    return _site_form(request, selectors.get_site_for_user(request.user, pk, MANAGE))


def _candidates(request):
    """People of the ledger the user sees matching the search box (at most 20)."""
    text = (request.GET.get("q") or "").strip()[:50]
    if not text:
        return text, []
    people = ledger.search_people(ledger.people_for_user(request.user, LedgerPerm.VIEW_LEDGER), text)
    found = list(people.order_by("region_code", "id")[:20])
    _label(found)
    return text, found


@requires(MANAGE)
def site_member_add(request, pk):
    site = selectors.get_site_for_user(request.user, pk, MANAGE)
    form = forms.SiteMemberForm(request.POST or None, initial={"start_date": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid():
        person = request.POST.get("person", "")
        if attempt(form, lambda: actions.do_add_site_member(
                request.user, site, person, form.cleaned_data, request=request)):
            messages.success(request, _("已添加"))
            return redirect("site_detail", pk=site.pk)
    text, found = _candidates(request)
    return render(request, "employers/groups/member_add.html", {
        "form": form, "parent": site, "parent_url": site.get_absolute_url(), "q": text, "candidates": found,
        "chosen": request.POST.get("person", ""), "title": _("添加示范基地人员")})


@require_POST
@requires(MANAGE)
def site_member_end(request, pk):
    member = selectors.site_members_for_user(request.user, MANAGE).select_related("site", "person").filter(
        pk=pk).first()
    if member is None:
        raise Forbidden
    try:
        actions.do_end_site_member(request.user, member, {"end_date": request.POST.get("end")}, request=request)
        messages.success(request, _("已登记结束"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("site_detail", pk=member.site_id)


@requires(VIEW)
def programme_list(request):
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: actions.do_save_programme(
            request.user, form.cleaned_data, request=request)):
        messages.success(request, _("已保存"))
        return redirect("programme_list")
    programmes = Programme.objects.annotate(n=Count("sites")).order_by("name")
    return render(request, "employers/groups/programme_list.html", {"programmes": programmes, "form": form})


# --- cooperatives ---------------------------------------------------------------------------------

@requires(VIEW)
def cooperative_list(request):
    coops = filters.COOPERATIVES.apply(selectors.cooperatives_for_user(request.user), request.GET)
    coops = coops.select_related("employer").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True))
    page = paginate(request, coops, filters.COOPERATIVE_SORTS)
    _label(page)
    return render(request, "employers/groups/cooperative_list.html", {
        "page": page, "params": query_values(request.GET), "region_options": region_options(request.user)})


@requires(VIEW)
def cooperative_detail(request, pk):
    coop = selectors.get_cooperative_for_user(request.user, pk)
    _label([coop])
    in_coop = selectors.coop_members_for_user(request.user).filter(cooperative=coop).select_related("person")
    # A county's cooperative has hundreds of members: the table is paged; the leader form offers
    # every current one.
    members = paginate(request, in_coop.order_by("joined_on", "id"))
    current = list(in_coop.filter(left_on__isnull=True).order_by("joined_on", "id"))
    selectors.label_people(request.user, [*members.rows, *current])
    leaders = list(selectors.leaders_for_user(request.user).filter(member__cooperative=coop)
                   .select_related("member__person").order_by("end_date", "start_date", "id"))
    for leader in leaders:
        leader.person = leader.member.person
        leader.person_id = leader.member.person_id
    selectors.label_people(request.user, leaders)
    dispatches = list(selectors.dispatches_for_user(request.user).filter(cooperative=coop)
                      .select_related("employer", "leader__member__person")
                      .annotate(people_count=Count("went"))[:50])
    # Leaders and awarded leaders are shown as the ledger shows them to this user, like the members.
    shown = {leader.person_id: leader.shown_name for leader in leaders}
    for dispatch in dispatches:
        dispatch.leader_name = shown.get(dispatch.leader.member.person_id, "") if dispatch.leader_id else ""
    entries = list(selectors.appraisal_entries_for_user(request.user).filter(cooperative=coop)
                   .select_related("appraisal", "person").order_by("-appraisal__year", "-appraisal__half", "subject",
                                                                   "rank")[:20])
    selectors.label_people(request.user, [e for e in entries if e.person_id])
    today = timezone.localdate()
    can_manage = can(request.user, MANAGE, coop.region_code)
    leader_form = forms.LeaderForm(members=[(m.pk, m.shown_name) for m in current],
                                   initial={"start_date": today.isoformat()})
    return render(request, "employers/groups/cooperative_detail.html", {
        "coop": coop, "members": members, "leaders": leaders, "dispatches": dispatches, "can_manage": can_manage,
        "leader_form": leader_form, "end_form": forms.EndForm(), "today": today,
        "appraisal_entries": entries,
    })


def _coop_form(request, coop=None):
    initial = {}
    if coop is not None:
        initial = {f: getattr(coop, f) for f in ("name", "region_code", "address", "chair", "note")}
        initial.update(employer=coop.employer_id or "",
                       founded_on=coop.founded_on.isoformat() if coop.founded_on else "")
    form = forms.CooperativeForm(request.POST or None, initial=initial, places=_places(request.user))
    _pick_employer(form, request, coop)
    if request.method == "POST" and form.is_valid():
        user = request.user
        done = save_form(request, form, coop, form.data_for_rules(),
                         lambda data, key: actions.do_create_cooperative(user, data, key=key, request=request),
                         lambda data, version: actions.do_update_cooperative(user, coop, data, version=version,
                                                                             request=request),
                         lambda saved: redirect("cooperative_detail", pk=saved.pk))
        if done is not None:
            return done
    return render(request, "employers/groups/cooperative_form.html",
                  {"form": form, "coop": coop, **write_guard(request, coop)})


@requires(MANAGE)
def cooperative_create(request):
    return _coop_form(request)


@requires(MANAGE)
def cooperative_edit(request, pk):
    return _coop_form(request, selectors.get_cooperative_for_user(request.user, pk, MANAGE))


@requires(MANAGE)
def coop_member_add(request, pk):
    coop = selectors.get_cooperative_for_user(request.user, pk, MANAGE)
    form = forms.CoopMemberForm(request.POST or None, initial={"joined_on": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: actions.do_add_coop_member(
            request.user, coop, request.POST.get("person", ""), form.cleaned_data, request=request)):
        messages.success(request, _("已添加"))
        return redirect("cooperative_detail", pk=coop.pk)
    text, found = _candidates(request)
    return render(request, "employers/groups/member_add.html", {
        "form": form, "parent": coop, "parent_url": coop.get_absolute_url(), "q": text, "candidates": found,
        "chosen": request.POST.get("person", ""), "title": _("添加合作社成员")})


def _refusal(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@require_POST
@requires(MANAGE)
def coop_member_end(request, pk):
    member = selectors.coop_members_for_user(request.user, MANAGE).select_related("cooperative", "person").filter(
        pk=pk).first()
    if member is None:
        raise Forbidden
    try:
        actions.do_end_coop_member(request.user, member, {"left_on": request.POST.get("end")}, request=request)
        messages.success(request, _("已登记退社"))
    except ValidationError as exc:
        _refusal(request, exc)
    return redirect("cooperative_detail", pk=member.cooperative_id)


@require_POST
@requires(MANAGE)
def leader_appoint(request, pk):
    coop = selectors.get_cooperative_for_user(request.user, pk, MANAGE)
    chosen = request.POST.get("member") or ""
    pk = rules.as_id(chosen)
    member = CoopMember.objects.filter(cooperative=coop, pk=pk).first() if pk is not None else None
    if member is None:
        messages.error(request, _("请选择担任劳务队长的成员"))
    else:
        try:
            actions.do_appoint_leader(request.user, member, {"start_date": request.POST.get("start_date")},
                                      request=request)
            messages.success(request, _("已登记劳务队长"))
        except ValidationError as exc:
            _refusal(request, exc)
    return redirect("cooperative_detail", pk=coop.pk)


@require_POST
@requires(MANAGE)
def leader_end(request, pk):
    leader = selectors.leaders_for_user(request.user, MANAGE).select_related("member__cooperative").filter(
        pk=pk).first()
    if leader is None:
        raise Forbidden
    try:
        actions.do_end_leader(request.user, leader, {"end_date": request.POST.get("end")}, request=request)
        messages.success(request, _("已登记卸任"))
    except ValidationError as exc:
        _refusal(request, exc)
    return redirect("cooperative_detail", pk=leader.member.cooperative_id)


def _dispatch_form(request, coop, dispatch=None):
    """The dispatch form: the members in the cooperative now and the team leaders in office (and,
    for an edit, those who went and the leader who led, even if they have left since)."""
    went = Q(went__dispatch=dispatch) if dispatch is not None else Q(pk__in=[])
    members = list(CoopMember.objects.filter(Q(left_on__isnull=True) | went, cooperative=coop).distinct()
                   .select_related("person").order_by("joined_on", "id"))
    selectors.label_people(request.user, members)
    led = Q(pk=dispatch.leader_id) if dispatch is not None and dispatch.leader_id else Q(pk__in=[])
    terms = list(TeamLeader.objects.filter(Q(end_date__isnull=True) | led, member__cooperative=coop)
                 .select_related("member__person").order_by("start_date", "id"))
    selectors.label_people(request.user, [t.member for t in terms])
    leaders = [(t.pk, t.member.shown_name) for t in terms]
    if dispatch is None:
        initial = {"start_date": timezone.localdate().isoformat(), "destination": c.Destination.PARTNER_CITY}
    else:
        values = actions.dispatch_values(dispatch)
        initial = {**{k: values[k] for k in ("destination", "city", "city_code", "employer_name", "note")},
                   "employer": dispatch.employer_id or "", "leader": dispatch.leader_id or "",
                   "start_date": dispatch.start_date.isoformat(),
                   "end_date": dispatch.end_date.isoformat() if dispatch.end_date else "",
                   "planned_months": dispatch.planned_months or "", "people": [m.pk for m in values["people"]]}
    form = forms.DispatchForm(request.POST or None, leaders=leaders, members=[(m.pk, m.shown_name) for m in members],
                              initial=initial)
    _pick_employer(form, request, dispatch)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_rules()
        data["leader"] = TeamLeader.objects.filter(pk=int(data["leader"])).select_related(
            "member__person").first() if data.get("leader") else None
        user = request.user
        done = save_form(request, form, dispatch, data,
                         lambda data, key: actions.do_record_dispatch(user, coop, data, key=key, request=request),
                         lambda data, version: actions.do_update_dispatch(user, dispatch, data, version=version,
                                                                          request=request),
                         lambda saved: redirect("dispatch_detail", pk=saved.pk))
        if done is not None:
            return done
    return render(request, "employers/groups/dispatch_form.html",
                  {"form": form, "coop": coop, "dispatch": dispatch, **write_guard(request, dispatch)})


@requires(MANAGE)
def dispatch_create(request, pk):
    return _dispatch_form(request, selectors.get_cooperative_for_user(request.user, pk, MANAGE))


@requires(MANAGE)
def dispatch_edit(request, pk):
    dispatch = selectors.get_dispatch_for_user(request.user, pk, MANAGE)
    return _dispatch_form(request, dispatch.cooperative, dispatch)


@requires(VIEW)
def dispatch_detail(request, pk):
    dispatch = selectors.get_dispatch_for_user(request.user, pk)
    went = list(selectors.dispatch_people_for_user(request.user).filter(dispatch=dispatch).select_related("person")
                .order_by("id"))
    selectors.label_people(request.user, went)
    if dispatch.leader_id:
        selectors.label_people(request.user, [dispatch.leader.member])
    return render(request, "employers/groups/dispatch_detail.html", {
        "dispatch": dispatch, "went": went, "can_manage": can(request.user, MANAGE, dispatch.region_code)})


# --- history --------------------------------------------------------------------------------------

def _history(request, record, back: str, people=None):
    return render(request, "employers/groups/history.html", {
        "object": record, "back": back, "people": people,
        # The months kept beside the dates are bookkeeping: the dates show the change.
        "entries": history_entries(record, hidden=frozenset({"first_month", "last_month"}))})


@requires(VIEW)
def site_history(request, pk):
    site = selectors.get_site_for_user(request.user, pk)
    return _history(request, site, site.get_absolute_url())


@requires(VIEW)
def cooperative_history(request, pk):
    coop = selectors.get_cooperative_for_user(request.user, pk)
    return _history(request, coop, coop.get_absolute_url())


@requires(VIEW)
def dispatch_history(request, pk):
    """The dispatch's changes, and who was added to it or taken off (names as the ledger shows them)."""
    dispatch = selectors.get_dispatch_for_user(request.user, pk)
    rows = list(DispatchPerson.history.filter(dispatch_id=dispatch.pk).select_related("history_user", "person")
                .order_by("-history_date", "-history_id")[:500])
    selectors.label_people(request.user, rows)
    kinds = {"+": _("加入"), "-": _("移出")}
    for row in rows:
        row.kind_label = kinds.get(row.history_type, row.history_type)
    return _history(request, dispatch, dispatch.get_absolute_url(), rows)


# --- appraisals --------------------------------------------------------------------------------------

@requires(VIEW)
def appraisal_list(request):
    regions = region_options(request.user)
    form = forms.AppraisalForm(request.POST or None, regions=regions,
                               initial={"year": timezone.localdate().year, "region_code": regions[0][0]
                                        if regions else ""})
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: actions.do_compute_appraisal(
            request.user, form.cleaned_data, request=request))
        if saved:
            messages.success(request, _("已统计"))
            return redirect("appraisal_detail", pk=saved.pk)
    appraisals = filters.APPRAISALS.apply(selectors.appraisals_for_user(request.user), request.GET)
    page = paginate(request, appraisals.annotate(n=Count("entries")).order_by("-year", "-half", "region_code", "id"))
    return render(request, "employers/groups/appraisal_list.html", {
        "page": page, "form": form, "can_manage": has_perm(request.user, MANAGE), "params": query_values(request.GET),
        "region_options": regions})


@requires(VIEW)
def appraisal_detail(request, pk):
    appraisal = selectors.get_appraisal_for_user(request.user, pk)
    can_manage = can(request.user, MANAGE, appraisal.region_code)
    if request.method == "POST":
        if not can_manage:
            raise Forbidden
        data = {"cooperatives": request.POST.getlist("cooperatives"), "leaders": request.POST.getlist("leaders"),
                "cooperative_award": request.POST.get("cooperative_award"),
                "leader_award": request.POST.get("leader_award")}
        try:
            actions.do_award_appraisal(request.user, appraisal, data, version=posted_version(request), request=request)
            messages.success(request, _("已评定"))
            return redirect("appraisal_detail", pk=appraisal.pk)
        except (ValidationError, StaleEdit) as exc:
            messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    entries = list(selectors.appraisal_entries_for_user(request.user).filter(appraisal=appraisal)
                   .select_related("cooperative", "person").order_by("subject", "rank", "id"))
    leaders = [e for e in entries if e.subject == c.AppraisalSubject.LEADER]
    selectors.label_people(request.user, leaders)
    cooperatives = [e for e in entries if e.subject == c.AppraisalSubject.COOPERATIVE]
    full = codes.full_code(appraisal.region_code)
    return render(request, "employers/groups/appraisal_detail.html", {
        "appraisal": appraisal, "can_manage": can_manage, "cooperatives": cooperatives, "leaders": leaders,
        # The form shows the amounts awarded so far (one amount per subject).
        "cooperative_award": max((e.award for e in cooperatives), default=0),
        "leader_award": max((e.award for e in leaders), default=0),
        "region_name": village_labels([full]).get(full, ""),
        **write_guard(request, appraisal)})

