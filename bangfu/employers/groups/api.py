"""Sites, cooperatives, dispatches and appraisals over the API: reads from the scoped selectors, writes
through the actions; the rules answer through bangfu.api's handlers (422, 403, 404)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from bangfu.core.history import history_entries
from bangfu.core.permissions import get_for_user, require
from bangfu.core.schemas import (
    Id,
    IsoDate,
    RegionCode,
    codes,
    expected_version,
    idempotency_key,
    number,
    responses,
    set_etag,
    text,
)
from bangfu.employers import choices as c
from bangfu.employers.groups import actions, filters, selectors
from bangfu.employers.models import CoopMember, SiteMember, TeamLeader
from bangfu.employers.permissions import Perm
from bangfu.registry.api import Pages
from bangfu.registry.schemas import HistoryEntryOut

router = Router(tags=["groups"])
VIEW = Perm.VIEW_EMPLOYERS
MANAGE = Perm.MANAGE_GROUPS

SiteFilters = filters.SITES.schema()
SiteSort = filters.SITE_SORTS.schema()
CooperativeFilters = filters.COOPERATIVES.schema()
CooperativeSort = filters.COOPERATIVE_SORTS.schema()
DispatchFilters = filters.DISPATCHES.schema()
AppraisalFilters = filters.APPRAISALS.schema()
RecordId = number(1, 2**63 - 1)


class PersonRef(Schema):
    """A person of the ledger: the name as the ledger shows it to you (masked when the person is not in
    your reach); no identifiers."""

    id: int
    person_id: int
    name: str


class SiteMemberOut(PersonRef):
    relation: str
    start_date: datetime.date
    end_date: datetime.date | None


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region_code: str
    address: str
    employer_id: int | None
    named_on: datetime.date | None
    named_by: str
    programmes: list[str]
    version: int

    @staticmethod
    def resolve_programmes(obj):
        return [p.name for p in obj.programmes.all()]


class SiteDetailOut(SiteOut):
    members: list[SiteMemberOut]

    @staticmethod
    def resolve_members(obj):
        return obj.member_rows


class SiteIn(Schema):
    name: text(200, min_length=1)
    kind: codes(c.SiteKind)
    level: codes(c.Level)
    region_code: RegionCode
    address: text(200) = ""
    employer_id: number(1, 2**63 - 1) | None = None
    named_on: IsoDate | None = None
    named_by: text(100) = ""
    programmes: list[text(50, min_length=1)] = Field(default=[], max_length=20)
    note: text(500) = ""


class SitePatch(Schema):
    name: text(200, min_length=1) = None
    kind: codes(c.SiteKind) = None
    level: codes(c.Level) = None
    region_code: RegionCode = None
    address: text(200) = None
    employer_id: RecordId | None = Field(None, description="an employer you see; null for none")
    named_on: IsoDate | None = None
    named_by: text(100) = None
    programmes: list[text(50, min_length=1)] = Field(None, max_length=20)
    note: text(500) = None


class SiteMemberIn(Schema):
    person_id: number(1, 2**63 - 1)
    relation: codes(c.SiteRelation)
    start_date: IsoDate
    end_date: IsoDate | None = None
    note: text(200) = ""


class CooperativeOut(Schema):
    id: int
    name: str
    region_code: str
    address: str
    employer_id: int | None
    chair: str
    founded_on: datetime.date | None
    version: int


class CoopMemberOut(PersonRef):
    joined_on: datetime.date
    left_on: datetime.date | None


class LeaderOut(PersonRef):
    member_id: int
    start_date: datetime.date
    end_date: datetime.date | None


class CooperativeDetailOut(CooperativeOut):
    members: list[CoopMemberOut]
    leaders: list[LeaderOut]


class CooperativeIn(Schema):
    name: text(200, min_length=1)
    region_code: RegionCode
    address: text(200) = ""
    employer_id: number(1, 2**63 - 1) | None = None
    chair: text(50) = ""
    founded_on: IsoDate | None = None
    note: text(500) = ""


class CooperativePatch(Schema):
    name: text(200, min_length=1) = None
    region_code: RegionCode = None
    address: text(200) = None
    employer_id: RecordId | None = Field(None, description="an employer you see; null for none")
    chair: text(50) = None
    founded_on: IsoDate | None = None
    note: text(500) = None


class SiteMemberEnd(Schema):
    end_date: IsoDate


class CoopMemberEnd(Schema):
    left_on: IsoDate = Field(description="退社日期")


class LeaderEnd(Schema):
    end_date: IsoDate = Field(description="卸任日期")


class CoopMemberIn(Schema):
    person_id: number(1, 2**63 - 1)
    joined_on: IsoDate


class LeaderIn(Schema):
    member_id: number(1, 2**63 - 1)
    start_date: IsoDate
    end_date: IsoDate | None = None


class DispatchOut(Schema):
    id: int
    cooperative_id: int
    region_code: str
    leader_id: int | None
    destination: str
    destination_label: str
    city: str
    city_code: str
    employer_id: int | None
    employer_name: str
    start_date: datetime.date
    end_date: datetime.date | None
    planned_months: int | None
    until: datetime.date
    member_ids: list[int]

    @staticmethod
    def resolve_member_ids(obj):
        return [w.member_id for w in obj.went.all()]


class DispatchIn(Schema):
    leader_id: number(1, 2**63 - 1) | None = None
    destination: codes(c.Destination)
    city: text(100) = ""
    city_code: text(12) = ""
    employer_id: number(1, 2**63 - 1) | None = None
    employer_name: text(200) = ""
    start_date: IsoDate
    end_date: IsoDate | None = None
    planned_months: number(1, 36) | None = None
    member_ids: list[number(1, 2**63 - 1)] = Field(min_length=1, max_length=500)
    note: text(500) = ""


class DispatchPatch(Schema):
    leader_id: RecordId | None = None
    destination: codes(c.Destination) = None
    city: text(100) = None
    city_code: text(12) = None
    employer_id: RecordId | None = None
    employer_name: text(200) = None
    start_date: IsoDate = None
    end_date: IsoDate | None = None
    planned_months: number(1, 36) | None = None
    member_ids: list[RecordId] = Field(None, min_length=1, max_length=500,
                                       description="who went (ids of memberships): replaces the list")
    note: text(500) = None


class EntryOut(Schema):
    id: int
    subject: str
    rank: int
    cooperative_id: int
    cooperative: str
    person_id: int | None
    people: int
    person_months: int
    dispatches: int
    awarded: bool
    award: int

    @staticmethod
    def resolve_cooperative(obj):
        return obj.cooperative.name


class AppraisalListOut(Schema):
    id: int
    region_code: str
    year: int
    half: int
    period: str
    note: str
    awarded_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_period(obj):
        return str(obj.period)


class AppraisalOut(AppraisalListOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj):
        return list(obj.entries.select_related("cooperative").order_by("subject", "rank", "id"))


class AppraisalIn(Schema):
    region_code: text(12, min_length=6)
    year: number(2000, 2100)
    half: number(1, 2)
    note: text(200) = ""


class AwardIn(Schema):
    cooperatives: list[RecordId] = Field([], max_length=1000,
                                         description="ids of the cooperatives' entries chosen as the best")
    leaders: list[RecordId] = Field([], max_length=1000, description="ids of the team leaders' entries chosen")
    cooperative_award: number(0, 1_000_000) = Field(0, description="yuan for each cooperative chosen")
    leader_award: number(0, 1_000_000) = Field(0, description="yuan for each team leader chosen")


def _history(record) -> list[dict]:
    hidden = frozenset({"first_month", "last_month"})
    return [{"at": e.at, "user": e.user, "kind": e.kind, "reason": e.reason,
             "changes": [{"field": ch.field, "label": ch.label, "old": ch.old, "new": ch.new} for ch in e.changes]}
            for e in history_entries(record, hidden=hidden)]


def _employer_id(data: dict) -> dict:
    if "employer_id" in data:
        data["employer"] = data.pop("employer_id")
    return data


def _people(user, rows, cls):
    selectors.label_people(user, rows)
    return [cls(id=r.pk, person_id=r.person_id, name=r.shown_name,
                **{k: getattr(r, k) for k in cls.model_fields if k not in ("id", "person_id", "name")})
            for r in rows]


# --- sites ---------------------------------------------------------------------------------------

@router.get("/sites", response=responses({200: list[SiteOut]}, 400, 401, 403), url_name="site_list")
@paginate(Pages)
def list_sites(request, params: Query[SiteFilters], order: Query[SiteSort]):
    """Demonstration sites you may see, filtered like the list page."""
    require(request.auth, VIEW)
    sites = filters.SITES.apply(selectors.sites_for_user(request.auth), params.model_dump(exclude_none=True))
    return filters.SITE_SORTS.apply(sites.prefetch_related("programmes"), order.sort)


def _site_detail(user, site):
    members = list(selectors.site_members_for_user(user).filter(site=site).select_related("person").order_by("id"))
    site.member_rows = _people(user, members, SiteMemberOut)
    return site


@router.get("/sites/{site_id}", response=responses({200: SiteDetailOut}, 401, 403, 404, 422), url_name="site")
def get_site(request, site_id: Id, response: HttpResponse):
    """A site with its people."""
    require(request.auth, VIEW)
    site = selectors.get_site_for_user(request.auth, site_id)
    set_etag(response, site)
    return _site_detail(request.auth, site)


@router.post("/sites", response=responses({201: SiteOut}, 400, 401, 403, 422))
def create_site(request, payload: SiteIn):
    """Register a site; the same `Idempotency-Key` again answers with the site already made."""
    require(request.auth, MANAGE)
    data = payload.model_dump()
    data["employer"] = data.pop("employer_id")
    site = actions.do_create_site(request.auth, data, key=idempotency_key(request), request=request)
    return Status(201, site)


@router.post("/sites/{site_id}/members", response=responses({201: SiteMemberOut}, 400, 401, 403, 404, 422))
def add_site_member(request, site_id: Id, payload: SiteMemberIn):
    """A person of the ledger you see, employed or trained (a disabled person) or in the management."""
    require(request.auth, MANAGE)
    site = selectors.get_site_for_user(request.auth, site_id, MANAGE)
    data = payload.model_dump()
    member = actions.do_add_site_member(request.auth, site, data.pop("person_id"), data, request=request)
    return Status(201, _people(request.auth, [member], SiteMemberOut)[0])


@router.patch("/sites/{site_id}", response=responses({200: SiteOut}, 400, 401, 403, 404, 412, 422))
def update_site(request, site_id: Id, payload: SitePatch, response: HttpResponse):
    """Change the fields sent (`programmes` replaces the list). Send the ETag of your GET as
    `If-Match`: a site changed since answers 412 with what changed."""
    require(request.auth, MANAGE)
    site = selectors.get_site_for_user(request.auth, site_id, MANAGE)
    actions.do_update_site(request.auth, site, _employer_id(payload.model_dump(exclude_unset=True)),
                           version=expected_version(request), request=request)
    set_etag(response, site)
    return site


@router.get("/sites/{site_id}/history", response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422),
            url_name="site_history")
def site_history(request, site_id: Id):
    """Who changed the site, what and when, newest first."""
    require(request.auth, VIEW)
    return _history(selectors.get_site_for_user(request.auth, site_id))


@router.post("/sites/members/{member_id}/end", response=responses({200: SiteMemberOut}, 400, 401, 403, 404, 422))
def end_site_member(request, member_id: Id, payload: SiteMemberEnd):
    """A person's place at a site ends on a date (not before it began; once)."""
    require(request.auth, MANAGE)
    member = get_for_user(request.auth, SiteMember.objects.select_related("site", "person"), member_id, MANAGE)
    member = actions.do_end_site_member(request.auth, member, payload.model_dump(), request=request)
    return _people(request.auth, [member], SiteMemberOut)[0]


