import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.audit.models import AuditEntry
from bangfu.core.permissions import Forbidden
from bangfu.employers import choices as c
from bangfu.employers.models import EmployerOperator, Workshop, WorkshopEvent
from bangfu.employers.testing import make_employer, make_workshop
from bangfu.employers.workshops import lifecycle
from bangfu.employers.workshops.tests.helpers import VILLAGE, load_guangxi, quarter_months, worker

S = c.WorkshopStatus
TODAY = datetime.date(2026, 6, 30)

# Every allowed move, written out: the table may not change without this list (and its tests).
EXPECTED = {
    (None, "apply"): S.APPLIED,
    (S.APPLIED, "comment"): S.APPLIED, (S.REVIEWING, "comment"): S.REVIEWING, (S.RETURNED, "comment"): S.RETURNED,
    (S.APPLIED, "review"): S.REVIEWING,
    (S.APPLIED, "return"): S.RETURNED, (S.REVIEWING, "return"): S.RETURNED,
    (S.RETURNED, "resubmit"): S.APPLIED,
    (S.APPLIED, "reject"): S.REJECTED, (S.REVIEWING, "reject"): S.REJECTED,
    (S.REVIEWING, "certify"): S.RUNNING,
    (S.RUNNING, "monitor_normal"): S.RUNNING, (S.PENDING, "monitor_normal"): S.RUNNING,
    (S.RUNNING, "monitor_pending"): S.PENDING, (S.PENDING, "monitor_pending"): S.PENDING,
    (S.PENDING, "monitor_clearing"): S.CLEARING,
    (S.RUNNING, "revoke"): S.REVOKED, (S.PENDING, "revoke"): S.REVOKED, (S.CLEARING, "revoke"): S.REVOKED,
    (S.RUNNING, "upgrade"): S.UPGRADED,
}
ACTIONS = [a for a in lifecycle.MOVES_BY_ACTION if a != "apply"]
FORBIDDEN = [(status, action) for status in S.values for action in ACTIONS if (status, action) not in EXPECTED]


def test_it_holds_exactly_the_expected_moves():
    assert lifecycle.TRANSITIONS == EXPECTED


def _upgradable(world, workshop):
    """Records that pass Guangxi's upgrade criteria for the year to TODAY."""
    from bangfu.employers.workshops import actions

    months = [datetime.date(2025, m, 1) for m in range(7, 13)] + [datetime.date(2026, m, 1) for m in range(1, 7)]
    for _ in range(10):
        worker(world.alice, workshop, months, pay=2000)
    actions.do_record_workshop_report(world.alice, workshop, {"year": 2025, "revenue": 500000})


def _at(world, status: str) -> Workshop:
    """A workshop brought to the status through the real moves."""
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "甲车间", start_date=datetime.date(2024, 1, 1))
    path = {
        S.APPLIED: [], S.REVIEWING: ["review"], S.RETURNED: ["return"], S.REJECTED: ["reject"],
        S.RUNNING: ["review", "certify"], S.PENDING: ["review", "certify", "pending"],
        S.CLEARING: ["review", "certify", "pending", "clearing"], S.REVOKED: ["review", "certify", "revoke"],
        S.UPGRADED: ["review", "certify", "upgrade"],
    }[status]
    for step in path:
        _do(world, workshop, step)
    assert workshop.status == status
    return workshop


def _do(world, workshop, action, user=None):
    user = user or world.alice
    if action == "comment":
        return lifecycle.do_comment_workshop(user, workshop, "请补充材料")
    if action == "review":
        return lifecycle.do_review(user, workshop)
    if action == "return":
        return lifecycle.do_return(user, workshop, "材料不全")
    if action == "resubmit":
        return lifecycle.do_resubmit(user, workshop, {"products": "竹编"})
    if action == "reject":
        return lifecycle.do_reject(user, workshop, "不符合条件")
    if action == "certify":
        return lifecycle.do_certify(user, workshop, certificate_number=f"GZ-{workshop.pk}",
                                    certified_on=datetime.date(2025, 1, 1), level="county")
    if action in ("pending", "monitor_pending"):
        return lifecycle.do_record_monitoring(user, workshop, "pending", on=datetime.date(2025, 3, 31))
    if action in ("clearing", "monitor_clearing"):
        return lifecycle.do_record_monitoring(user, workshop, "clearing", on=datetime.date(2025, 12, 31))
    if action == "monitor_normal":
        return lifecycle.do_record_monitoring(user, workshop, "normal", on=datetime.date(2025, 12, 31))
    if action == "revoke":
        return lifecycle.do_revoke(user, workshop, "停产")
    if action == "upgrade":
        if not workshop.reports.exists():
            _upgradable(world, workshop)
        return lifecycle.do_upgrade(user, workshop, on=TODAY)
    raise AssertionError(action)


