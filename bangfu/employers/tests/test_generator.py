import calendar
import datetime
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, Min, Q

from bangfu.accounts.actors import system_account
from bangfu.accounts.models import Role, User
from bangfu.employers import uscc
from bangfu.employers.choices import (
    Destination,
    Level,
    SiteKind,
    SiteRelation,
    WorkshopKind,
    WorkshopSite,
    WorkshopStatus,
)
from bangfu.employers.generator import WORKERS_PER_WORKSHOP, CountyHasEmployers, generate_employers
from bangfu.employers.groups import stats
from bangfu.employers.groups.rules import last_day
from bangfu.employers.models import (
    Appraisal,
    Cooperative,
    CoopMember,
    Dispatch,
    DispatchPerson,
    Employer,
    Employment,
    MonthlyRecord,
    Programme,
    Site,
    SiteMember,
    TeamLeader,
    Workshop,
    WorkshopEvent,
    WorkshopReport,
)
from bangfu.employers.models.groups import month_index
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops.lifecycle import TRANSITIONS
from bangfu.registry import choices as rc
from bangfu.registry.generator import generate_county
from bangfu.registry.models import EmploymentSpell, Person

COUNTY = "522633"
TODAY = datetime.date(2026, 11, 10)
FIRST_RECORD_MONTH = datetime.date(2025, 11, 1)  # the twelve months before TODAY's
S = WorkshopStatus


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One generated county for the module, with Guangxi's criteria in force and the county officer
    as the actor, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            generate_county(COUNTY, 10_000, seed=3, today=TODAY)
            cr.load_criteria(system_account(), cr.read_file(cr.GUANGXI_2022), region="52", command=True)
            officer = User.objects.create(username="officer", role=Role.HRSS_OFFICER, region_id=COUNTY + "000000")
            result = generate_employers(COUNTY, seed=3, today=TODAY, actor=officer)
            result.actor = officer
            yield result
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_it_makes_what_it_reports_with_every_status_and_kind(county, db):
    assert Workshop.objects.count() == county.workshops >= 11
    assert Employment.objects.count() == county.employments > 0
    assert MonthlyRecord.objects.count() == county.monthly_records > county.employments
    assert set(Workshop.objects.values_list("status", flat=True)) == set(WorkshopStatus.values)
    assert set(Workshop.objects.values_list("kind", flat=True)) == set(WorkshopKind.values)


def test_every_employee_is_a_ledger_worker_whose_open_spell_names_the_workplace(county, db):
    for employment in Employment.objects.select_related("spell", "person", "workshop", "employer"):
        workplace = employment.workshop.name if employment.workshop else employment.employer.name
        assert employment.spell.end_month is None
        assert employment.spell.person_id == employment.person_id
        assert employment.spell.employer_name == employment.person.employer_name == workplace
        assert employment.person.employment_status == "in_county"
        assert employment.start_date == employment.spell.start_month


def test_monthly_records_fit_their_month_and_the_year_before_this_month(county, db):
    for record in MonthlyRecord.objects.select_related("employment"):
        assert record.month.day == 1
        assert datetime.date(2025, 11, 1) <= record.month <= datetime.date(2026, 10, 1)
        assert record.month >= record.employment.start_date.replace(day=1)
        assert 0 < record.days_worked <= calendar.monthrange(record.month.year, record.month.month)[1]
        assert record.pay > 0


def test_workshops_started_before_their_first_worker_and_certified_ones_carry_certificates(county, db):
    first = dict(Employment.objects.values("workshop").annotate(first=Min("start_date"))
                 .values_list("workshop", "first"))
    for workshop in Workshop.objects.all():
        assert workshop.start_date <= first[workshop.pk]
        certified = workshop.status in {"running", "pending", "clearing", "revoked", "upgraded"}
        assert bool(workshop.certificate_number) == certified == (workshop.certified_on is not None)


def test_credit_codes_are_valid_and_one_employer_runs_two_workshops(county, db):
    for code in Employer.objects.values_list("credit_code", flat=True):
        assert uscc.validate(code) == code
    assert Employer.objects.annotate(n=Count("workshops")).filter(n__gte=2).exists()


def test_disabled_staff_count_the_disabled_workers_of_a_workshop_employer(county, db):
    for employer in Employer.objects.filter(workshops__isnull=False).distinct():
        if employer.workshops.count() == 1:
            disabled = Person.objects.filter(employments__employer=employer,
                                             disability_category__isnull=False).count()
            assert employer.disabled_staff_count == disabled