# --- cooperatives --------------------------------------------------------------------------------

@router.get("/cooperatives", response=responses({200: list[CooperativeOut]}, 400, 401, 403),
            url_name="cooperative_list")
@paginate(Pages)
def list_cooperatives(request, params: Query[CooperativeFilters], order: Query[CooperativeSort]):
    require(request.auth, VIEW)
    coops = filters.COOPERATIVES.apply(selectors.cooperatives_for_user(request.auth),
                                       params.model_dump(exclude_none=True))
    return filters.COOPERATIVE_SORTS.apply(coops, order.sort)


@router.get("/cooperatives/{cooperative_id}", response=responses({200: CooperativeDetailOut}, 401, 403, 404, 422),
            url_name="cooperative")
def get_cooperative(request, cooperative_id: Id, response: HttpResponse):
    """A cooperative with its members and team leaders."""
    require(request.auth, VIEW)
    user = request.auth
    coop = selectors.get_cooperative_for_user(user, cooperative_id)
    members = list(selectors.coop_members_for_user(user).filter(cooperative=coop).select_related("person")
                   .order_by("id"))
    leaders = list(selectors.leaders_for_user(user).filter(member__cooperative=coop).select_related("member__person")
                   .order_by("id"))
    for leader in leaders:
        leader.person, leader.person_id = leader.member.person, leader.member.person_id
    set_etag(response, coop)
    return CooperativeDetailOut(**CooperativeOut.from_orm(coop).model_dump(),
                                members=_people(user, members, CoopMemberOut),
                                leaders=_people(user, leaders, LeaderOut))


