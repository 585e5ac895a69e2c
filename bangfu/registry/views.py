"""Ledger pages: thin views over selectors (reads) and actions (writes)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core.errors import announce_duplicate
from bangfu.core.pages import (
    paginate,
    posted_key,
    posted_version,
    query_values,
    report_saved,
    requires,
    write_guard,
)
from bangfu.core.permissions import Forbidden, can
from bangfu.core.writes import StaleEdit
from bangfu.regions import village_picker
from bangfu.regions.picker import region_options, village_labels
from bangfu.registry import actions, filters, selectors, spells
from bangfu.registry import choices as c
from bangfu.registry.forms import EndSpellForm, FollowUpForm, HouseholdForm, PersonForm, SpellForm, SurveyForm
from bangfu.registry.history import history_entries
from bangfu.registry.models import FollowUp
from bangfu.registry.permissions import Perm
from bangfu.registry.validation import DuplicatePerson


def _filter_context(request):
    return {
        "region_options": region_options(request.user),
        "choices": {
            "employment": [("employed", _("已就业（全部）")), *c.EmploymentStatus.choices],
            "poverty": c.PovertyStatus.choices,
            "household_type": c.HouseholdType.choices,
            "disability": [("any", _("全部残疾人")), *c.DisabilityCategory.choices],
        },
        "params": query_values(request.GET),
        # The folded filters open when one is set; the search box stays outside them.
        "filters_set": sum(1 for name in {*filters.PEOPLE.filters, *filters.HOUSEHOLDS.filters}
                           if request.GET.get(name)),
    }


@requires(Perm.VIEW_LEDGER)
def person_list(request):
    people = filters.PEOPLE.apply(selectors.people_for_user(request.user), request.GET, user=request.user,
                                  request=request)
    page = paginate(request, people.select_related("household"), filters.PEOPLE_SORTS)
    _label_villages(page)
    return render(request, "registry/person_list.html", {"page": page, **_filter_context(request)})


def _label_villages(rows) -> None:
    labels = village_labels(row.region_code for row in rows)
    for row in rows:
        row.village = labels[row.region_code]


@requires(Perm.VIEW_LEDGER)
def person_detail(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    _label_villages([person])
    context = {
        "person": person,
        "skills": person.skills.all(),
        "surveys": selectors.surveys_for_user(request.user).filter(person=person).select_related("surveyor")[:20],
        "members": (selectors.members_for_user(request.user, person.household).exclude(pk=person.pk)
                    if person.household_id else []),
        "spells": spells.spells_of_person(request.user, person),
        "can_edit": can(request.user, Perm.EDIT_LEDGER, person.region_code),
        "can_survey": can(request.user, Perm.RECORD_SURVEY, person.region_code),
        "can_reveal": can(request.user, Perm.REVEAL_IDENTIFIER, person.region_code),
    }
    return render(request, "registry/person_detail.html", context)


@require_POST
@requires(Perm.REVEAL_IDENTIFIER)
def person_reveal(request, pk, field):
    person = selectors.get_person_for_user(request.user, pk, Perm.REVEAL_IDENTIFIER)
    if field not in actions.IDENTIFIER_FIELDS:
        raise Forbidden
    value = actions.do_reveal_identifier(request.user, person, field, request=request)
    return render(request, "registry/_revealed.html", {"value": value})


def _attempt(request, form, write):
    """Run an action for a valid form; a rule's refusal, the gate's or a stale version becomes
    the form's errors (nothing was saved)."""
    try:
        return write()
    except DuplicatePerson as exc:
        announce_duplicate(exc, request.user, request)
        form.duplicate_of = exc.existing if exc.visible else None
        form.add_error(None, exc)
    except ValidationError as exc:
        form.add_error(None, exc)
    except (Forbidden, StaleEdit) as exc:
        form.add_error(None, str(exc))
    return None


def _save_person(request, form, person=None):
    """The new person, or the names of the fields changed (None when refused)."""
    data, skills = form.ledger_data()
    if person is None:
        return _attempt(request, form, lambda: actions.do_create_person(
            request.user, data, skills=skills, key=posted_key(request), request=request))
    return _attempt(request, form, lambda: actions.do_update_person(
        request.user, person, data, skills=skills, version=posted_version(request), request=request))


def _picker(request, form, current: str = "") -> None:
    village_picker.attach(form, request.user, current, options_url=reverse("village_options"))


def _person_form_page(request, form, person):
    return render(request, "registry/person_form.html", {
        "form": form, "person": person, "household": person.household if person else None,
        "open_spell": getattr(form, "open_spell", None), **write_guard(request, person)})


