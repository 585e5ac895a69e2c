"""Workshop pages: thin views over selectors (reads), the lifecycle and actions (writes)."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core.filters import FilterError
from bangfu.core.history import history_entries
from bangfu.core.pages import (
    attempt,
    paginate,
    posted_key,
    posted_version,
    query_values,
    requires,
    save_form,
    write_guard,
)
from bangfu.core.permissions import Forbidden, can, has_perm, organisation_of
from bangfu.employers import choices as c
from bangfu.employers.models import CriteriaSet, Criterion, Employer, Purpose
from bangfu.employers.organisations import picker
from bangfu.employers.organisations import selectors as employer_selectors
from bangfu.employers.organisations.rules import percent
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import actions, filters, lifecycle, rent, selectors
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops.forms import (
    CriteriaSetForm,
    CriterionForm,
    MoveForm,
    RentRuleForm,
    ReportForm,
    WorkshopForm,
)
from bangfu.regions.picker import region_options, village_labels


def _label_places(rows) -> None:
    labels = village_labels(row.region_code for row in rows)
    for row in rows:
        row.place = labels[row.region_code]


@requires(Perm.VIEW_EMPLOYERS)
def workshop_list(request):
    workshops = filters.WORKSHOPS.apply(selectors.workshops_for_user(request.user), request.GET)
    page = paginate(request, workshops, filters.WORKSHOP_SORTS)
    _label_places(page)
    return render(request, "employers/workshops/workshop_list.html", {
        "page": page, "params": query_values(request.GET), "region_options": region_options(request.user),
        "choices": {"status": c.WorkshopStatus.choices, "kind": c.WorkshopKind.choices,
                    "site": c.WorkshopSite.choices},
        "filters_set": sum(1 for name in filters.WORKSHOPS.filters if request.GET.get(name)),
    })


def _labelled(events) -> list:
    statuses = dict(c.WorkshopStatus.choices)
    events = list(events)
    for event in events:
        move = lifecycle.MOVES_BY_ACTION.get(event.action)
        event.action_label = move.label if move else event.action
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, event.to_status)
    return events


def _current_quarter() -> tuple:
    year, quarter = ev.quarter_of(timezone.localdate())
    return ev.quarter_end(year, quarter)


@requires(Perm.VIEW_EMPLOYERS)
def workshop_detail(request, pk):
    workshop = selectors.get_workshop_for_user(request.user, pk)
    _label_places([workshop])
    on = _current_quarter()
    purposes = ([Purpose.MONITOR, Purpose.UPGRADE] if workshop.status in lifecycle.CERTIFIED
                else [Purpose.CERTIFY])
    evaluations = [ev.evaluate_one(workshop, on, purpose) for purpose in purposes]
    start, end = ev.period_of(on, 3)
    row = ev.aggregates(selectors.workshops_for_user(request.user).filter(pk=workshop.pk), start, end).get(
        workshop.pk, {})
    who = request.GET.get("who", "")
    people = None
    if who:
        if who not in cr.MEASURES or not cr.MEASURES[who].people:
            raise Http404
        if has_perm(request.user, Perm.VIEW_EMPLOYMENT):
            evaluation = evaluations[0]
            period = evaluation.period or (start, end)
            people = ev.who_counts(workshop, who, *period)
    context = {
        "workshop": workshop,
        "events": _labelled(selectors.events_for_user(request.user).filter(workshop=workshop).order_by("at", "id")),
        "reports": selectors.reports_for_user(request.user).filter(workshop=workshop),
        "evaluations": evaluations, "quarter": ev.quarter_label(on),
        "workers": row.get("workers", 0), "tuopin": row.get("tuopin", 0),
        "rent": rent.schedule(workshop), "can_manage_policy": has_perm(request.user, Perm.MANAGE_POLICY),
        "moves": lifecycle.allowed_moves(request.user, workshop),
        "can_report": has_perm(request.user, Perm.APPLY_WORKSHOP),
        "who": who, "who_label": cr.MEASURES[who].label if who else "", "people": people,
        "can_see_people": has_perm(request.user, Perm.VIEW_EMPLOYMENT),
    }
    return render(request, "employers/workshops/workshop_detail.html", context)


@requires(Perm.VIEW_EMPLOYERS)
def workshop_history(request, pk):
    workshop = selectors.get_workshop_for_user(request.user, pk)
    return render(request, "employers/workshops/history.html", {
        "object": workshop, "back": workshop.get_absolute_url(), "entries": history_entries(workshop)})


@requires(Perm.APPLY_WORKSHOP)
def workshop_apply(request):
    own = organisation_of(request.user) if request.user.role == "employer" else None
    employers = None if own else employer_selectors.employers_for_applying(request.user)
    form = WorkshopForm(request.POST or None, employers=employers)
    if employers is not None:
        picker.attach(form, request.user, options_url=reverse("employer_options") + "?for=workshop", among=employers)
    if request.method == "POST" and form.is_valid():
        employer = (Employer.objects.get(pk=own) if own else form.cleaned_data["employer"])
        workshop = attempt(form, lambda: lifecycle.do_apply_workshop(
            request.user, employer, form.workshop_data(), comment=form.cleaned_data["comment"],
            key=posted_key(request), request=request))
        if workshop is not None:
            messages.success(request, _("已申报就业帮扶车间 %(name)s") % {"name": workshop.name})
            return redirect("workshop_detail", pk=workshop.pk)
    if own is None and employers is not None and not employers.exists():
        messages.info(request, _("您的区域内还没有可申报车间的用人单位"))
    return render(request, "employers/workshops/workshop_form.html", {
        "form": form, "own": Employer.objects.filter(pk=own).first() if own else None, **write_guard(request)})


def _run_move(request, workshop, action: str, form):
    data = form.cleaned_data
    user, version, comment = request.user, posted_version(request), data.get("comment", "")
    if action == "comment":
        return lifecycle.do_comment_workshop(user, workshop, comment, request=request)
    if action == "review":
        return lifecycle.do_review(user, workshop, comment, version=version, request=request)
    if action == "return":
        return lifecycle.do_return(user, workshop, comment, version=version, request=request)
    if action == "resubmit":
        return lifecycle.do_resubmit(user, workshop, form.workshop_data(), comment, version=version, request=request)
    if action == "reject":
        return lifecycle.do_reject(user, workshop, comment, version=version, request=request)
    if action == "certify":
        return lifecycle.do_certify(user, workshop, certificate_number=data["certificate_number"],
                                    certified_on=data["certified_on"], level=data["level"], comment=comment,
                                    version=version, request=request)
    if action.startswith("monitor_"):
        result = action.removeprefix("monitor_")
        return lifecycle.do_record_monitoring(user, workshop, result, on=data["on"], comment=comment,
                                              version=version, request=request)
    if action == "revoke":
        return lifecycle.do_revoke(user, workshop, comment, version=version, request=request)
    if action == "upgrade":
        return lifecycle.do_upgrade(user, workshop, on=data["on"], comment=comment, version=version,
                                    request=request)
    raise Http404


@requires(Perm.VIEW_EMPLOYERS)
def workshop_move(request, pk, action):
    move = lifecycle.MOVES_BY_ACTION.get(action)
    if move is None or action == "apply":
        raise Http404
    workshop = selectors.get_workshop_for_user(request.user, pk)
    allowed = {m.action for m in lifecycle.allowed_moves(request.user, workshop)}
    if action not in allowed:
        # Not offered now (another status, or not the user's to make): say so rather than show a form.
        messages.error(request, str(lifecycle.refusal(workshop, action).messages[0])
                       if has_perm(request.user, move.perm) else _("您无权进行此操作"))
        return redirect("workshop_detail", pk=workshop.pk)
    if action == "resubmit":  # the applicant corrects what was returned
        form = WorkshopForm(request.POST or None, workshop=workshop)
    else:
        form = MoveForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        event = attempt(form, lambda: _run_move(request, workshop, action, form))
        if event is not None:
            messages.success(request, _("已办理：%(move)s") % {"move": move.label})
            return redirect("workshop_detail", pk=workshop.pk)
    evaluation = None
    if action in ("certify", "upgrade") or action.startswith("monitor_"):
        purpose = {"certify": Purpose.CERTIFY, "upgrade": Purpose.UPGRADE}.get(action, Purpose.MONITOR)
        evaluation = ev.evaluate_one(workshop, _current_quarter(), purpose)
    return render(request, "employers/workshops/move_form.html", {
        "form": form, "workshop": workshop, "move": move, "evaluation": evaluation,
        "moves": lifecycle.allowed_moves(request.user, workshop), **write_guard(request, workshop)})


@requires(Perm.APPLY_WORKSHOP)
def workshop_report(request, pk):
    workshop = selectors.get_workshop_for_user(request.user, pk, Perm.APPLY_WORKSHOP)
    form = ReportForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        report = attempt(form, lambda: actions.do_record_workshop_report(
            request.user, workshop, form.cleaned_data, key=posted_key(request), request=request))
        if report is not None:
            messages.success(request, _("已报送 %(y)d 年度经营情况") % {"y": report.year})
            return redirect("workshop_detail", pk=workshop.pk)
    return render(request, "employers/workshops/report_form.html",
                  {"form": form, "workshop": workshop, **write_guard(request)})


@requires(Perm.MONITOR_WORKSHOP)
def workshop_monitoring(request):
    """监测: the certified workshops the user monitors that fall below the standard this quarter."""
    try:
        on = ev.parse_quarter(request.GET["quarter"]) if request.GET.get("quarter") else _current_quarter()
    except ValueError as exc:
        raise FilterError("quarter", str(exc)) from None
    workshops = selectors.workshops_for_user(request.user, Perm.MONITOR_WORKSHOP).filter(
        status__in=lifecycle.CERTIFIED)
    prefix = request.GET.get("region", "")
    if prefix:
        workshops = filters.WORKSHOPS.apply(workshops, {"region": prefix})
    evaluations = ev.evaluate(workshops, on, Purpose.MONITOR)
    failing = [e for e in evaluations if e.passed is False]
    unset = [e for e in evaluations if e.passed is None]
    _label_places([e.workshop for e in failing + unset])
    return render(request, "employers/workshops/monitoring.html", {
        "quarter": ev.quarter_label(on), "evaluated": len(evaluations), "failing": failing, "unset": unset,
        "params": query_values(request.GET), "region_options": region_options(request.user),
    })


# --- criteria (policy pages) ---------------------------------------------------------------------

@requires(Perm.MANAGE_POLICY)
def criteria_list(request):
    sets = CriteriaSet.objects.annotate(count=Count("criteria")).order_by("region_prefix", "purpose",
                                                                           "-effective_from")
    return render(request, "employers/workshops/criteria_list.html", {
        "sets": sets, "measures": cr.MEASURES.values(), "rent_rules": rent.rent_rules_for_user(request.user)})


@requires(Perm.MANAGE_POLICY)
def criteria_set_detail(request, pk):
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    kinds = dict(c.WorkshopKind.choices)
    criteria = list(criteria_set.criteria.all())
    for crit in criteria:
        crit.measure_label = cr.MEASURES[crit.measure].label if crit.measure in cr.MEASURES else crit.measure
        crit.kind_labels = [str(kinds.get(kind, kind)) for kind in crit.kinds]
    return render(request, "employers/workshops/criteria_set_detail.html", {"set": criteria_set, "criteria": criteria})


def _set_form(request, criteria_set=None):
    initial = {f: getattr(criteria_set, f) for f in CriteriaSetForm.base_fields} if criteria_set else {}
    form = CriteriaSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: actions.do_save_criteria_set(request.user, form.cleaned_data, criteria_set,
                                                                     request=request))
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("criteria_set_detail", pk=saved.pk)
    return render(request, "employers/workshops/policy_form.html", {
        "form": form, "title": criteria_set.name if criteria_set else _("新增认定标准"), "set": criteria_set,
        **write_guard(request)})


@requires(Perm.MANAGE_POLICY)
def criteria_set_create(request):
    return _set_form(request)


@requires(Perm.MANAGE_POLICY)
def criteria_set_edit(request, pk):
    return _set_form(request, get_object_or_404(CriteriaSet, pk=pk))


def _criterion_form(request, criteria_set, criterion=None):
    initial = {f: getattr(criterion, f) for f in CriterionForm.base_fields} if criterion else {}
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: actions.do_save_criterion(request.user, criteria_set, form.cleaned_data,
                                                                  criterion, request=request))
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("criteria_set_detail", pk=criteria_set.pk)
    return render(request, "employers/workshops/policy_form.html", {
        "form": form, "title": criterion.label if criterion else _("新增条件"), "set": criteria_set,
        **write_guard(request)})


@requires(Perm.MANAGE_POLICY)
def criterion_create(request, pk):
    return _criterion_form(request, get_object_or_404(CriteriaSet, pk=pk))


@requires(Perm.MANAGE_POLICY)
def criterion_edit(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    return _criterion_form(request, criterion.criteria_set, criterion)


@require_POST
@requires(Perm.MANAGE_POLICY)
def criterion_delete(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    actions.do_delete_criterion(request.user, criterion, request=request)
    messages.success(request, _("已删除条件 %(label)s") % {"label": criterion.label})
    return redirect("criteria_set_detail", pk=criterion.criteria_set_id)


@requires(Perm.MANAGE_POLICY)
def criteria_set_history(request, pk):
    """The set's changes and its criteria's (added, changed, deleted), newest first."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    entries = history_entries(criteria_set)
    criteria_rows = list(Criterion.history.filter(criteria_set_id=criteria_set.pk)
                         .select_related("history_user").order_by("-history_date", "-history_id")[:200])
    kinds = {"+": _("新增"), "~": _("修改"), "-": _("删除")}
    for row in criteria_rows:
        row.kind_label = kinds.get(row.history_type, row.history_type)
    return render(request, "employers/workshops/criteria_history.html", {
        "set": criteria_set, "entries": entries, "criteria_rows": criteria_rows})