@router.post("/cooperatives", response=responses({201: CooperativeOut}, 400, 401, 403, 422))
def create_cooperative(request, payload: CooperativeIn):
    require(request.auth, MANAGE)
    data = payload.model_dump()
    data["employer"] = data.pop("employer_id")
    coop = actions.do_create_cooperative(request.auth, data, key=idempotency_key(request), request=request)
    return Status(201, coop)


@router.patch("/cooperatives/{cooperative_id}", response=responses({200: CooperativeOut}, 400, 401, 403, 404, 412,
                                                                    422))
def update_cooperative(request, cooperative_id: Id, payload: CooperativePatch, response: HttpResponse):
    """Change the fields sent; `If-Match` as for sites (412 when it changed since your GET)."""
    require(request.auth, MANAGE)
    coop = selectors.get_cooperative_for_user(request.auth, cooperative_id, MANAGE)
    actions.do_update_cooperative(request.auth, coop, _employer_id(payload.model_dump(exclude_unset=True)),
                                  version=expected_version(request), request=request)
    set_etag(response, coop)
    return coop


@router.get("/cooperatives/{cooperative_id}/history",
            response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422), url_name="cooperative_history")
def cooperative_history(request, cooperative_id: Id):
    require(request.auth, VIEW)
    return _history(selectors.get_cooperative_for_user(request.auth, cooperative_id))


