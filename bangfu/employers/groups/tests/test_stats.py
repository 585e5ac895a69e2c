import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.employers.groups import actions, stats
from bangfu.employers.groups.tests.conftest import dispatch_data
from bangfu.employers.models import Cooperative, Site, SiteMember
from bangfu.employers.testing import make_site
from bangfu.registry.testing import make_disabled_person, make_person

VILLAGE = "522633101001"
D = datetime.date


def test_it_counts_sites_by_level_and_kind(world):
    make_site(world.alice, VILLAGE, "甲", level="county")
    make_site(world.alice, VILLAGE, "乙", level="county")
    make_site(world.alice, VILLAGE, "丙", level="province", kind="massage_shop")
    assert stats.sites_by_level_and_kind(Site.objects.all()) == {("county", "employment_base"): 2,
                                                                 ("province", "massage_shop"): 1}


def test_it_counts_disabled_people_employed_and_trained_in_a_period_once_each(world):
    one, two = make_site(world.alice, VILLAGE, "甲"), make_site(world.alice, VILLAGE, "乙")
    person = make_disabled_person(world.alice, VILLAGE, "残一")
    for site in (one, two):  # one person in two sites counts once
        actions.do_add_site_member(world.alice, site, person, {"relation": "employed", "start_date": D(2025, 1, 1)})
    ended = make_disabled_person(world.alice, VILLAGE, "残二")
    member = actions.do_add_site_member(world.alice, one, ended, {"relation": "trained", "start_date": D(2024, 1, 1)})
    actions.do_end_site_member(world.alice, member, {"end_date": D(2024, 12, 31)})
    actions.do_add_site_member(world.alice, one, make_person(world.alice, VILLAGE, "管理员"),
                               {"relation": "manager", "start_date": D(2024, 1, 1)})
    members = SiteMember.objects.all()
    assert stats.site_people(members, D(2025, 1, 1), D(2025, 6, 30)) == {"employed": 1, "trained": 0}
    assert stats.site_people(members, D(2024, 12, 31), D(2025, 6, 30)) == {"employed": 1, "trained": 1}
    assert stats.site_people(members, D(2024, 1, 1), D(2024, 12, 30)) == {"employed": 0, "trained": 1}


def test_it_sums_people_and_person_months_by_region(world, coop):
    # March–May 2025 (3 months) for two people; a second dispatch of one person June–July.
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2025, 6, 1), planned_months=2,
                                                                people=[coop.second]))
    figures = stats.cooperative_figures(Cooperative.objects.all(), D(2025, 1, 1), D(2025, 6, 30))
    assert figures == {"522633101": {"cooperatives": 1, "members": 2, "people": 2, "person_months": 7,
                                     "dispatches": 2}}
    # A period cutting a dispatch counts only its months inside.
    assert stats.cooperative_figures(Cooperative.objects.all(), D(2025, 5, 1), D(2025, 5, 31),
                                     digits=12)[VILLAGE]["person_months"] == 2
    assert stats.cooperative_figures(Cooperative.objects.all(), D(2025, 8, 1), D(2025, 12, 31))[
        "522633101"]["people"] == 0


def test_it_ranks_cooperatives_and_leaders_for_the_half_year_and_keeps_the_awards(world, coop):
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, planned_months=6))  # Mar–Aug: 4 months in H1
    quiet = actions.do_create_cooperative(world.alice, {"name": "冷清合作社", "region_code": VILLAGE})
    appraisal = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    coops = list(appraisal.entries.filter(subject="cooperative").order_by("rank"))
    assert [(e.cooperative_id, e.people, e.person_months, e.dispatches) for e in coops] == [
        (coop.pk, 2, 8, 1), (quiet.pk, 0, 0, 0)]
    leaders = list(appraisal.entries.filter(subject="leader"))
    assert [(e.person_id, e.people, e.person_months) for e in leaders] == [(coop.first.person_id, 2, 8)]
    actions.do_award_appraisal(world.alice, appraisal, {"cooperatives": [coops[0].pk], "leaders": [leaders[0].pk],
                                                        "cooperative_award": "5000", "leader_award": "1000"}, version=1)
    assert [(e.awarded, e.award) for e in appraisal.entries.order_by("subject", "rank")] == [
        (True, 5000), (False, 0), (True, 1000)]
    with pytest.raises(ValidationError):  # awarded: computing again would lose the result
        actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})


def test_it_refuses_awards_outside_the_appraisal_and_bad_amounts(world, coop):
    appraisal = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    other = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 2})
    with pytest.raises(ValidationError) as caught:
        actions.do_award_appraisal(world.alice, appraisal, {"cooperatives": [other.entries.first().pk],
                                                            "cooperative_award": "-1"})
    assert set(caught.value.message_dict) == {"cooperative_award"}
    with pytest.raises(ValidationError) as caught:
        actions.do_award_appraisal(world.alice, appraisal, {"cooperatives": [other.entries.first().pk]})
    assert set(caught.value.message_dict) == {"cooperatives"}


def test_it_refuses_an_appraisal_of_a_bad_period_or_region(world):
    with pytest.raises(ValidationError) as caught:
        actions.do_compute_appraisal(world.alice, {"region_code": "999999", "year": 1999, "half": 3})
    assert set(caught.value.message_dict) == {"region_code", "year", "half"}
