"""The ledger over the API: people, households and surveys.

Thin handlers: reads start from the scoped selectors, writes go through the actions, and the
rules answer through the exception handlers of bangfu.api (422, 409, 403, 404).
"""


from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PaginationBase, paginate
from ninja.responses import Status

from bangfu.core.pages import exact_count, rows_of_page
from bangfu.core.permissions import require
from bangfu.core.schemas import Id, expected_version, idempotency_key, responses, set_etag, whole_number
from bangfu.registry import actions, filters, selectors, spells
from bangfu.registry import schemas as s
from bangfu.registry.history import history_entries
from bangfu.registry.models import Household
from bangfu.registry.permissions import Perm

PersonFilters = filters.PEOPLE.schema()
HouseholdFilters = filters.HOUSEHOLDS.schema()
SurveyFilters = filters.SURVEYS.schema()
PersonSort = filters.PEOPLE_SORTS.schema()
HouseholdSort = filters.HOUSEHOLD_SORTS.schema()

people = Router(tags=["people"])
households = Router(tags=["households"])
surveys = Router(tags=["surveys"])

MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # 200 × 100,000 rows is past any province; larger pages are typing errors


class PageInput(Schema):
    page: whole_number(1, MAX_PAGE) = 1
    page_size: whole_number(1, MAX_PAGE_SIZE) = 50