@router.post("/cooperatives/members/{member_id}/end", response=responses({200: CoopMemberOut}, 400, 401, 403, 404,
                                                                          422))
def end_coop_member(request, member_id: Id, payload: CoopMemberEnd):
    """退社: a member leaves on a date (not while still a team leader after it, nor away on a dispatch)."""
    require(request.auth, MANAGE)
    member = get_for_user(request.auth, CoopMember.objects.select_related("cooperative", "person"), member_id,
                          MANAGE)
    member = actions.do_end_coop_member(request.auth, member, payload.model_dump(), request=request)
    return _people(request.auth, [member], CoopMemberOut)[0]


@router.post("/cooperatives/leaders/{leader_id}/end", response=responses({200: LeaderOut}, 400, 401, 403, 404, 422))
def end_leader(request, leader_id: Id, payload: LeaderEnd):
    """卸任: a team leader's term ends on a date."""
    require(request.auth, MANAGE)
    leader = get_for_user(request.auth, TeamLeader.objects.select_related("member__cooperative", "member__person"),
                          leader_id, MANAGE)
    leader = actions.do_end_leader(request.auth, leader, payload.model_dump(), request=request)
    leader.person, leader.person_id = leader.member.person, leader.member.person_id
    return _people(request.auth, [leader], LeaderOut)[0]