def test_it_refuses_a_county_that_has_employers(county, db):
    with pytest.raises(CountyHasEmployers):
        generate_employers(COUNTY, seed=3, today=TODAY)


# --- workshop timelines ---------------------------------------------------------------------------

def _timelines():
    found = defaultdict(list)
    for event in WorkshopEvent.objects.order_by("workshop_id", "at", "id"):
        found[event.workshop_id].append(event)
    return found


def test_every_workshop_has_a_timeline_lifecycle_allows_that_ends_in_its_status(county, db):
    timelines = _timelines()
    assert WorkshopEvent.objects.count() == county.events
    for workshop in Workshop.objects.all():
        events = timelines[workshop.pk]
        assert events[0].action == "apply" and events[0].from_status == ""
        status = None
        for before, event in zip([None, *events], events, strict=False):
            assert TRANSITIONS[(status, event.action)] == event.to_status, (workshop.name, status, event.action)
            assert event.from_status == (status or "")
            assert event.actor == county.actor
            if before is not None:
                assert event.at > before.at
            status = event.to_status
        assert status == workshop.status
        assert events[-1].at.date() < TODAY
        assert workshop.version == len(events)  # one version per move, as lifecycle counts them
        assert workshop.created_at == events[0].at
        assert workshop.start_date < events[0].at.date()


def test_every_lifecycle_state_is_reached_through_its_own_moves(county, db):
    actions = {status: set() for status in S.values}
    for workshop_id, events in _timelines().items():
        actions[Workshop.objects.get(pk=workshop_id).status].update(e.action for e in events)
    assert {"return", "resubmit"} <= actions[S.APPLIED] | actions[S.RETURNED]
    assert "review" in actions[S.REVIEWING] and "reject" in actions[S.REJECTED]
    assert {"certify", "monitor_normal", "monitor_pending"} <= actions[S.RUNNING]  # one fell short and recovered
    assert "monitor_pending" in actions[S.PENDING] and "monitor_clearing" in actions[S.CLEARING]
    assert {"monitor_clearing", "revoke"} <= actions[S.REVOKED] and "upgrade" in actions[S.UPGRADED]
    assert county.statuses == dict(Counter(Workshop.objects.values_list("status", flat=True)))


def test_the_certify_event_carries_the_workshops_certificate(county, db):
    for workshop in Workshop.objects.all():
        certify = list(workshop.events.filter(action="certify"))
        if workshop.certificate_number is None:
            assert certify == [] and workshop.status in (S.APPLIED, S.REVIEWING, S.RETURNED, S.REJECTED)
            continue
        [event] = certify
        assert event.details == {"certificate_number": workshop.certificate_number,
                                 "certified_on": workshop.certified_on.isoformat(),
                                 "level": workshop.certified_level}
        assert event.at.date() == workshop.certified_on
        assert workshop.certified_level in (Level.CITY, Level.COUNTY)
    assert Workshop.objects.get(status=S.UPGRADED).certified_level == Level.CITY


def test_monitoring_is_quarterly_and_follows_the_evaluation_where_the_records_cover_it(county, db):
    evaluated = 0
    for workshop_id, events in _timelines().items():
        certified = next((e.at.date() for e in events if e.action == "certify"), None)
        monitored = [e for e in events if e.action.startswith("monitor_")]
        if certified is None:
            assert monitored == []
            continue
        quarters = [ev.quarter_of(datetime.date.fromisoformat(e.details["on"])) for e in monitored]
        for event, (year, quarter) in zip(monitored, quarters, strict=True):
            on = datetime.date.fromisoformat(event.details["on"])
            assert on == ev.quarter_end(year, quarter) and certified < on < event.at.date()
            assert event.details["result"] == event.action.removeprefix("monitor_")
            if ev.period_of(on, 3)[0] >= FIRST_RECORD_MONTH:
                evaluated += 1
                assert event.evaluation["on"] == on.isoformat()
                assert event.evaluation["passed"] is (event.action == "monitor_normal"), (workshop_id, on)
            else:  # kept from before the records: no evaluation to show
                assert event.evaluation is None
        indexes = [year * 4 + quarter for year, quarter in quarters]
        assert indexes == list(range(indexes[0], indexes[0] + len(indexes))) if indexes else True
    assert evaluated >= 3 * Workshop.objects.filter(status=S.RUNNING).count()


