"""Test support: one record of each scoped employer-side model, for the generated scope-matrix test
(see bangfu/registry/testing.py), and the makers other tests build on."""

import datetime
import itertools

from bangfu.employers import models as m
from bangfu.employers import uscc
from bangfu.employers.employment import actions as employment_actions
from bangfu.employers.groups import actions as groups
from bangfu.employers.models import Employer
from bangfu.employers.organisations import actions
from bangfu.employers.workshops import actions as workshop_actions
from bangfu.employers.workshops import lifecycle
from bangfu.registry.testing import make_disabled_person, make_person

_sequence = itertools.count(1)


def credit_code(region6: str = "522633") -> str:
    """A valid unified social credit code, new at each call."""
    number = next(_sequence)
    return uscc.build("9", "1", region6, f"MA{number:06d}")


def make_employer(creator, village: str, tag: str, **fields) -> Employer:
    data = {"name": tag, "kind": "enterprise", "credit_code": credit_code(village[:6]), "region_code": village,
            "staff_count": 40, "disabled_staff_count": 0, **fields}
    return actions.do_create_employer(creator, data)


FACTORIES: dict = {}
NARROWED_OUT: dict = {}

FACTORIES[Employer] = make_employer

# --- groups: demonstration sites and labour cooperatives ---------------------------------------

def make_site(creator, village: str, tag: str, **fields):
    return groups.do_create_site(creator, {"name": tag, "kind": "employment_base", "level": "county",
                                           "region_code": village, **fields})


def make_site_member(creator, village: str, tag: str):
    site = make_site(creator, village, "基地")
    return groups.do_add_site_member(creator, site, make_disabled_person(creator, village, tag),
                                     {"relation": "employed", "start_date": datetime.date(2025, 3, 1)})


def make_cooperative(creator, village: str, tag: str, **fields):
    return groups.do_create_cooperative(creator, {"name": tag, "region_code": village,
                                                  "founded_on": datetime.date(2024, 1, 1), **fields})


def make_coop_member(creator, village: str, tag: str, cooperative=None):
    cooperative = cooperative or make_cooperative(creator, village, "合作社")
    return groups.do_add_coop_member(creator, cooperative, make_disabled_person(creator, village, tag),
                                     {"joined_on": datetime.date(2024, 2, 1)})


def make_leader(creator, village: str, tag: str):
    member = make_coop_member(creator, village, tag)
    return groups.do_appoint_leader(creator, member, {"start_date": datetime.date(2024, 3, 1)})


def make_dispatch(creator, village: str, tag: str, person_tag: str = "输出人员"):
    leader = make_leader(creator, village, "队长")
    member = make_coop_member(creator, village, person_tag, leader.member.cooperative)
    return groups.do_record_dispatch(creator, leader.member.cooperative, {
        "destination": "partner_city", "city": tag, "city_code": "330109", "leader": leader,
        "start_date": datetime.date(2025, 3, 1), "planned_months": 6, "people": [member, leader.member]})


def make_dispatch_person(creator, village: str, tag: str):
    dispatch = make_dispatch(creator, village, "杭州市萧山区", person_tag=tag)
    return dispatch.went.get(person__name=tag)


def make_appraisal(creator, village: str, tag: str):
    return groups.do_compute_appraisal(creator, {"region_code": village, "year": 2025, "half": 1, "note": tag})


def make_appraisal_entry(creator, village: str, tag: str):
    cooperative = make_cooperative(creator, village, tag)
    appraisal = groups.do_compute_appraisal(creator, {"region_code": village, "year": 2025, "half": 2})
    return appraisal.entries.get(cooperative=cooperative)


FACTORIES.update({
    m.Site: make_site, m.SiteMember: make_site_member, m.Cooperative: make_cooperative,
    m.CoopMember: make_coop_member, m.TeamLeader: make_leader, m.Dispatch: make_dispatch,
    m.DispatchPerson: make_dispatch_person, m.Appraisal: make_appraisal, m.AppraisalEntry: make_appraisal_entry,
})

# --- employment (employment/): an employment of a person of the village at an employer there ------

def make_employment(creator, village: str, tag: str, *, disabled: bool = True, **fields):
    """An open employment (job title = tag) of a new person of the village at a new employer there.
    The person is disabled by default, so that the federation's narrowing keeps it in view."""
    # Neither the person nor the employer carries the tag: other lists show them (the employer filter).
    number = next(_sequence)
    person = (make_disabled_person if disabled else make_person)(creator, village, f"用工人员{number}")
    employer = make_employer(creator, village, f"用人单位{number}")
    data = {"person": person, "start_date": datetime.date(2024, 1, 1), "job_title": tag, **fields}
    return employment_actions.do_start_employment(creator, employer, data)


def make_monthly_record(creator, village: str, tag: str, *, disabled: bool = True):
    employment = make_employment(creator, village, tag, disabled=disabled)
    employment_actions.do_submit_roster(creator, employment.employer, None, datetime.date(2024, 3, 1),
                     [{"employment": str(employment.pk), "days_worked": 20, "pay": "2600"}])
    return employment.months.get()


def make_roster_submission(creator, village: str, tag: str):
    employer = make_employer(creator, village, tag)
    return employment_actions.do_submit_roster(creator, employer, None, datetime.date(2024, 3, 1), []).submission


FACTORIES.update({m.Employment: make_employment, m.MonthlyRecord: make_monthly_record,
                  m.RosterSubmission: make_roster_submission})
NARROWED_OUT.update({
    m.Employment: lambda creator, village, tag: make_employment(creator, village, tag, disabled=False),
    m.MonthlyRecord: lambda creator, village, tag: make_monthly_record(creator, village, tag, disabled=False)})

# --- the workshops part ---------------------------------------------------------------------------

def make_workshop(creator, village: str, tag: str, *, employer=None, **fields):
    """A workshop applied for (through the real action) by an employer of the village."""
    employer = employer or make_employer(creator, village, f"{tag}的单位")
    data = {"name": tag, "kind": "factory", "site": "poor_village", "region_code": village, **fields}
    return lifecycle.do_apply_workshop(creator, employer, data)


def make_workshop_event(creator, village: str, tag: str):
    return lifecycle.do_comment_workshop(creator, make_workshop(creator, village, "车间"), tag)


def make_workshop_report(creator, village: str, tag: str):
    return workshop_actions.do_record_workshop_report(creator, make_workshop(creator, village, "车间"),
                                             {"year": 2024, "revenue": 600000, "note": tag})


FACTORIES.update({m.Workshop: make_workshop, m.WorkshopEvent: make_workshop_event,
                  m.WorkshopReport: make_workshop_report})