@router.post("/cooperatives/{cooperative_id}/members", response=responses({201: CoopMemberOut}, 400, 401, 403, 404,
                                                                          422))
def add_coop_member(request, cooperative_id: Id, payload: CoopMemberIn):
    require(request.auth, MANAGE)
    coop = selectors.get_cooperative_for_user(request.auth, cooperative_id, MANAGE)
    member = actions.do_add_coop_member(request.auth, coop, payload.person_id, {"joined_on": payload.joined_on},
                                        request=request)
    return Status(201, _people(request.auth, [member], CoopMemberOut)[0])


@router.post("/cooperatives/{cooperative_id}/leaders", response=responses({201: LeaderOut}, 400, 401, 403, 404, 422))
def appoint_leader(request, cooperative_id: Id, payload: LeaderIn):
    """A member becomes a labour team leader (劳务队长)."""
    require(request.auth, MANAGE)
    coop = selectors.get_cooperative_for_user(request.auth, cooperative_id, MANAGE)
    member = coop.members.filter(pk=payload.member_id).select_related("person", "cooperative").first()
    if member is None:
        raise ValidationError({"member_id": [_("该成员不是“%(coop)s”的成员") % {"coop": coop.name}]})
    leader = actions.do_appoint_leader(request.auth, member, payload.model_dump(exclude={"member_id"}),
                                       request=request)
    leader.person, leader.person_id = member.person, member.person_id
    return Status(201, _people(request.auth, [leader], LeaderOut)[0])


@router.post("/cooperatives/{cooperative_id}/dispatches", response=responses({201: DispatchOut}, 400, 401, 403, 404,
                                                                             422))
def record_dispatch(request, cooperative_id: Id, payload: DispatchIn):
    """An organised dispatch of members (ids of memberships) led by a team leader (id of the term)."""
    require(request.auth, MANAGE)
    coop = selectors.get_cooperative_for_user(request.auth, cooperative_id, MANAGE)
    data = payload.model_dump()
    leader_id = data.pop("leader_id")
    data["leader"] = _leader(leader_id)
    data["employer"] = data.pop("employer_id")
    data["people"] = data.pop("member_ids")
    dispatch = actions.do_record_dispatch(request.auth, coop, data, key=idempotency_key(request), request=request)
    return Status(201, dispatch)


@router.get("/dispatches", response=responses({200: list[DispatchOut]}, 400, 401, 403), url_name="dispatch_list")
@paginate(Pages)
def list_dispatches(request, params: Query[DispatchFilters]):
    require(request.auth, VIEW)
    dispatches = filters.DISPATCHES.apply(selectors.dispatches_for_user(request.auth),
                                          params.model_dump(exclude_none=True))
    return dispatches.select_related("employer").prefetch_related("went").order_by("-start_date", "-id")


@router.get("/dispatches/{dispatch_id}", response=responses({200: DispatchOut}, 401, 403, 404, 422),
            url_name="dispatch")
def get_dispatch(request, dispatch_id: Id, response: HttpResponse):
    """A dispatch; the ETag is its version (for `If-Match` on PATCH)."""
    require(request.auth, VIEW)
    dispatch = selectors.get_dispatch_for_user(request.auth, dispatch_id)
    set_etag(response, dispatch)
    return dispatch


