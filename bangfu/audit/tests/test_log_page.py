"""The audit log page: every entry in words, the record as a link where the reader may open it,
filters by date, action, user and record, and never an identifier in clear."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.audit import display, log
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.registry import actions
from bangfu.registry.generator import generate_county

ZSF_ID = valid_id(seq=11)


@pytest.fixture
def audrey(client, world):
    client.force_login(world.audrey)
    return client


def _text(response) -> str:
    return response.content.decode()


def _details(response) -> str:
    """The detail cells as shown (label：value；…)."""
    return "\n".join("；".join(f"{label}：{value}" for label, value in row.details)
                     for row in response.context["rows"])


def test_an_export_reads_as_its_title_and_its_filters_labels_and_values(audrey, world):
    client = audrey
    client.force_login(world.alice)
    params = {"region": "522633101", "employment": "seeking", "zero_employment": "1", "q": ZSF_ID}
    assert client.get(reverse("export", args=["people"]), params).status_code == 200
    client.force_login(world.audrey)
    response = client.get(reverse("audit_log"), {"action": "export"})
    body = _details(response)
    assert "内容：人员台账" in body
    assert "区划：丙妹镇" in body and "就业状态：未就业有就业意愿" in body and "零就业家庭：是" in body
    assert f"搜索：{ZSF_ID[:4]}**********{ZSF_ID[-4:]}" in body
    for raw in ("people", "region=", "522633101", "seeking", ZSF_ID):
        assert raw not in body
    assert ZSF_ID not in _text(response)


def test_a_generator_run_reads_in_words(audrey, world):
    generate_county("522633", 30, seed=1, append=True)
    response = audrey.get(reverse("audit_log"), {"action": "bulk"})
    body = _details(response)
    assert "生成：人员" in body and "县：从江县" in body and "追加：是" in body and "人数：30" in body
    assert response.context["rows"][0].who == "数据生成程序"
    assert "True" not in body and "append" not in body and "generator" not in _text(response)


def test_the_user_is_shown_by_name_with_the_login_name_beside(audrey, world):
    world.alice.first_name = "王丽"
    world.alice.save()
    actions.do_reveal_identifier(world.alice, world.person, "phone")
    row = audrey.get(reverse("audit_log")).context["rows"][0]
    assert (row.who, row.login) == ("王丽", "alice")
    assert '王丽 <small class="meta">alice</small>' in _text(audrey.get(reverse("audit_log")))


def test_the_record_links_to_its_page_with_its_name_and_the_place_is_named(audrey, world):
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"}, reason="电话核实")
    body = _text(audrey.get(reverse("audit_log")))
    assert f'人员 <a href="{reverse("person_detail", args=[world.person.pk])}">张三丰</a>' in body
    assert "丙妹镇 大塘村" in body and "字段：意向岗位" in body and "原因：电话核实" in body


def test_a_record_the_reader_may_not_open_is_shown_by_number_only(audrey, world):
    log.record(world.alice, Action.REVEAL, world.outsider_person, field="phone", region_code="522633101001")
    row = audrey.get(reverse("audit_log")).context["rows"][0]
    assert (row.record.text, row.record.url) == (f"#{world.outsider_person.pk}", "")
    assert "王五" not in _text(audrey.get(reverse("audit_log")))


def test_a_survey_shown_by_its_findings_keeps_identifiers_masked(audrey, world):
    actions.do_record_survey(world.alice, world.person, visited_on=timezone.localdate(),
                             findings=f"核对身份证 {ZSF_ID} 无误", data={"employment_status": "seeking"})
    response = audrey.get(reverse("audit_log"), {"action": "survey"})
    row = response.context["rows"][0]
    assert row.record.kind == "走访记录" and ZSF_ID not in _text(response)
    assert row.record.url == reverse("person_detail", args=[world.person.pk])
    person = dict(row.details)["人员"]
    assert (person.text, person.url) == ("张三丰", reverse("person_detail", args=[world.person.pk]))


@pytest.fixture
def spread(world):
    """Entries on three days, by two users, on two records (and no others)."""
    AuditEntry.objects.all().delete()
    today = timezone.localdate()
    entries = [
        (world.alice, Action.REVEAL, world.person, 0),
        (world.alice, Action.UPDATE, world.other_village_person, 1),
        (world.tom, Action.REVEAL, world.person, 2),
    ]
    for user, action, record, days_ago in entries:
        entry = log.record(user, action, record)
        at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                                           datetime.time(10)))
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return today


def _count(client, **params) -> int:
    response = client.get(reverse("audit_log"), params)
    assert response.status_code == 200 and not response.context["error"], response.context["error"]
    return len(response.context["rows"])


def test_it_filters_by_date_range_action_user_and_record(audrey, world, spread):
    today, yesterday = spread.isoformat(), (spread - datetime.timedelta(days=1)).isoformat()
    assert _count(audrey) == 3
    assert _count(audrey, since=yesterday) == 2
    assert _count(audrey, until=yesterday) == 2
    assert _count(audrey, since=yesterday, until=yesterday) == 1
    assert _count(audrey, since=today, until=today) == 1
    assert _count(audrey, action="reveal") == 2
    assert _count(audrey, user="tom") == 1
    world.tom.first_name = "石建国"
    world.tom.save()
    assert _count(audrey, user="建国") == 1
    assert _count(audrey, type="registry.person", record=str(world.person.pk)) == 2
    assert _count(audrey, type="registry.household", record=str(world.person.pk)) == 0
    assert _count(audrey, type="registry.person", record=str(world.person.pk), action="update") == 0


@pytest.mark.parametrize("params, message", [
    ({"since": "2026-02-30"}, "起始日期“2026-02-30”不是有效的日期"),
    ({"until": "yesterday"}, "截止日期"),
    ({"since": "2026-11-02", "until": "2026-11-01"}, "截止日期不能早于起始日期"),
    ({"action": "drop"}, "操作"),
    ({"type": "registry.nothing"}, "对象类型"),
    ({"type": "registry.person", "record": "12a"}, "对象编号"),
    ({"record": "12"}, "按对象编号筛选时请同时选择对象类型"),
    ({"user": "x" * 151}, "用户"),
])
def test_a_bad_filter_is_a_message_not_an_error(audrey, spread, params, message):
    response = audrey.get(reverse("audit_log"), params)
    assert response.status_code == 200
    assert message in response.context["error"] and message in _text(response)
    assert response.context["rows"] == []


def test_it_pages_with_a_fixed_number_of_queries(audrey, world, django_assert_max_num_queries):
    AuditEntry.objects.all().delete()
    for _ in range(60):
        actions.do_reveal_identifier(world.alice, world.person, "phone")
    actions.do_update_person(world.alice, world.other_village_person, {"wish_jobs": "保安"})
    with django_assert_max_num_queries(11):  # the page's ids, then its rows (core.pages.rows_of_page)
        first = audrey.get(reverse("audit_log"))
    assert len(first.context["rows"]) == 50
    assert len(audrey.get(reverse("audit_log"), {"page": 2}).context["rows"]) == 11


def test_an_entry_reads_as_one_line_without_a_reader(world):
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"}, reason="电话核实")
    actions.do_record_survey(world.alice, world.person, visited_on=timezone.localdate(), findings="核实",
                             data={"employment_status": "seeking"})
    update, survey = (AuditEntry.objects.get(action=action) for action in (Action.UPDATE, Action.SURVEY))
    # PostgreSQL's jsonb does not keep the keys' order
    assert set(display.detail_text(update).split("；")) == {"字段：意向岗位", "原因：电话核实"}
    assert set(display.detail_text(survey).split("；")) == {f"人员：人员 #{world.person.pk}", "字段：—"}