@pytest.mark.parametrize(("status", "action"), [key for key in EXPECTED if key[0] is not None],
                         ids=lambda v: str(v))
def test_it_makes_every_allowed_move(world, status, action):
    workshop = _at(world, status)
    version = workshop.version
    event = _do(world, workshop, action)
    workshop.refresh_from_db()
    assert workshop.status == EXPECTED[status, action]
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        action, status, EXPECTED[status, action], world.alice)
    assert workshop.version == version + 1
    latest = workshop.history.first()
    assert latest.history_user == world.alice and latest.status == workshop.status
    assert AuditEntry.objects.filter(object_id=str(workshop.pk), detail__action=action).exists()


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=lambda v: str(v))
def test_it_refuses_every_other_move_naming_the_workshop_status_and_move(world, status, action):
    workshop = _at(world, status)
    events = WorkshopEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _do(world, workshop, action)
    message = " ".join(caught.value.messages)
    assert "甲车间" in message and str(S(status).label) in message
    assert str(lifecycle.MOVES_BY_ACTION[action].label) in message
    workshop.refresh_from_db()
    assert workshop.status == status and WorkshopEvent.objects.count() == events


def test_applying_creates_an_applied_workshop_with_its_event(world):
    workshop = make_workshop(world.alice, VILLAGE, "乙车间")
    assert workshop.status == S.APPLIED
    event = workshop.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("apply", "", S.APPLIED, world.alice)
    assert workshop.history.get().history_user == world.alice


def test_an_operator_applies_for_its_own_employer_only(world):
    own = make_employer(world.alice, VILLAGE, "自家公司")
    other = make_employer(world.alice, VILLAGE, "别家公司")
    EmployerOperator.objects.create(user=world.ed, employer=own)
    workshop = lifecycle.do_apply_workshop(world.ed, own, {"name": "自家车间", "kind": "home", "site": "community"})
    assert workshop.employer == own and workshop.region_code == own.region_code
    with pytest.raises(Forbidden):
        lifecycle.do_apply_workshop(world.ed, other, {"name": "别家车间", "kind": "home", "site": "community"})


def test_an_officer_applies_only_in_their_region(world):
    employer = make_employer(world.alice, VILLAGE, "从江公司")
    with pytest.raises(Forbidden):
        lifecycle.do_apply_workshop(world.bob, employer, {"name": "车间", "kind": "home", "site": "community"})
    with pytest.raises(Forbidden):  # tom's township is 丙妹镇; 干团村 is in 贯洞镇
        lifecycle.do_apply_workshop(world.tom, employer, {"name": "车间", "kind": "home", "site": "community",
                                                          "region_code": "522633102001"})
    assert lifecycle.do_apply_workshop(world.tom, employer, {"name": "车间", "kind": "home", "site": "community"})


def test_a_township_officer_may_not_certify(world):
    workshop = _at(world, S.REVIEWING)
    with pytest.raises(Forbidden):
        _do(world, workshop, "certify", user=world.tom)
    with pytest.raises(Forbidden):
        _do(world, workshop, "review", user=world.bob)  # the other county


def test_a_certificate_number_is_unique(world):
    first = _at(world, S.RUNNING)
    second = make_workshop(world.alice, VILLAGE, "丙车间")
    lifecycle.do_review(world.alice, second)
    with pytest.raises(ValidationError, match="甲车间"):
        lifecycle.do_certify(world.alice, second, certificate_number=first.certificate_number,
                             certified_on=datetime.date(2025, 1, 1), level="county")