def _leader(leader_id):
    """The term by id for the rules (which refuse by name a term of another cooperative, or none)."""
    if not leader_id:
        return None
    return TeamLeader.objects.filter(pk=leader_id).select_related("member__person").first() or leader_id


@router.patch("/dispatches/{dispatch_id}", response=responses({200: DispatchOut}, 400, 401, 403, 404, 412, 422))
def update_dispatch(request, dispatch_id: Id, payload: DispatchPatch, response: HttpResponse):
    """Change the fields sent (`member_ids` replaces who went); the rules of a new dispatch apply.
    `If-Match` with the ETag of your GET: a dispatch changed since answers 412 with what changed."""
    require(request.auth, MANAGE)
    dispatch = selectors.get_dispatch_for_user(request.auth, dispatch_id, MANAGE)
    data = _employer_id(payload.model_dump(exclude_unset=True))
    if "leader_id" in data:
        data["leader"] = _leader(data.pop("leader_id"))
    if "member_ids" in data:
        data["people"] = data.pop("member_ids")
    actions.do_update_dispatch(request.auth, dispatch, data, version=expected_version(request), request=request)
    set_etag(response, dispatch)
    return selectors.get_dispatch_for_user(request.auth, dispatch_id)


@router.get("/dispatches/{dispatch_id}/history", response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422),
            url_name="dispatch_history")
def dispatch_history(request, dispatch_id: Id):
    """The dispatch's own changes (who went: see `member_ids`, and the page's history)."""
    require(request.auth, VIEW)
    return _history(selectors.get_dispatch_for_user(request.auth, dispatch_id))


# --- appraisals ----------------------------------------------------------------------------------

@router.post("/appraisals", response=responses({201: AppraisalOut}, 400, 401, 403, 422))
def compute_appraisal(request, payload: AppraisalIn):
    """Compute (or compute again, until awarded) a region's half-year figures of its cooperatives and
    team leaders from the dispatches."""
    require(request.auth, MANAGE)
    return Status(201, actions.do_compute_appraisal(request.auth, payload.model_dump(), request=request))


@router.get("/appraisals", response=responses({200: list[AppraisalListOut]}, 400, 401, 403), url_name="appraisal_list")
@paginate(Pages)
def list_appraisals(request, params: Query[AppraisalFilters]):
    """The appraisals you may see, newest half year first."""
    require(request.auth, VIEW)
    appraisals = filters.APPRAISALS.apply(selectors.appraisals_for_user(request.auth),
                                          params.model_dump(exclude_none=True))
    return appraisals.order_by("-year", "-half", "region_code", "id")


@router.get("/appraisals/{appraisal_id}", response=responses({200: AppraisalOut}, 401, 403, 404, 422),
            url_name="appraisal")
def get_appraisal(request, appraisal_id: Id, response: HttpResponse):
    """An appraisal with its entries; the ETag is its version (for `If-Match` on the award)."""
    require(request.auth, VIEW)
    appraisal = selectors.get_appraisal_for_user(request.auth, appraisal_id)
    set_etag(response, appraisal)
    return appraisal


@router.post("/appraisals/{appraisal_id}/award", response=responses({200: AppraisalOut}, 400, 401, 403, 404, 412,
                                                                     422))
def award_appraisal(request, appraisal_id: Id, payload: AwardIn, response: HttpResponse):
    """评定: mark the entries chosen as the best cooperatives and team leaders of the half year with
    the award of each; the entries not chosen are unmarked (awarding again replaces the choice)."""
    require(request.auth, MANAGE)
    appraisal = selectors.get_appraisal_for_user(request.auth, appraisal_id, MANAGE)
    actions.do_award_appraisal(request.auth, appraisal, payload.model_dump(), version=expected_version(request),
                               request=request)
    set_etag(response, appraisal)
    return selectors.get_appraisal_for_user(request.auth, appraisal_id)