@requires(Perm.EDIT_LEDGER)
def person_create(request):
    households = selectors.households_for_user(request.user, Perm.EDIT_LEDGER)
    initial = {"relationship": c.Relationship.HEAD, "labour_ability": c.LabourAbility.FULL,
               "poverty_status": c.PovertyStatus.NONE, "employment_status": c.EmploymentStatus.SEEKING}
    if request.GET.get("household"):
        initial["household_number"] = request.GET["household"]
        initial["relationship"] = c.Relationship.CHILD
    form = PersonForm(request.POST or None, households=households, initial=initial)
    _picker(request, form)
    if request.method == "POST" and form.is_valid():
        person = _save_person(request, form)
        if person is not None:
            messages.success(request, _("已新增人员 %(name)s") % {"name": person.name})
            return redirect("person_detail", pk=person.pk)
    return _person_form_page(request, form, None)


@requires(Perm.EDIT_LEDGER)
def person_edit(request, pk):
    person = selectors.get_person_for_user(request.user, pk, Perm.EDIT_LEDGER)
    households = selectors.households_for_user(request.user, Perm.EDIT_LEDGER)
    form = PersonForm(request.POST or None, person=person, households=households)
    _picker(request, form, person.region_code)
    if request.method == "POST" and form.is_valid():
        changed = _save_person(request, form, person)
        if changed is not None:
            report_saved(request, changed)
            return redirect("person_detail", pk=person.pk)
    return _person_form_page(request, form, person)


def _history(request, record):
    return render(request, "registry/history.html", {"object": record, "entries": history_entries(record)})


@requires(Perm.VIEW_HISTORY)
def person_history(request, pk):
    return _history(request, selectors.get_person_for_user(request.user, pk, Perm.VIEW_HISTORY))


@requires(Perm.RECORD_SURVEY)
def survey_create(request, pk):
    person = selectors.get_person_for_user(request.user, pk, Perm.RECORD_SURVEY)
    form = SurveyForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        survey = _attempt(request, form, lambda: actions.do_record_survey(
            request.user, person, visited_on=form.cleaned_data["visited_on"],
            findings=form.cleaned_data["findings"], data=form.ledger_data(), key=posted_key(request),
            request=request))
        if survey is not None:
            if survey.superseded:
                messages.warning(request, _("走访记录已保存；已有日期更晚的走访，本次未更新人员信息"))
            else:
                messages.success(request, _("走访记录已保存"))
            return redirect("person_detail", pk=person.pk)
    return render(request, "registry/survey_form.html", {"form": form, "person": person, **write_guard(request)})


@requires(Perm.VIEW_LEDGER)
def household_list(request):
    households = filters.HOUSEHOLDS.apply(selectors.households_for_user(request.user), request.GET)
    page = paginate(request, households, filters.HOUSEHOLD_SORTS)
    _label_villages(page)
    return render(request, "registry/household_list.html", {"page": page, **_filter_context(request)})


@requires(Perm.VIEW_LEDGER)
def household_detail(request, pk):
    household = selectors.get_household_for_user(request.user, pk)
    _label_villages([household])
    can_follow = can(request.user, Perm.FOLLOW_UP, household.region_code)
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST":
        if not can_follow:
            raise Forbidden
        if form.is_valid() and _attempt(request, form, lambda: actions.do_record_follow_up(
                request.user, household, key=posted_key(request), request=request, **form.cleaned_data)):
            messages.success(request, _("跟进记录已保存"))
            return redirect("household_detail", pk=household.pk)
    context = {
        "household": household,
        "members": selectors.members_for_user(request.user, household),
        "follow_ups": selectors.follow_ups_for_user(request.user).filter(household=household)
        .select_related("officer")[:50],
        "form": form,
        "can_follow": can_follow,
        "can_edit": can(request.user, Perm.EDIT_LEDGER, household.region_code),
        **write_guard(request),
    }
    return render(request, "registry/household_detail.html", context)


def _household_form(request, household=None):
    form = HouseholdForm(request.POST or None, household=household)
    _picker(request, form, household.region_code if household else "")
    if request.method == "POST" and form.is_valid():
        if household is None:
            saved = _attempt(request, form, lambda: actions.do_create_household(
                request.user, form.ledger_data(), key=posted_key(request), request=request))
            if saved:
                messages.success(request, _("已保存"))
                return redirect("household_detail", pk=saved.pk)
        else:
            changed = _attempt(request, form, lambda: actions.do_update_household(
                request.user, household, form.ledger_data(), version=posted_version(request),
                request=request))
            if changed is not None:
                report_saved(request, changed)
                return redirect("household_detail", pk=household.pk)
    return render(request, "registry/household_form.html",
                  {"form": form, "household": household, **write_guard(request, household)})


