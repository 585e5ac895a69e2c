import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.audit.models import Action, AuditEntry
from bangfu.core.permissions import Forbidden
from bangfu.employers.groups import actions
from bangfu.employers.models import Programme
from bangfu.employers.testing import make_employer, make_site
from bangfu.registry.testing import make_disabled_person, make_person

VILLAGE = "522633101001"
D = datetime.date


def test_it_creates_a_site_with_programmes_history_and_audit(world):
    programme = actions.do_save_programme(world.alice, {"name": "双百双千"})
    site = make_site(world.alice, VILLAGE, "从江县盲人按摩示范店", kind="massage_shop", programmes=["双百双千"])
    assert list(site.programmes.all()) == [programme]
    row = site.history.get()
    assert row.history_user == world.alice
    assert [p.programme_id for p in row.programmes.all()] == [programme.pk]
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="employers.site",
                                     object_id=str(site.pk)).exists()


def test_it_names_every_bad_field_of_a_site(world):
    with pytest.raises(ValidationError) as caught:
        actions.do_create_site(world.alice, {"name": "", "kind": "castle", "level": "", "region_code": "522633",
                                             "named_on": "2020-13-01", "programmes": ["没有的项目"]})
    errors = caught.value.message_dict
    assert set(errors) == {"name", "kind", "level", "region_code", "named_on", "programmes"}
    assert "没有的项目" in errors["programmes"][0]


def test_it_refuses_a_site_outside_the_users_region_and_to_roles_without_the_permission(world):
    with pytest.raises(Forbidden):
        make_site(world.bob, VILLAGE, "别县的基地")
    with pytest.raises(Forbidden):
        make_site(world.audrey, VILLAGE, "审计不能登记")


def test_it_refuses_an_employer_the_user_does_not_see(world):
    other = make_employer(world.bob, "522631101001", "黎平县企业")
    with pytest.raises(ValidationError) as caught:
        make_site(world.alice, VILLAGE, "基地", employer=other.pk)
    assert "employer" in caught.value.message_dict
    mine = make_employer(world.alice, VILLAGE, "从江县企业")
    assert make_site(world.alice, VILLAGE, "基地二", employer=mine.pk).employer == mine


def test_it_refuses_a_person_who_is_not_disabled_as_employed_or_trained(world):
    site = make_site(world.alice, VILLAGE, "基地")
    able = make_person(world.alice, VILLAGE, "王健全")
    for relation in ("employed", "trained"):
        with pytest.raises(ValidationError) as caught:
            actions.do_add_site_member(world.alice, site, able, {"relation": relation, "start_date": D(2025, 1, 1)})
        assert "王健全" in caught.value.message_dict["person"][0]
    manager = actions.do_add_site_member(world.alice, site, able, {"relation": "manager", "start_date": D(2025, 1, 1)})
    assert manager.pk


def test_it_refuses_an_overlapping_duplicate_membership_but_not_a_later_one(world):
    site = make_site(world.alice, VILLAGE, "基地")
    person = make_disabled_person(world.alice, VILLAGE, "杨残")
    first = actions.do_add_site_member(world.alice, site, person, {"relation": "employed", "start_date": D(2024, 1, 1)})
    with pytest.raises(ValidationError) as caught:
        actions.do_add_site_member(world.alice, site, person, {"relation": "employed", "start_date": D(2025, 1, 1)})
    assert "时间重叠" in caught.value.message_dict["person"][0]
    # Another relation at the same time is not a duplicate.
    actions.do_add_site_member(world.alice, site, person, {"relation": "trained", "start_date": D(2024, 6, 1)})
    actions.do_end_site_member(world.alice, first, {"end_date": D(2024, 12, 31)})
    with pytest.raises(ValidationError):  # the last day of the first one still overlaps
        actions.do_add_site_member(world.alice, site, person, {"relation": "employed", "start_date": D(2024, 12, 31)})
    again = actions.do_add_site_member(world.alice, site, person, {"relation": "employed", "start_date": D(2025, 1, 1)})
    assert again.pk


def test_it_refuses_an_end_before_the_start_and_a_second_end(world):
    site = make_site(world.alice, VILLAGE, "基地")
    member = actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "甲"),
                                        {"relation": "employed", "start_date": D(2025, 1, 1)})
    with pytest.raises(ValidationError) as caught:
        actions.do_end_site_member(world.alice, member, {"end_date": D(2024, 12, 31)})
    assert "end_date" in caught.value.message_dict
    actions.do_end_site_member(world.alice, member, {"end_date": D(2025, 1, 1)})
    with pytest.raises(ValidationError):
        actions.do_end_site_member(world.alice, member, {"end_date": D(2025, 2, 1)})
    with pytest.raises(ValidationError):
        actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "乙"),
                                   {"relation": "employed", "start_date": D(2025, 2, 1), "end_date": D(2025, 1, 1)})


def test_it_refuses_a_person_outside_the_users_ledger(world):
    site = make_site(world.tom, VILLAGE, "乡镇基地")
    elsewhere = make_disabled_person(world.alice, "522633102001", "干团村人")
    with pytest.raises(ValidationError) as caught:
        actions.do_add_site_member(world.tom, site, elsewhere, {"relation": "employed", "start_date": D(2025, 1, 1)})
    assert "person" in caught.value.message_dict
    # The DPF officer sees only disabled people: someone else is "not in the ledger" for her.
    able = make_person(world.alice, VILLAGE, "健全人")
    with pytest.raises(ValidationError):
        actions.do_add_site_member(world.dora, site, able, {"relation": "manager", "start_date": D(2025, 1, 1)})


def test_it_updates_a_site_with_a_version_and_refuses_a_stale_edit(world):
    from bangfu.core.writes import StaleEdit

    site = make_site(world.alice, VILLAGE, "基地")
    assert actions.do_update_site(world.alice, site, {"level": "province"}, version=1) == ["level"]
    with pytest.raises(StaleEdit):
        actions.do_update_site(world.alice, site, {"level": "city"}, version=1)
    assert actions.do_update_site(world.alice, site, {"level": "province"}, version=2) == []


def test_it_refuses_a_duplicate_programme_name(world):
    actions.do_save_programme(world.alice, {"name": "双百双千"})
    with pytest.raises(ValidationError):
        actions.do_save_programme(world.tom, {"name": "双百双千"})
    assert Programme.objects.count() == 1
