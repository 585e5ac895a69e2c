import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.employers.groups import actions
from bangfu.employers.groups.tests.conftest import dispatch_data
from bangfu.employers.models import DispatchPerson
from bangfu.employers.testing import make_cooperative
from bangfu.registry.testing import make_person

VILLAGE = "522633101001"
D = datetime.date


def test_it_records_a_dispatch_with_its_months(world, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    assert dispatch.until == D(2025, 5, 31)
    assert (dispatch.first_month, dispatch.last_month) == (2025 * 12 + 2, 2025 * 12 + 4)
    assert dispatch.region_code == VILLAGE
    assert set(DispatchPerson.objects.filter(dispatch=dispatch).values_list("member_id", flat=True)) == {
        coop.first.pk, coop.second.pk}
    assert dispatch.history.get().history_user == world.alice


def test_it_refuses_a_person_in_two_overlapping_dispatches(world, coop):
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2025, 5, 31),
                                                                     people=[coop.second]))
    assert "石阿妹" in caught.value.message_dict["people"][0]
    later = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2025, 6, 1),
                                                                        people=[coop.second]))
    assert later.pk


def test_it_dispatches_only_members_of_the_cooperative_on_the_start_date(world, coop):
    other = make_cooperative(world.alice, VILLAGE, "别的合作社")
    stranger = actions.do_add_coop_member(world.alice, other, make_person(world.alice, VILLAGE, "外社人"),
                                          {"joined_on": D(2024, 2, 1)})
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, people=[stranger]))
    assert "people" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # before joining
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2024, 1, 15), leader=None))
    assert "不是合作社成员" in caught.value.message_dict["people"][0]
    with pytest.raises(ValidationError):
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, people=[]))


def test_it_requires_a_leader_in_office_of_this_cooperative(world, coop):
    with pytest.raises(ValidationError) as caught:  # the leader took office on 2024-03-01
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2024, 2, 29)))
    assert "leader" in caught.value.message_dict
    other = make_cooperative(world.alice, VILLAGE, "别的合作社")
    member = actions.do_add_coop_member(world.alice, other, make_person(world.alice, VILLAGE, "别队长"),
                                        {"joined_on": D(2024, 2, 1)})
    foreign = actions.do_appoint_leader(world.alice, member, {"start_date": D(2024, 3, 1)})
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, leader=foreign))
    assert "leader" in caught.value.message_dict
    assert actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2024, 3, 1))).pk


def test_it_checks_the_destination_and_the_dates_of_a_dispatch(world, coop):
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(
            coop, city="", city_code="33", end_date=D(2025, 2, 1), planned_months=None))
    assert set(caught.value.message_dict) == {"city", "city_code", "end_date"}
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, planned_months=None))
    assert "planned_months" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, planned_months=37))
    with pytest.raises(ValidationError) as caught:
        actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, destination="employer", city=""))
    assert "employer_name" in caught.value.message_dict
    to_employer = actions.do_record_dispatch(world.alice, coop, dispatch_data(
        coop, destination="employer", employer_name="宁波某电子厂", end_date=D(2025, 3, 1), planned_months=None))
    assert to_employer.destination_label == "宁波某电子厂" and to_employer.city == ""


def test_it_keeps_a_leader_within_the_membership_and_one_term_at_a_time(world, coop):
    with pytest.raises(ValidationError) as caught:
        actions.do_appoint_leader(world.alice, coop.second, {"start_date": D(2024, 1, 31)})
    assert "start_date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.do_appoint_leader(world.alice, coop.first, {"start_date": D(2025, 1, 1)})
    assert "时间重叠" in caught.value.message_dict["start_date"][0]
    actions.do_end_leader(world.alice, coop.leader, {"end_date": D(2024, 12, 31)})
    assert actions.do_appoint_leader(world.alice, coop.first, {"start_date": D(2025, 1, 1)}).pk


def test_it_refuses_leaving_while_leading_or_away(world, coop):
    with pytest.raises(ValidationError) as caught:
        actions.do_end_coop_member(world.alice, coop.first, {"left_on": D(2025, 1, 1)})
    assert "劳务队长" in caught.value.message_dict["left_on"][0]
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    with pytest.raises(ValidationError) as caught:
        actions.do_end_coop_member(world.alice, coop.second, {"left_on": D(2025, 5, 30)})
    assert "组织输出" in caught.value.message_dict["left_on"][0]
    assert actions.do_end_coop_member(world.alice, coop.second, {"left_on": D(2025, 5, 31)}).left_on == D(2025, 5, 31)


def test_it_refuses_a_second_overlapping_membership_and_joining_before_founding(world, coop):
    with pytest.raises(ValidationError) as caught:
        actions.do_add_coop_member(world.alice, coop, coop.first.person, {"joined_on": D(2025, 1, 1)})
    assert "person" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.do_add_coop_member(world.alice, coop, make_person(world.alice, VILLAGE, "早到者"),
                                   {"joined_on": D(2023, 12, 31)})
    assert "joined_on" in caught.value.message_dict


def test_it_keeps_dispatches_in_their_cooperatives_region_when_it_moves(world, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    actions.do_update_cooperative(world.alice, coop, {"region_code": "522633102001"})
    dispatch.refresh_from_db()
    assert dispatch.region_code == "522633102001"