@requires(Perm.EDIT_LEDGER)
def household_create(request):
    return _household_form(request)


@requires(Perm.EDIT_LEDGER)
def household_edit(request, pk):
    return _household_form(request, selectors.get_household_for_user(request.user, pk, Perm.EDIT_LEDGER))


@requires(Perm.EDIT_LEDGER)
def village_options(request):
    """The <option>s of one township's villages, for the picker's village select (htmx)."""
    township = request.GET.get("township", "")
    return render(request, "registry/_village_options.html",
                  {"villages": village_picker.villages(request.user, township)})


@requires(Perm.VIEW_HISTORY)
def household_history(request, pk):
    return _history(request, selectors.get_household_for_user(request.user, pk, Perm.VIEW_HISTORY))


@requires(Perm.VIEW_LEDGER)
def zero_employment(request):
    """The work queue of zero-employment households, with each one's latest follow-up."""
    latest = FollowUp.objects.filter(household=OuterRef("pk")).order_by("-done_on", "-id")
    households = (
        filters.HOUSEHOLDS.apply(selectors.households_for_user(request.user), request.GET)
        .filter(zero_employment=True)
        .annotate(last_action=Subquery(latest.values("action")[:1]),
                  last_done_on=Subquery(latest.values("done_on")[:1]),
                  follow_up_order=Coalesce(Subquery(latest.values("done_on")[:1]), Value(datetime.date.min)))
    )
    page = paginate(request, households, filters.ZERO_EMPLOYMENT_SORTS)
    _label_villages(page)
    labels = dict(c.FollowUpAction.choices)
    for household in page:
        household.last_action_label = labels.get(household.last_action, "")
    return render(request, "registry/zero_employment.html", {"page": page, **_filter_context(request)})


# --- job spells ----------------------------------------------------------------------------------

def _spell_page(request, form, person, spell=None, template="registry/spell_form.html"):
    return render(request, template, {"form": form, "person": person, "spell": spell,
                                      **write_guard(request, spell)})


@requires(Perm.EDIT_LEDGER)
def spell_create(request, pk):
    person = selectors.get_person_for_user(request.user, pk, Perm.EDIT_LEDGER)
    form = SpellForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        spell = _attempt(request, form, lambda: actions.do_record_spell(
            request.user, person, form.ledger_data(), key=posted_key(request), request=request))
        if spell is not None:
            messages.success(request, _("已登记务工经历 %(spell)s") % {"spell": spell.months_label})
            return redirect("person_detail", pk=person.pk)
    return _spell_page(request, form, person)


def _person_spell(request, pk):
    """The spell and its person, through the user's scope (404 alike for absent and not yours)."""
    spell = spells.get_spell_for_user(request.user, None, pk, Perm.EDIT_LEDGER)
    return selectors.get_person_for_user(request.user, spell.person_id, Perm.EDIT_LEDGER), spell


@requires(Perm.EDIT_LEDGER)
def spell_edit(request, pk):
    person, spell = _person_spell(request, pk)
    form = SpellForm(request.POST or None, spell=spell)
    if request.method == "POST" and form.is_valid():
        changed = _attempt(request, form, lambda: actions.do_update_spell(
            request.user, spell, form.ledger_data(), version=posted_version(request), request=request))
        if changed is not None:
            report_saved(request, changed)
            return redirect("person_detail", pk=person.pk)
    return _spell_page(request, form, person, spell)


@requires(Perm.EDIT_LEDGER)
def spell_end(request, pk):
    person, spell = _person_spell(request, pk)
    form = EndSpellForm(request.POST or None, initial={"end_month": timezone.localdate(),
                                                       "employment_status": c.EmploymentStatus.SEEKING})
    if request.method == "POST" and form.is_valid():
        ended = _attempt(request, form, lambda: actions.do_end_spell(
            request.user, spell, form.cleaned_data["end_month"], then=form.then(), version=posted_version(request),
            request=request))
        if ended is not None:
            messages.success(request, _("务工经历已结束：%(spell)s") % {"spell": ended.months_label})
            return redirect("person_detail", pk=person.pk)
    return _spell_page(request, form, person, spell, "registry/spell_end.html")


@require_POST
@requires(Perm.EDIT_LEDGER)
def spell_delete(request, pk):
    person, spell = _person_spell(request, pk)
    try:
        actions.do_delete_spell(request.user, spell, version=posted_version(request), request=request)
    except StaleEdit as exc:
        messages.error(request, str(exc))
        return redirect("spell_edit", pk=spell.pk)
    messages.success(request, _("已删除务工经历 %(spell)s") % {"spell": spell.months_label})
    return redirect("person_detail", pk=person.pk)