def test_certifying_keeps_the_number_date_level_and_the_evaluation(world):
    workshop = _at(world, S.REVIEWING)
    for _ in range(5):
        worker(world.alice, workshop, quarter_months(2024, 4))
    event = lifecycle.do_certify(world.alice, workshop, certificate_number="GZ-001",
                                 certified_on=datetime.date(2024, 12, 31), level="province")
    workshop.refresh_from_db()
    assert (workshop.certificate_number, workshop.certified_on, workshop.certified_level) == (
        "GZ-001", datetime.date(2024, 12, 31), "province")
    assert event.evaluation["passed"] is True and event.evaluation["purpose"] == "certify"


def test_a_pending_result_sets_the_buffer_from_the_set_in_force(world):
    workshop = _at(world, S.RUNNING)
    event = lifecycle.do_record_monitoring(world.alice, workshop, "pending", on=datetime.date(2025, 8, 31))
    workshop.refresh_from_db()
    assert workshop.buffer_until == datetime.date(2026, 2, 28)  # 6 months, the month's last day
    assert event.details["buffer_until"] == "2026-02-28"
    assert event.evaluation["purpose"] == "monitor"
    # Still pending a quarter later: the deadline stays.
    lifecycle.do_record_monitoring(world.alice, workshop, "pending", on=datetime.date(2025, 11, 30))
    workshop.refresh_from_db()
    assert workshop.buffer_until == datetime.date(2026, 2, 28)


def test_clearing_waits_until_the_buffer_is_over(world):
    workshop = _at(world, S.PENDING)  # pending on 2025-03-31: buffer until 2025-09-30
    with pytest.raises(ValidationError, match="2025-09-30"):
        lifecycle.do_record_monitoring(world.alice, workshop, "clearing", on=datetime.date(2025, 9, 30))
    lifecycle.do_record_monitoring(world.alice, workshop, "clearing", on=datetime.date(2025, 10, 1))
    workshop.refresh_from_db()
    assert workshop.status == S.CLEARING


def test_a_normal_result_ends_the_buffer(world):
    workshop = _at(world, S.PENDING)
    lifecycle.do_record_monitoring(world.alice, workshop, "normal", on=datetime.date(2025, 6, 30))
    workshop.refresh_from_db()
    assert workshop.status == S.RUNNING and workshop.buffer_until is None


def test_a_pending_result_needs_a_monitoring_set_in_force(world):
    workshop = _at(world, S.RUNNING)
    with pytest.raises(ValidationError, match="没有施行中的动态监测标准"):
        lifecycle.do_record_monitoring(world.alice, workshop, "pending", on=datetime.date(2021, 12, 31))


def test_revoking_needs_a_reason(world):
    workshop = _at(world, S.RUNNING)
    with pytest.raises(ValidationError, match="摘牌原因"):
        lifecycle.do_revoke(world.alice, workshop, "  ")
    event = lifecycle.do_revoke(world.alice, workshop, "长期停产")
    assert event.details == {"reason": "长期停产"} and event.comment == "长期停产"


def test_upgrading_is_refused_while_the_upgrade_criteria_fail(world):
    workshop = _at(world, S.RUNNING)
    for _ in range(9):
        worker(world.alice, workshop, [datetime.date(2026, m, 1) for m in range(1, 7)], pay=4000)
    with pytest.raises(ValidationError) as caught:
        lifecycle.do_upgrade(world.alice, workshop, on=TODAY)
    assert "签订一年以上合同的脱贫劳动力 9 人，须不少于 10 人" in caught.value.messages[0]
    assert "未报送" in caught.value.messages[0]
    workshop.refresh_from_db()
    assert workshop.status == S.RUNNING


def test_a_stale_version_is_refused(world):
    from bangfu.core.writes import StaleEdit

    workshop = _at(world, S.APPLIED)
    with pytest.raises(StaleEdit):
        lifecycle.do_review(world.alice, workshop, version=workshop.version - 1 if workshop.version > 1 else 99)


def test_the_allowed_moves_are_those_of_the_status_and_the_user(world):
    workshop = _at(world, S.RUNNING)
    assert {m.action for m in lifecycle.allowed_moves(world.alice, workshop)} == {
        "monitor_normal", "monitor_pending", "revoke", "upgrade"}
    assert lifecycle.allowed_moves(world.tom, workshop) == []
    assert lifecycle.allowed_moves(world.bob, workshop) == []