def test_a_buffer_starts_with_the_first_shortfall_and_clearing_waits_for_it_to_end(county, db):
    for workshop in Workshop.objects.filter(status__in=(S.PENDING, S.CLEARING, S.REVOKED)):
        events = list(workshop.events.order_by("at", "id"))
        started = [e for e in events if e.action == "monitor_pending" and e.from_status == S.RUNNING][-1]
        until = ev.add_months(datetime.date.fromisoformat(started.details["on"]), 6)  # Guangxi's buffer
        assert started.details["buffer_until"] == until.isoformat() == workshop.buffer_until.isoformat()
        for event in events[events.index(started) + 1:]:
            assert "buffer_until" not in event.details
            if event.action == "monitor_clearing":
                assert datetime.date.fromisoformat(event.details["on"]) > until
            if event.action == "monitor_pending":
                assert datetime.date.fromisoformat(event.details["on"]) <= until
    assert not Workshop.objects.filter(~Q(status__in=(S.PENDING, S.CLEARING, S.REVOKED)),
                                       buffer_until__isnull=False).exists()


def test_shortfalls_are_in_the_records_low_insurance_in_the_months_found_short(county, db):
    for event in WorkshopEvent.objects.filter(action__in=("monitor_pending", "monitor_clearing"),
                                              evaluation__isnull=False):
        failing = {r["measure"] for r in event.evaluation["results"] if not r["passed"]}
        assert "insurance_per_person_month" in failing or "tuopin_workers" in failing


def test_the_upgrade_and_the_revocation_say_why(county, db):
    upgrade = WorkshopEvent.objects.get(action="upgrade")
    assert upgrade.evaluation["passed"] is True and upgrade.evaluation["purpose"] == "upgrade"
    assert upgrade.details["on"] == "2026-10-31"
    assert WorkshopReport.objects.filter(workshop=upgrade.workshop, year=2025, revenue__gte=500_000).exists()
    for revoke in WorkshopEvent.objects.filter(action="revoke"):
        assert revoke.comment and revoke.details == {"reason": revoke.comment}


def test_certified_workshops_report_their_years_since_certification(county, db):
    assert WorkshopReport.objects.count() == county.reports > 0
    for report in WorkshopReport.objects.select_related("workshop"):
        assert report.workshop.certified_on.year <= report.year < TODAY.year
        assert report.revenue > 0 and report.wages_paid > 0


def test_the_workshops_keep_the_seeds_proportions(county, db):
    """Seed 003: 35 workshops, 1,386 workers (about 40 each), 666 of them registered-poor (48 %), 329
    relocated (24 %), 15 of the 35 at relocation sites (43 %)."""
    workers = Employment.objects.filter(workshop__isnull=False)
    # About one workshop per 40 workers, and at least one in each state to show (a county this small).
    assert Workshop.objects.count() == max(11, round(workers.count() / WORKERS_PER_WORKSHOP))
    poor = workers.filter(person__poverty_status__in=cr.TUOPIN_STATUSES).count() / workers.count()
    assert 0.40 <= poor <= 0.56
    relocated = workers.filter(person__relocated=True).count() / workers.count()
    assert 0.18 <= relocated <= 0.30
    relocation = Workshop.objects.filter(site=WorkshopSite.RELOCATION).count() / Workshop.objects.count()
    assert 0.30 <= relocation <= 0.55


def test_the_workshops_at_relocation_sites_have_the_most_relocated_workers(county, db):
    relocated = dict(Workshop.objects.annotate(n=Count("employments", filter=Q(employments__person__relocated=True)))
                     .values_list("pk", "n"))
    at_sites = Workshop.objects.filter(site=WorkshopSite.RELOCATION)
    elsewhere = Workshop.objects.exclude(site=WorkshopSite.RELOCATION).exclude(kind=WorkshopKind.FARMING)
    assert at_sites.exists() and elsewhere.exists()
    assert min(relocated[w.pk] for w in at_sites) >= max(relocated[w.pk] for w in elsewhere)
    assert not at_sites.filter(kind=WorkshopKind.FARMING).exists()
    for workshop in Workshop.objects.all():
        assert ("安置点" in workshop.address) == (workshop.site == WorkshopSite.RELOCATION)