# --- site rent relief rules (policy pages) -------------------------------------------------------

def _shares_label(rule) -> str:
    return "、".join(percent(share, 2) for share in rule.shares)


@requires(Perm.MANAGE_POLICY)
def rent_rule_list(request):
    """The rent relief rules of the user's region (and those above it that apply there too)."""
    rules = rent.rent_rules_for_user(request.user).order_by("region_prefix", "-effective_from", "id")
    page = paginate(request, rules)
    for rule in page:
        rule.shares_label = _shares_label(rule)
        rule.can_edit = can(request.user, Perm.MANAGE_POLICY, rule.region_prefix)
    return render(request, "employers/workshops/rent_rule_list.html", {"page": page})


def _rent_rule_form(request, rule=None):
    form = RentRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        user = request.user
        done = save_form(request, form, rule, form.data_for_rules(),
                         lambda data, key: rent.do_create_rent_rule(user, data, key=key, request=request),
                         lambda data, version: rent.do_update_rent_rule(user, rule, data, version=version,
                                                                        request=request),
                         lambda _saved: redirect("rent_rule_list"))
        if done is not None:
            return done
    return render(request, "employers/workshops/rent_rule_form.html", {
        "form": form, "rule": rule, **write_guard(request, rule)})


@requires(Perm.MANAGE_POLICY)
def rent_rule_create(request):
    return _rent_rule_form(request)


@requires(Perm.MANAGE_POLICY)
def rent_rule_edit(request, pk):
    rule = rent.get_rent_rule_for_user(request.user, pk)
    if not can(request.user, Perm.MANAGE_POLICY, rule.region_prefix):
        raise Forbidden(_("该规则由上级区划维护"))
    return _rent_rule_form(request, rule)


@requires(Perm.MANAGE_POLICY)
def rent_rule_history(request, pk):
    rule = rent.get_rent_rule_for_user(request.user, pk)
    return render(request, "employers/workshops/history.html", {
        "object": rule, "back": reverse("rent_rule_list"), "entries": history_entries(rule)})