class Pages(PaginationBase):
    """`?page=` (from 1) and `?page_size=` (1–200, default 50); `count` is the total."""

    Input = PageInput

    class Output(Schema):
        items: list
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: PageInput, **params):
        # The pages' count and paging: an exact count (kept a minute when slow to make), and the
        # pages past the middle read from the end (core.pages.rows_of_page).
        count = exact_count(queryset)
        start = (pagination.page - 1) * pagination.page_size
        stop = min(start + pagination.page_size, count)
        fields = queryset.query.order_by
        return {
            "items": rows_of_page(queryset, fields, start, stop, count) if start < count else [],
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


def _person_data(request, payload: s.PersonPatch) -> tuple[dict, list[str] | None]:
    """The plain values for clean_person from the fields sent, and the skills if sent."""
    data = payload.model_dump(exclude_unset=True)
    skills = data.pop("skills", None)
    if "household_id" in data:
        household_id = data.pop("household_id")
        data["household"] = None
        if household_id is not None:
            # Someone else's household reads as absent, the same as one that does not exist.
            households = selectors.households_for_user(request.auth, Perm.EDIT_LEDGER)
            data["household"] = households.filter(pk=household_id).first()
            if data["household"] is None:
                raise ValidationError({"household_id": [_("家庭户不存在")]})
    return data, skills


# --- people ------------------------------------------------------------------------------------

@people.get("", response=responses({200: list[s.PersonOut]}, 400, 401, 403), url_name="person_list")
@paginate(Pages)
def list_people(request, params: Query[PersonFilters], order: Query[PersonSort]):
    """People you may see, filtered and sorted like the ledger page (by default by village, then id).

    `q` with a whole ID number or phone answers 400 to a role that may not reveal identifiers; for
    one that may, each person it finds is written to the audit log as a reveal."""
    require(request.auth, Perm.VIEW_LEDGER)
    queryset = filters.PEOPLE.apply(selectors.people_for_user(request.auth), params.model_dump(exclude_none=True),
                                    user=request.auth, request=request)
    return filters.PEOPLE_SORTS.apply(queryset.select_related("household").prefetch_related("skills"), order.sort)


@people.get("/{person_id}", response=responses({200: s.PersonOut}, 401, 403, 404, 422), url_name="person")
def get_person(request, person_id: Id, response: HttpResponse):
    """The person; the ETag is the record's version (for `If-Match` on PATCH)."""
    require(request.auth, Perm.VIEW_LEDGER)
    person = selectors.get_person_for_user(request.auth, person_id)
    set_etag(response, person)
    return person


@people.post("", response=responses({201: s.PersonOut}, 400, 401, 403, 409, 422, 429))
def create_person(request, payload: s.PersonCreate, response: HttpResponse):
    """Register a person; a known ID number answers 409 with the person on file. The same
    `Idempotency-Key` again answers with the person already made."""
    require(request.auth, Perm.EDIT_LEDGER)
    data, skills = _person_data(request, payload)
    person = actions.do_create_person(request.auth, data, skills=skills, key=idempotency_key(request),
                                      request=request)
    set_etag(response, person)
    return Status(201, person)


@people.patch("/{person_id}", response=responses({200: s.PersonOut}, 400, 401, 403, 404, 409, 412, 422, 429))
def update_person(request, person_id: Id, payload: s.PersonPatch, response: HttpResponse):
    """Change the fields sent; the others keep their values. Send the ETag of your GET as
    `If-Match`: a person changed since answers 412 with what changed."""
    require(request.auth, Perm.EDIT_LEDGER)
    person = selectors.get_person_for_user(request.auth, person_id, Perm.EDIT_LEDGER)
    data, skills = _person_data(request, payload)
    actions.do_update_person(request.auth, person, data, skills=skills, version=expected_version(request),
                             request=request)
    set_etag(response, person)
    return person


@people.post("/{person_id}/reveal", response=responses({200: s.RevealOut}, 400, 401, 403, 404, 422))
def reveal_identifier(request, person_id: Id, payload: s.RevealIn, response: HttpResponse):
    """The full ID number, phone or disability card number; every call is written to the audit log."""
    require(request.auth, Perm.REVEAL_IDENTIFIER)
    person = selectors.get_person_for_user(request.auth, person_id, Perm.REVEAL_IDENTIFIER)
    value = actions.do_reveal_identifier(request.auth, person, payload.field, request=request)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


def _history(record) -> list[dict]:
    return [
        {"at": entry.at, "user": entry.user, "kind": entry.kind, "reason": entry.reason,
         "changes": [{"field": change.field, "label": change.label,
                      "old": change.old, "new": change.new} for change in entry.changes]}
        for entry in history_entries(record)
    ]


@people.get("/{person_id}/history", response=responses({200: list[s.HistoryEntryOut]}, 401, 403, 404, 422),
            url_name="person_history")
def person_history(request, person_id: Id):
    """Who changed what and when, newest first; identifier changes show only that they changed."""
    require(request.auth, Perm.VIEW_HISTORY)
    return _history(selectors.get_person_for_user(request.auth, person_id, Perm.VIEW_HISTORY))


@people.post("/{person_id}/surveys", response=responses({201: s.SurveyOut}, 400, 401, 403, 404, 422))
def record_survey(request, person_id: Id, payload: s.SurveyIn):
    """A door-to-door visit: what was found, and the person's fields it updates."""
    require(request.auth, Perm.RECORD_SURVEY)
    person = selectors.get_person_for_user(request.auth, person_id, Perm.RECORD_SURVEY)
    data = payload.model_dump(exclude_unset=True)
    visited_on, findings, skills = data.pop("visited_on"), data.pop("findings"), data.pop("skills", None)
    survey = actions.do_record_survey(request.auth, person, visited_on=visited_on, findings=findings,
                                      data=data, skills=skills, key=idempotency_key(request), request=request)
    return Status(201, survey)


# --- households --------------------------------------------------------------------------------

@households.get("", response=responses({200: list[s.HouseholdOut]}, 400, 401, 403), url_name="household_list")
@paginate(Pages)
def list_households(request, params: Query[HouseholdFilters], order: Query[HouseholdSort]):
    """Households you may see, filtered and sorted like the page (by default by village, then id)."""
    require(request.auth, Perm.VIEW_LEDGER)
    queryset = filters.HOUSEHOLDS.apply(selectors.households_for_user(request.auth),
                                        params.model_dump(exclude_none=True))
    return filters.HOUSEHOLD_SORTS.apply(queryset, order.sort)


def _household_out(request, household_id: int) -> Household:
    members = selectors.people_for_user(request.auth).order_by("id")
    return Household.objects.prefetch_related(Prefetch("members", queryset=members)).get(pk=household_id)


@households.get("/{household_id}", response=responses({200: s.HouseholdDetail}, 401, 403, 404, 422),
                url_name="household")
def get_household(request, household_id: Id, response: HttpResponse):
    """The household and its members; the ETag is its version (for `If-Match` on PATCH)."""
    require(request.auth, Perm.VIEW_LEDGER)
    household = selectors.get_household_for_user(request.auth, household_id)
    set_etag(response, household)
    return _household_out(request, household.pk)


def _household_data(payload: s.HouseholdPatch) -> dict:
    return {key: "" if value is None else value for key, value in payload.model_dump(exclude_unset=True).items()}


@households.post("", response=responses({201: s.HouseholdDetail}, 400, 401, 403, 422))
def create_household(request, payload: s.HouseholdCreate, response: HttpResponse):
    """Register a household; its number is given from its village code. The same
    `Idempotency-Key` again answers with the household already made."""
    require(request.auth, Perm.EDIT_LEDGER)
    household = actions.do_create_household(request.auth, _household_data(payload), key=idempotency_key(request),
                                            request=request)
    set_etag(response, household)
    return Status(201, _household_out(request, household.pk))


@households.patch("/{household_id}",
                  response=responses({200: s.HouseholdDetail}, 400, 401, 403, 404, 412, 422))
def update_household(request, household_id: Id, payload: s.HouseholdPatch, response: HttpResponse):
    """Change the fields sent. Send the ETag of your GET as `If-Match`: a household changed since
    answers 412. A move to another village moves its members."""
    require(request.auth, Perm.EDIT_LEDGER)
    household = selectors.get_household_for_user(request.auth, household_id, Perm.EDIT_LEDGER)
    actions.do_update_household(request.auth, household, _household_data(payload),
                                version=expected_version(request), request=request)
    set_etag(response, household)
    return _household_out(request, household.pk)


@households.get("/{household_id}/history",
                response=responses({200: list[s.HistoryEntryOut]}, 401, 403, 404, 422), url_name="household_history")
def household_history(request, household_id: Id):
    require(request.auth, Perm.VIEW_HISTORY)
    return _history(selectors.get_household_for_user(request.auth, household_id, Perm.VIEW_HISTORY))


# --- surveys -----------------------------------------------------------------------------------

@surveys.get("", response=responses({200: list[s.SurveyOut]}, 400, 401, 403), url_name="survey_list")
@paginate(Pages)
def list_surveys(request, params: Query[SurveyFilters]):
    """Surveys of the people you may see (where they live now), newest visit first."""
    require(request.auth, Perm.VIEW_LEDGER)
    queryset = filters.SURVEYS.apply(selectors.surveys_for_user(request.auth).select_related("surveyor"),
                                     params.model_dump(exclude_none=True))
    return queryset.order_by("-visited_on", "-id")


# --- job spells (under people) -----------------------------------------------------------------

def _spell_data(payload: s.SpellPatch) -> dict:
    data = payload.model_dump(exclude_unset=True)
    for field in ("start_month", "end_month"):
        if field in data:
            data[field] = s.month_of(data[field])
    for field in ("place_text", "employer_name", "channel"):
        if field in data and data[field] is None:
            data[field] = ""
    return data


@people.get("/{person_id}/spells", response=responses({200: list[s.SpellOut]}, 401, 403, 404, 422),
            url_name="person_spells", tags=["spells"])
def list_spells(request, person_id: Id):
    """The person's job spells, newest first; the open one (end_month null) gives their status."""
    require(request.auth, Perm.VIEW_LEDGER)
    person = selectors.get_person_for_user(request.auth, person_id)
    return spells.spells_of_person(request.auth, person)


@people.post("/{person_id}/spells", response=responses({201: s.SpellOut}, 400, 401, 403, 404, 422),
             tags=["spells"])
def record_spell(request, person_id: Id, payload: s.SpellIn, response: HttpResponse):
    """Record a job spell. An open one (no end_month) makes the person employed with its status;
    if another is open, it ends in the month the new one starts (one that starts before it is
    refused). The same `Idempotency-Key` again answers with the spell already recorded."""
    require(request.auth, Perm.EDIT_LEDGER)
    person = selectors.get_person_for_user(request.auth, person_id, Perm.EDIT_LEDGER)
    spell = actions.do_record_spell(request.auth, person, _spell_data(payload), key=idempotency_key(request),
                                    request=request)
    set_etag(response, spell)
    return Status(201, spell)


def _spell(request, person_id: int, spell_id: int):
    person = selectors.get_person_for_user(request.auth, person_id, Perm.EDIT_LEDGER)
    return spells.get_spell_for_user(request.auth, person, spell_id, Perm.EDIT_LEDGER)


@people.patch("/{person_id}/spells/{spell_id}",
              response=responses({200: s.SpellOut}, 400, 401, 403, 404, 412, 422), tags=["spells"])
def update_spell(request, person_id: Id, spell_id: Id, payload: s.SpellPatch, response: HttpResponse):
    """Change the fields sent. Send the spell's ETag (its version) as `If-Match`: a spell changed
    since answers 412."""
    require(request.auth, Perm.EDIT_LEDGER)
    spell = _spell(request, person_id, spell_id)
    actions.do_update_spell(request.auth, spell, _spell_data(payload), version=expected_version(request),
                            request=request)
    set_etag(response, spell)
    return spell


@people.post("/{person_id}/spells/{spell_id}/end",
             response=responses({200: s.SpellOut}, 400, 401, 403, 404, 412, 422), tags=["spells"])
def end_spell(request, person_id: Id, spell_id: Id, payload: s.SpellEnd, response: HttpResponse):
    """End an open spell in `end_month`; the person takes `employment_status` (seeking by default)."""
    require(request.auth, Perm.EDIT_LEDGER)
    spell = _spell(request, person_id, spell_id)
    then = {"employment_status": payload.employment_status, "not_seeking_reason": payload.not_seeking_reason or ""}
    actions.do_end_spell(request.auth, spell, s.month_of(payload.end_month), then=then,
                         version=expected_version(request), request=request)
    set_etag(response, spell)
    return spell


@people.delete("/{person_id}/spells/{spell_id}", response=responses({204: None}, 400, 401, 403, 404, 412, 422),
               tags=["spells"])
def delete_spell(request, person_id: Id, spell_id: Id):
    """Delete a spell recorded by mistake (its history stays); the person's status follows."""
    require(request.auth, Perm.EDIT_LEDGER)
    actions.do_delete_spell(request.auth, _spell(request, person_id, spell_id), version=expected_version(request),
                            request=request)
    return Status(204, None)
