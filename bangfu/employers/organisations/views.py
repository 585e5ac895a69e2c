"""Employer pages: thin views over the selectors (reads), the actions (writes) and the quota."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.accounts.models import Role, User
from bangfu.core.filters import FilterError
from bangfu.core.history import history_entries
from bangfu.core.pages import (
    attempt,
    paginate,
    posted_key,
    posted_version,
    query_values,
    report_saved,
    requires,
    save_form,
    write_guard,
)
from bangfu.core.permissions import Forbidden, reaches
from bangfu.employers import choices as c
from bangfu.employers.industries import SECTIONS
from bangfu.employers.models import EmployerOperator, Industry, QuotaRule
from bangfu.employers.organisations import actions, filters, picker, quota, selectors
from bangfu.employers.organisations.forms import BindOperatorForm, EmployerForm, QuotaRuleForm
from bangfu.employers.organisations.rules import percent
from bangfu.employers.permissions import Perm
from bangfu.regions import village_picker
from bangfu.regions.picker import region_options, village_labels

YEARS_BACK = 10  # the quota's year picker: this year and the ten before


def _label_villages(rows) -> None:
    labels = village_labels(row.region_code for row in rows)
    for row in rows:
        row.village = labels.get(row.region_code, row.region_code)


def _sections() -> list[tuple[str, str]]:
    names = dict(Industry.objects.filter(level=1).values_list("code", "name"))
    return [(letter, f"{letter} {names.get(letter, '')}") for letter, _low, _high in SECTIONS]


@requires(Perm.VIEW_EMPLOYERS)
def employer_list(request):
    """The list for officers; an operator is taken straight to its own organisation."""
    if request.user.role == Role.EMPLOYER:
        own = selectors.own_employer_id(request.user)
        if own is None:
            return render(request, "employers/organisations/unbound.html",
                          {"officers": selectors.officers_to_ask(request.user)})
        return redirect("employer_detail", pk=own)
    employers = filters.EMPLOYERS.apply(selectors.employers_for_user(request.user), request.GET)
    page = paginate(request, employers.select_related("industry"), filters.EMPLOYER_SORTS)
    _label_villages(page)
    context = {
        "page": page, "params": query_values(request.GET), "region_options": region_options(request.user),
        "kinds": c.EmployerKind.choices, "sections": _sections(),
        "filters_set": sum(1 for name in filters.EMPLOYERS.filters if request.GET.get(name)),
    }
    return render(request, "employers/organisations/employer_list.html", context)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not (raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise FilterError("year", _("年度应为 2000–2100 之间的整数"))
    return int(raw)


@requires(Perm.VIEW_EMPLOYERS)
def employer_detail(request, pk):
    employer = selectors.get_employer_for_user(request.user, pk)
    _label_villages([employer])
    year = _year(request)
    this_year = timezone.localdate().year
    context = {
        "employer": employer,
        "workshops": selectors.workshops_of(employer),
        "open_employments": selectors.open_employment_count(employer),
        "operators": selectors.operators_of(employer),
        "quota": quota.explain(employer, year),
        "year": year,
        "years": range(this_year, this_year - YEARS_BACK - 1, -1),
        "can_edit": reaches(request.user, employer, Perm.EDIT_EMPLOYERS),
        "can_bind": request.user.role != Role.EMPLOYER and reaches(request.user, employer, Perm.EDIT_EMPLOYERS),
    }
    return render(request, "employers/organisations/employer_detail.html", context)


def _form_page(request, form, employer):
    return render(request, "employers/organisations/employer_form.html",
                  {"form": form, "employer": employer, **write_guard(request, employer)})


@requires(Perm.EDIT_EMPLOYERS)
def employer_create(request):
    if request.user.role == Role.EMPLOYER:
        raise Forbidden(_("单位由人社部门登记；如需登记新单位，请联系县人社局"))
    form = EmployerForm(request.POST or None)
    village_picker.attach(form, request.user, options_url=reverse("village_options"))
    if request.method == "POST" and form.is_valid():
        employer = attempt(form, lambda: actions.do_create_employer(
            request.user, form.data_for_rules(), key=posted_key(request), request=request), form.rule_fields)
        if employer is not None:
            messages.success(request, _("已登记用人单位 %(name)s") % {"name": employer.name})
            return redirect("employer_detail", pk=employer.pk)
    return _form_page(request, form, None)


@requires(Perm.EDIT_EMPLOYERS)
def employer_edit(request, pk):
    employer = selectors.get_employer_for_user(request.user, pk, Perm.EDIT_EMPLOYERS)
    own_only = request.user.role == Role.EMPLOYER
    form = EmployerForm(request.POST or None, employer=employer, own_only=own_only)
    if not own_only:
        village_picker.attach(form, request.user, employer.region_code, options_url=reverse("village_options"))
    if request.method == "POST" and form.is_valid():
        changed = attempt(form, lambda: actions.do_update_employer(
            request.user, employer, form.data_for_rules(), version=posted_version(request), request=request),
            form.rule_fields)
        if changed is not None:
            report_saved(request, changed)
            return redirect("employer_detail", pk=employer.pk)
    return _form_page(request, form, employer)


@requires(Perm.VIEW_EMPLOYERS)
def employer_history(request, pk):
    employer = selectors.get_employer_for_user(request.user, pk)
    return render(request, "employers/organisations/history.html", {
        "object": employer, "entries": history_entries(employer),
        "back": reverse("employer_detail", args=[employer.pk])})


@requires(Perm.EDIT_EMPLOYERS)
def employer_operators(request, pk):
    """The accounts bound to the organisation, and binding another one by its username."""
    employer = selectors.get_employer_for_user(request.user, pk, Perm.EDIT_EMPLOYERS)
    if request.user.role == Role.EMPLOYER:
        raise Forbidden(_("操作员账号由人社部门绑定"))
    form = BindOperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        operator = User.objects.filter(username=username, is_active=True).first()
        if operator is None:
            form.add_error("username", _("没有用户名为 %(name)s 的有效账号") % {"name": username})
        else:
            previous = EmployerOperator.objects.filter(user=operator).exclude(employer=employer) \
                .select_related("employer").first()
            if attempt(form, lambda: actions.do_bind_operator(request.user, employer, operator, request=request),
                        {"operator": "username"}):
                if previous is not None:
                    messages.warning(request, _("账号 %(name)s 原绑定的 %(old)s 已解除") % {
                        "name": operator.username, "old": previous.employer.name})
                messages.success(request, _("已绑定操作员账号 %(name)s") % {"name": operator.username})
                return redirect("employer_operators", pk=employer.pk)
    return render(request, "employers/organisations/operators.html", {
        "employer": employer, "form": form, "operators": selectors.operators_of(employer)})


@require_POST
@requires(Perm.EDIT_EMPLOYERS)
def employer_unbind(request, pk, user_id):
    employer = selectors.get_employer_for_user(request.user, pk, Perm.EDIT_EMPLOYERS)
    binding = EmployerOperator.objects.filter(employer=employer, user_id=user_id).select_related("user").first()
    if binding is None:
        raise Http404
    actions.do_unbind_operator(request.user, employer, binding.user, request=request)
    messages.success(request, _("已解除账号 %(name)s 的绑定") % {"name": binding.user.username})
    return redirect("employer_operators", pk=employer.pk)


@requires(Perm.VIEW_EMPLOYERS)
def employer_options(request):
    """The <option>s of the employer picker for what was typed into its search box (htmx)."""
    text = next((v for k, v in request.GET.items() if k == "q" or k.endswith("_q")), "")
    # A workshop's application offers the employers that may apply (active, in the applicant's reach).
    among = selectors.employers_for_applying(request.user) if request.GET.get("for") == "workshop" else None
    found = picker.matching(request.user, text, among=among)
    return render(request, "employers/organisations/_employer_options.html", {
        "q": text.strip()[:50], "employers": [(e.pk, picker.label(e)) for e in found]})


# --- the quota parameters -------------------------------------------------------------------------

@requires(Perm.MANAGE_POLICY)
def quota_rule_list(request):
    rules = selectors.quota_rules_for_user(request.user).order_by("-year", "region_prefix")
    page = paginate(request, rules)
    for rule in page:
        rule.ratio_percent = percent(rule.ratio)
        if rule.reduced_from_ratio is not None:
            rule.reduction = _("达 %(from)s 按 %(share)s，未达按 %(below)s") % {
                "from": percent(rule.reduced_from_ratio), "share": percent(rule.share_from_reduced or 1),
                "below": percent(rule.share_below_reduced or 1)}
    return render(request, "employers/organisations/quota_rule_list.html", {"page": page})


def _quota_rule_form(request, rule=None):
    form = QuotaRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        user = request.user
        done = save_form(request, form, rule, form.data_for_rules(),
                         lambda data, key: actions.do_create_quota_rule(user, data, key=key, request=request),
                         lambda data, version: actions.do_update_quota_rule(user, rule, data, version=version,
                                                                            request=request),
                         lambda _saved: redirect("quota_rule_list"))
        if done is not None:
            return done
    return render(request, "employers/organisations/quota_rule_form.html",
                  {"form": form, "rule": rule, **write_guard(request, rule)})


@requires(Perm.MANAGE_POLICY)
def quota_rule_create(request):
    return _quota_rule_form(request)


def _rule(request, pk) -> QuotaRule:
    try:
        return selectors.quota_rules_for_user(request.user).get(pk=pk)
    except QuotaRule.DoesNotExist:
        raise Http404 from None


@requires(Perm.MANAGE_POLICY)
def quota_rule_edit(request, pk):
    return _quota_rule_form(request, _rule(request, pk))


@requires(Perm.MANAGE_POLICY)
def quota_rule_history(request, pk):
    rule = _rule(request, pk)
    return render(request, "employers/organisations/history.html", {
        "object": rule, "entries": history_entries(rule), "back": reverse("quota_rule_list")})


