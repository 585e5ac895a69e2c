"""Editing a dispatch: the rules of a new one, the version guard, who went changed with history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from bangfu.audit.models import Action, AuditEntry
from bangfu.core.permissions import Forbidden
from bangfu.core.writes import StaleEdit
from bangfu.employers.groups import actions
from bangfu.employers.groups.tests.conftest import dispatch_data
from bangfu.employers.models import DispatchPerson
from bangfu.employers.organisations.actions import do_bind_operator
from bangfu.employers.testing import make_cooperative, make_employer
from bangfu.registry.testing import make_person

VILLAGE = "522633101001"
D = datetime.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def third(world, coop):
    return actions.do_add_coop_member(world.alice, coop, make_person(world.alice, VILLAGE, "潘老三"),
                                      {"joined_on": D(2024, 2, 1)})


def test_it_changes_dates_and_people_and_keeps_who_went_in_history(world, coop, third):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    assert dispatch.version == 1
    changed = actions.do_update_dispatch(world.alice, dispatch, {
        "planned_months": 4, "people": [coop.first.pk, third.pk]}, version=1)
    assert set(changed) >= {"planned_months", "until", "people"}
    dispatch.refresh_from_db()
    assert (dispatch.version, dispatch.until, dispatch.city) == (2, D(2025, 6, 30), "杭州市萧山区")
    assert set(dispatch.went.values_list("member_id", flat=True)) == {coop.first.pk, third.pk}
    rows = {(row.person.name, row.history_type) for row in DispatchPerson.history.filter(dispatch_id=dispatch.pk)}
    assert rows == {("吴老大", "+"), ("石阿妹", "+"), ("石阿妹", "-"), ("潘老三", "+")}
    assert all(row.history_user == world.alice for row in DispatchPerson.history.all())
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="employers.dispatch").get()
    assert entry.detail["added"] == 1 and entry.detail["removed"] == 1
    assert dispatch.history.first().history_change_reason == "修改"
    # Nothing changed: nothing written, the version stays.
    assert actions.do_update_dispatch(world.alice, dispatch, {"city": "杭州市萧山区"}, version=2) == []
    dispatch.refresh_from_db()
    assert dispatch.version == 2


def test_its_own_dates_are_not_an_overlap_but_another_dispatch_is(world, coop):
    first = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))  # 2025-03-01 .. 05-31
    # Moving it a month later overlaps only itself.
    actions.do_update_dispatch(world.alice, first, {"start_date": D(2025, 4, 1)})
    second = actions.do_record_dispatch(world.alice, coop, dispatch_data(
        coop, start_date=D(2025, 7, 1), planned_months=2, people=[coop.second]))
    with pytest.raises(ValidationError) as caught:
        actions.do_update_dispatch(world.alice, second, {"start_date": D(2025, 6, 1)})
    assert "石阿妹 已在 2025-04-01 至 2025-06-30 的组织输出（杭州市萧山区）中，时间重叠" in caught.value.messages[0]
    second.refresh_from_db()
    assert second.start_date == D(2025, 7, 1)


def test_it_refuses_what_a_new_dispatch_may_not_have(world, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    with pytest.raises(ValidationError) as caught:
        actions.do_update_dispatch(world.alice, dispatch, {"planned_months": None, "people": [],
                                                           "destination": "employer"})
    errors = caught.value.message_dict
    assert "请选择输出人员" in errors["people"][0]
    assert "请填写返回日期或计划务工月数" in errors["planned_months"][0]
    assert "请选择已登记的单位或填写单位名称" in errors["employer_name"][0]
    other = make_cooperative(world.alice, VILLAGE, "别的合作社")
    stranger = actions.do_add_coop_member(world.alice, other, make_person(world.alice, VILLAGE, "外人"),
                                          {"joined_on": D(2024, 2, 1)})
    with pytest.raises(ValidationError, match="不是“大塘劳务合作社”的成员"):
        actions.do_update_dispatch(world.alice, dispatch, {"people": [stranger.pk]})
    assert dispatch.went.count() == 2


def test_an_edit_on_an_older_version_is_refused(world, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    actions.do_update_dispatch(world.alice, dispatch, {"note": "第一批"}, version=1)
    with pytest.raises(StaleEdit, match="备注"):
        actions.do_update_dispatch(world.alice, dispatch, {"planned_months": 5}, version=1)
    dispatch.refresh_from_db()
    assert (dispatch.planned_months, dispatch.note) == (3, "第一批")


def test_only_the_officers_of_its_region_edit_it(world, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    for user in (world.bob, world.audrey, world.ed):
        with pytest.raises(Forbidden):
            actions.do_update_dispatch(user, dispatch, {"note": "x"})


def test_the_edit_page_shows_the_dispatch_and_saves_through_the_action(world, coop, third):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    client = _client(world.alice)
    url = reverse("dispatch_edit", args=[dispatch.pk])
    page = client.get(url).content.decode()
    assert 'value="杭州市萧山区"' in page and 'name="version" value="1"' in page and "潘老三" in page
    form = {"leader": coop.leader.pk, "destination": "partner_city", "city": "宁波市", "city_code": "330200",
            "start_date": "2025-03-01", "planned_months": "3", "people": [coop.first.pk, third.pk], "version": "1"}
    response = client.post(url, form)
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.city == "宁波市" and set(dispatch.went.values_list("member_id", flat=True)) == {
        coop.first.pk, third.pk}
    stale = client.post(url, {**form, "city": "温州市"})
    assert "该记录已被他人修改" in stale.content.decode()
    refused = client.post(url, {**form, "version": "2", "people": []})
    assert "请选择输出人员" in refused.content.decode()
    history = client.get(reverse("dispatch_history", args=[dispatch.pk])).content.decode()
    assert "协作城市" in history and "宁波市" in history and "移出" in history and "石阿妹" in history
    detail = client.get(reverse("dispatch_detail", args=[dispatch.pk])).content.decode()
    assert url in detail


def test_an_operator_reads_the_history_with_names_masked_and_may_not_edit(world, coop):
    employer = make_employer(world.alice, VILLAGE, "大塘劳务公司")
    do_bind_operator(world.alice, employer, world.ed)
    actions.do_update_cooperative(world.alice, coop, {"employer": employer.pk})
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    client = _client(world.ed)
    detail = client.get(reverse("dispatch_detail", args=[dispatch.pk])).content.decode()
    assert reverse("dispatch_edit", args=[dispatch.pk]) not in detail
    assert client.get(reverse("dispatch_edit", args=[dispatch.pk])).status_code == 403
    history = client.get(reverse("dispatch_history", args=[dispatch.pk])).content.decode()
    assert "吴**" in history and "吴老大" not in history
    assert _client(world.bob).get(reverse("dispatch_history", args=[dispatch.pk])).status_code == 404
