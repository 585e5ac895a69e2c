"""Employment pages: the list, one employment (its months, yearly figures, history), the start and
end forms, a month's roster (form and result) and the list of submissions. Thin over the selectors
(reads) and actions (writes)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.history import history_entries
from bangfu.core.pages import (
    attempt,
    paginate,
    posted_key,
    posted_version,
    query_values,
    requires,
    write_guard,
)
from bangfu.core.permissions import Forbidden, has_perm, scope
from bangfu.employers.employment import actions, filters, rules, selectors, services
from bangfu.employers.employment.forms import EndForm, StartForm
from bangfu.employers.models import Employer, MonthlyRecord, Workshop
from bangfu.employers.permissions import Perm
from bangfu.registry.models import month_label


def _employers(user, perm=Perm.SUBMIT_ROSTER):
    return scope(user, Employer.objects.all(), perm).order_by("name", "id")


@requires(Perm.VIEW_EMPLOYMENT)
def employment_list(request):
    employments = filters.EMPLOYMENTS.apply(selectors.employments_for_user(request.user), request.GET)
    page = paginate(request, employments, filters.SORTS)
    employers = list(_employers(request.user, Perm.VIEW_EMPLOYMENT)[:200])
    workshops = Workshop.objects.filter(employer__in=employers).select_related("employer").order_by("name")[:200]
    return render(request, "employers/employment/employment_list.html", {
        "page": page, "params": query_values(request.GET), "employers": employers, "workshops": workshops,
        "may_submit": has_perm(request.user, Perm.SUBMIT_ROSTER)})


@requires(Perm.VIEW_EMPLOYMENT)
def employment_detail(request, pk):
    employment = selectors.get_employment_for_user(request.user, pk)
    mine = selectors.employments_for_user(request.user).filter(person=employment.person)
    return render(request, "employers/employment/employment_detail.html", {
        "employment": employment, "months": list(MonthlyRecord.objects.filter(employment=employment)
                                                 .order_by("-month")[:120]),
        "years": services.employment_years(employment),
        "person_years": services.person_years(employment.person, mine),
        "others": mine.exclude(pk=employment.pk),
        "history": history_entries(employment, limit=50),
        "may_submit": has_perm(request.user, Perm.SUBMIT_ROSTER)})


@requires(Perm.SUBMIT_ROSTER)
def employment_start(request):
    employers = list(_employers(request.user)[:200])
    workshops = list(Workshop.objects.filter(employer__in=employers).select_related("employer")[:200])
    initial = {"start_date": timezone.localdate(), "employer": request.GET.get("employer") or
               (employers[0].pk if len(employers) == 1 else None)}
    form = StartForm(request.POST or None, employers=employers, workshops=workshops, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer = next(e for e in employers if e.pk == form.cleaned_data["employer"])
        employment = attempt(form, lambda: actions.do_start_employment(
            request.user, employer, form.data_for_action(), key=posted_key(request), request=request))
        if employment is not None:
            messages.success(request, _("已登记 %(name)s 的用工记录") % {"name": employment.person.name})
            for warning in getattr(employment, "warnings", ()):
                messages.warning(request, warning)
            return redirect("employment_detail", pk=employment.pk)
    return render(request, "employers/employment/employment_form.html", {"form": form, **write_guard(request)})


@requires(Perm.SUBMIT_ROSTER)
def employment_end(request, pk):
    employment = selectors.get_employment_for_user(request.user, pk, Perm.SUBMIT_ROSTER)
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        ended = attempt(form, lambda: actions.do_end_employment(
            request.user, employment, form.cleaned_data["end_date"], version=posted_version(request),
            request=request))
        if ended is not None:
            messages.success(request, _("用工记录已结束"))
            return redirect("employment_detail", pk=employment.pk)
    return render(request, "employers/employment/employment_end.html", {
        "form": form, "employment": employment, **write_guard(request, employment)})


# --- rosters -------------------------------------------------------------------------------------

def _last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _posted_rows(post) -> list[dict]:
    """The roster form's rows: row_<i>_<field> inputs (blank rows left out)."""
    rows = []
    for index in range(int(post.get("rows") or 0) if str(post.get("rows") or "").isdigit() else 0):
        get = lambda name, i=index: post.get(f"row_{i}_{name}", "").strip()  # noqa: E731
        if not any(get(name) for name in ("id_number", "name", "days_worked", "pay")):
            continue
        row = {"row": index + 1, **{name: get(name) for name in ("id_number", "name", "days_worked", "pay", "insurance",
                                                                  "start_date")}}
        if get("employment"):
            row["employment"] = get("employment")
        rows.append(row)
    return rows[:2000]


@requires(Perm.SUBMIT_ROSTER)
def roster(request):
    """A month's roster of one employer (or workshop): its open employments as rows, with the
    month's records filled in where there are some; more rows added by ID number and name."""
    employers = list(_employers(request.user)[:200])
    if not employers:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    employer_id = str(params.get("employer") or employers[0].pk)
    employer = next((e for e in employers if str(e.pk) == employer_id), None)
    if employer is None:
        raise Http404
    workshops = list(employer.workshops.order_by("name"))
    workshop = next((w for w in workshops if str(w.pk) == str(params.get("workshop") or "")), None)
    month = rules.month_of(params.get("month")) or _last_month()
    error = ""
    if request.method == "POST":
        try:
            result = actions.do_submit_roster(request.user, employer, workshop, month, _posted_rows(request.POST),
                                              key=posted_key(request), request=request)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except Forbidden as exc:
            error = str(exc)
        else:
            return redirect("roster_submission", pk=result.submission.pk)
    employments = employer.employments.filter(end_date__isnull=True).select_related("person")
    if workshop is not None:
        employments = employments.filter(workshop=workshop)
    records = {m.employment_id: m for m in MonthlyRecord.objects.filter(employment__employer=employer, month=month)}
    rows = []
    for employment in employments.order_by("person__name", "id")[:1000]:
        record = records.get(employment.pk)
        rows.append({"employment": employment, "record": record})
    return render(request, "employers/employment/roster.html", {
        "employers": employers, "employer": employer, "workshops": workshops, "workshop": workshop,
        "month": month, "month_value": f"{month:%Y-%m}", "month_label": month_label(month), "rows": rows,
        "days": rules.days_in(month), "blank_rows": range(len(rows), len(rows) + 5), "error": error,
        **write_guard(request)})


@requires(Perm.VIEW_EMPLOYMENT)
def roster_submissions(request):
    page = paginate(request, selectors.submissions_for_user(request.user))
    return render(request, "employers/employment/roster_submissions.html", {"page": page})


@requires(Perm.VIEW_EMPLOYMENT)
def roster_submission(request, pk):
    submission = selectors.get_submission_for_user(request.user, pk)
    return render(request, "employers/employment/roster_submission.html", {
        "submission": submission, "month_label": month_label(submission.month)})