# --- demonstration sites --------------------------------------------------------------------------

def test_sites_of_every_kind_at_several_levels_with_programme_tags(county, db):
    sites = Site.objects.all()
    assert county.groups.sites == sites.count()
    assert {SiteKind.EMPLOYMENT_BASE, SiteKind.TRAINING_BASE, SiteKind.DEMONSTRATION, SiteKind.MASSAGE_SHOP} <= set(
        sites.values_list("kind", flat=True))
    assert len(set(sites.values_list("level", flat=True))) >= 3
    assert set(Programme.objects.values_list("name", flat=True)) >= {"双百双千", "东西部协作", "乡村振兴"}
    assert sites.filter(kind=SiteKind.MASSAGE_SHOP, programmes__name="双百双千").exists()
    for site in sites:
        assert site.region_code.startswith(COUNTY) and site.named_by.endswith("残疾人联合会")
        assert site.named_on < TODAY and site.members.exists()


def test_site_members_are_disabled_people_of_the_county_employed_there(county, db):
    members = SiteMember.objects.select_related("site", "person")
    assert members.count() == county.groups.site_members
    for member in members:
        assert member.person.region_code.startswith(COUNTY)
        if member.relation != SiteRelation.MANAGER:
            assert member.person.disability_category is not None
        if member.relation == SiteRelation.EMPLOYED:
            assert Employment.objects.filter(person=member.person, employer=member.site.employer_id,
                                             end_date__isnull=True).exists()
        if member.relation == SiteRelation.TRAINED:
            assert member.start_date <= member.end_date < TODAY


def test_massage_shops_employ_blind_people_whose_job_spell_names_the_shop(county, db):
    employed = SiteMember.objects.filter(site__kind=SiteKind.MASSAGE_SHOP, relation=SiteRelation.EMPLOYED)
    assert employed.exists() and county.groups.massage_workers == employed.count()
    for member in employed.select_related("site__employer", "person"):
        assert member.person.disability_category == rc.DisabilityCategory.VISUAL
        employment = Employment.objects.select_related("spell").get(person=member.person, employer=member.site.employer)
        assert employment.spell.employer_name == member.person.employer_name == member.site.employer.name
        assert employment.months.exists() and employment.job_title == "保健按摩师"
    for member in SiteMember.objects.filter(site__kind=SiteKind.MASSAGE_SHOP, relation=SiteRelation.TRAINED):
        assert member.person.disability_category == rc.DisabilityCategory.VISUAL


# --- labour cooperatives --------------------------------------------------------------------------

def test_cooperatives_at_three_levels_with_members_of_the_county(county, db):
    coops = Cooperative.objects.all()
    assert coops.count() == county.groups.cooperatives
    lengths = {len(code.rstrip("0")) for code in coops.values_list("region_code", flat=True)}
    assert coops.filter(name="从江县劳务合作社").exists() and coops.filter(name__endswith="镇劳务合作社").exists()
    assert lengths & {10, 11, 12}  # a village's (its code has village digits)
    assert CoopMember.objects.count() == county.groups.coop_members
    for member in CoopMember.objects.select_related("cooperative", "person"):
        assert member.person.region_code.startswith(COUNTY)
        assert member.cooperative.founded_on < member.joined_on < TODAY
        assert member.left_on is None or member.joined_on <= member.left_on < TODAY
    for coop in coops.select_related("employer"):
        assert coop.employer.kind == "cooperative" and uscc.validate(coop.employer.credit_code)


def test_dispatched_people_left_when_and_where_their_organised_job_spell_says(county, db):
    went = DispatchPerson.objects.select_related("dispatch", "member", "dispatch__employer")
    assert went.count() == county.groups.dispatched > 0
    seen = defaultdict(list)
    for row in went:
        dispatch = row.dispatch
        assert row.member.person_id == row.person_id and row.member.cooperative_id == dispatch.cooperative_id
        assert row.member.is_current(dispatch.start_date)
        spell = EmploymentSpell.objects.get(person=row.person_id, channel=rc.Channel.ORGANISED,
                                            start_month=dispatch.start_date.replace(day=1))
        if dispatch.destination == Destination.PARTNER_CITY:
            assert "杭州市" in spell.place_text and dispatch.city == "浙江省杭州市萧山区"
            assert dispatch.city_code == "330109"
        elif dispatch.employer_id:
            assert spell.employer_name == dispatch.employer.name and spell.place == rc.SpellPlace.IN_COUNTY
        else:
            assert spell.employer_name == dispatch.employer_name and spell.place != rc.SpellPlace.IN_COUNTY
        seen[row.person_id].append(dispatch)
    for dispatches in seen.values():  # nobody is on two dispatches at once
        dispatches.sort(key=lambda d: d.start_date)
        assert all(a.until < b.start_date for a, b in zip(dispatches, dispatches[1:], strict=False))
    assert Dispatch.objects.filter(destination=Destination.PARTNER_CITY).exists()
    assert Dispatch.objects.filter(destination=Destination.EMPLOYER).exists()


def test_dispatches_keep_their_dates_and_are_led_by_a_leader_in_office(county, db):
    assert Dispatch.objects.count() == county.groups.dispatches
    for dispatch in Dispatch.objects.select_related("leader__member", "cooperative"):
        assert dispatch.start_date <= TODAY and dispatch.region_code == dispatch.cooperative.region_code
        assert dispatch.until == (dispatch.end_date or last_day(dispatch.start_date, dispatch.planned_months))
        assert (dispatch.first_month, dispatch.last_month) == (month_index(dispatch.start_date),
                                                               month_index(dispatch.until))
        if dispatch.leader is not None:
            assert dispatch.leader.member.cooperative_id == dispatch.cooperative_id
            assert dispatch.leader.is_current(dispatch.start_date)
    assert Dispatch.objects.filter(leader__isnull=False).count() > Dispatch.objects.count() / 2
    for leader in TeamLeader.objects.select_related("member"):
        assert leader.member.joined_on <= leader.start_date and leader.member.left_on is None
        assert leader.end_date is None or leader.start_date <= leader.end_date < TODAY


def test_the_appraisals_are_the_groups_own_figures_and_the_earlier_is_awarded(county, db):
    earlier, latest = Appraisal.objects.order_by("year", "half")
    assert (earlier.year, earlier.half, latest.year, latest.half) == (2025, 2, 2026, 1)
    assert latest.awarded_at is None and earlier.awarded_at is not None
    assert earlier.computed_by == latest.computed_by == county.actor
    for appraisal in (earlier, latest):
        rows = [{k: v for k, v in row.items() if k != "cooperative_id"} for row in stats.cooperative_results(appraisal)]
        kept = list(appraisal.entries.filter(subject="cooperative").order_by("rank").values(
            "people", "person_months", "dispatches"))
        assert kept == rows
    awarded = earlier.entries.filter(awarded=True)
    assert set(awarded.filter(subject="cooperative").values_list("award", flat=True)) == {2000}
    assert set(awarded.filter(subject="leader").values_list("award", flat=True)) == {1000}
    assert awarded.filter(subject="cooperative", rank=1).exists()
    assert awarded.filter(subject="leader").count() <= 5 * awarded.filter(subject="cooperative").count()


# --- determinism ----------------------------------------------------------------------------------

def _fingerprint() -> tuple:
    county = "522631"
    return (
        sorted(Workshop.objects.filter(region_code__startswith=county).values_list(
            "name", "status", "start_date", "certificate_number", "buffer_until", "version")),
        sorted(WorkshopEvent.objects.filter(workshop__region_code__startswith=county).values_list(
            "workshop__name", "action", "at", "comment")),
        sorted(Site.objects.filter(region_code__startswith=county).values_list("name", "kind", "level", "named_on")),
        sorted(SiteMember.objects.filter(site__region_code__startswith=county).values_list(
            "site__name", "person__name", "relation", "start_date")),
        sorted(DispatchPerson.objects.filter(dispatch__region_code__startswith=county).values_list(
            "dispatch__cooperative__name", "dispatch__start_date", "person__name", "person__birth_date")),
        sorted(MonthlyRecord.objects.filter(employment__region_code__startswith=county).values_list(
            "employment__person__name", "month", "days_worked", "pay", "insurance")),
    )


def test_the_same_seed_makes_the_same_county(county, db):
    prints = []
    for _run in range(2):
        with transaction.atomic():
            generate_county("522631", 1500, seed=9, today=TODAY)
            generate_employers("522631", seed=9, today=TODAY, actor=county.actor)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0][1]  # with events
