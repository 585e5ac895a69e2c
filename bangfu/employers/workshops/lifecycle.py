"""A workshop's lifecycle: the allowed moves as one table, and the actions that make them.

申报 → 审核 → 认定 → 动态监测（每季度：正常运行 / 监测待处置 / 清理）→ 摘牌, or 升级为乡村就业工厂.
Every move checks the table and the permission, saves the workshop with its history, writes a
WorkshopEvent (with the evaluation that decided it, when one did) and the audit log. Anything the
table does not hold is refused naming the workshop, its status and the move.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.accounts.models import Role
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import writes
from bangfu.core.history import changes_since
from bangfu.core.permissions import Forbidden, check, has_perm, reaches
from bangfu.employers import choices as c
from bangfu.employers.models import Employer, Purpose, Workshop, WorkshopEvent
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops.rules import clean_workshop

S = c.WorkshopStatus


@dataclasses.dataclass(frozen=True)
class Move:
    action: str
    label: object
    perm: str


MOVES_BY_ACTION = {move.action: move for move in (
    Move("apply", gettext_lazy("申报"), Perm.APPLY_WORKSHOP),
    Move("comment", gettext_lazy("审核意见"), Perm.REVIEW_WORKSHOP),
    Move("review", gettext_lazy("受理审核"), Perm.REVIEW_WORKSHOP),
    Move("return", gettext_lazy("退回修改"), Perm.REVIEW_WORKSHOP),
    Move("resubmit", gettext_lazy("重新申报"), Perm.APPLY_WORKSHOP),
    Move("reject", gettext_lazy("不予认定"), Perm.REVIEW_WORKSHOP),
    Move("certify", gettext_lazy("认定"), Perm.REVIEW_WORKSHOP),
    Move("monitor_normal", gettext_lazy("监测结果：正常运行"), Perm.MONITOR_WORKSHOP),
    Move("monitor_pending", gettext_lazy("监测结果：监测待处置"), Perm.MONITOR_WORKSHOP),
    Move("monitor_clearing", gettext_lazy("监测结果：清理"), Perm.MONITOR_WORKSHOP),
    Move("revoke", gettext_lazy("摘牌"), Perm.MONITOR_WORKSHOP),
    Move("upgrade", gettext_lazy("升级为乡村就业工厂"), Perm.MONITOR_WORKSHOP),
)}

# (status, action) → the status after. None is "no workshop yet".
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, "apply"): S.APPLIED,
    (S.APPLIED, "comment"): S.APPLIED,
    (S.REVIEWING, "comment"): S.REVIEWING,
    (S.RETURNED, "comment"): S.RETURNED,
    (S.APPLIED, "review"): S.REVIEWING,
    (S.APPLIED, "return"): S.RETURNED,
    (S.REVIEWING, "return"): S.RETURNED,
    (S.RETURNED, "resubmit"): S.APPLIED,
    (S.APPLIED, "reject"): S.REJECTED,
    (S.REVIEWING, "reject"): S.REJECTED,
    (S.REVIEWING, "certify"): S.RUNNING,
    (S.RUNNING, "monitor_normal"): S.RUNNING,
    (S.PENDING, "monitor_normal"): S.RUNNING,
    (S.RUNNING, "monitor_pending"): S.PENDING,
    # Still below the standard inside the buffer: it stays pending, with the same deadline.
    (S.PENDING, "monitor_pending"): S.PENDING,
    (S.PENDING, "monitor_clearing"): S.CLEARING,
    (S.RUNNING, "revoke"): S.REVOKED,
    (S.PENDING, "revoke"): S.REVOKED,
    (S.CLEARING, "revoke"): S.REVOKED,
    (S.RUNNING, "upgrade"): S.UPGRADED,
}

MONITORING = {"normal": "monitor_normal", "pending": "monitor_pending", "clearing": "monitor_clearing"}
CERTIFIED = (S.RUNNING, S.PENDING, S.CLEARING)


def allowed_moves(user, workshop: Workshop) -> list[Move]:
    """The moves the user may make on the workshop now (the forms offer only these)."""
    return [MOVES_BY_ACTION[action] for (status, action) in TRANSITIONS
            if status == workshop.status and action != "apply" and has_perm(user, MOVES_BY_ACTION[action].perm)
            and reaches(user, workshop, MOVES_BY_ACTION[action].perm)]


def refusal(workshop: Workshop, action: str) -> ValidationError:
    return ValidationError(_("就业帮扶车间“%(name)s”当前状态为“%(status)s”，不能进行“%(move)s”") % {
        "name": workshop.name, "status": S(workshop.status).label, "move": MOVES_BY_ACTION[action].label})


def _move(user, workshop: Workshop, action: str, *, comment: str = "", details: dict | None = None,
          evaluation: ev.Evaluation | None = None, changes: dict | None = None, version: int | None = None,
          request=None, check_current=None) -> WorkshopEvent:
    move = MOVES_BY_ACTION[action]
    if not has_perm(user, move.perm) or not reaches(user, workshop, move.perm):
        raise Forbidden(_("您无权对就业帮扶车间“%(name)s”进行“%(move)s”") % {"name": workshop.name,
                                                                              "move": move.label})
    current = writes.lock(Workshop, workshop.pk)
    writes.check_version(current, version, changes_since)
    target = TRANSITIONS.get((current.status, action))
    if target is None:
        raise refusal(current, action)
    if check_current is not None:
        check_current(current)
    before = current.status
    current.status = target
    for field, value in (changes or {}).items():
        setattr(current, field, value)
    current.version += 1
    current._history_user = user
    current._change_reason = str(move.label)
    current.save()
    event = WorkshopEvent.objects.create(
        workshop=current, action=action, from_status=before, to_status=target, comment=comment or "",
        details=details or {}, evaluation=evaluation.as_dict() if evaluation is not None else None, actor=user)
    log.record(user, Action.UPDATE, current, request=request,
               detail={"action": action, "from": before, "to": target, **(details or {})})
    for field in Workshop._meta.concrete_fields:
        setattr(workshop, field.attname, getattr(current, field.attname))
    return event


def _text(value, field: str, limit: int = 2000, required: str | None = None) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: [_("不能超过 %(n)d 个字") % {"n": limit}]})
    if required and not text:
        raise ValidationError({field: [required]})
    return text


def _may_apply_for(user, employer: Employer, region_code: str) -> None:
    """An operator applies for its own employer; an officer for employers of their region, at a place
    of their region."""
    if not has_perm(user, Perm.APPLY_WORKSHOP) or not reaches(user, employer, Perm.APPLY_WORKSHOP):
        raise Forbidden(_("您无权为“%(name)s”申报就业帮扶车间") % {"name": employer.name})
    if user.role != Role.EMPLOYER:
        check(user, Perm.APPLY_WORKSHOP, region_code)


@transaction.atomic
def do_apply_workshop(user, employer: Employer, data: dict, *, comment: str = "", key: str | None = None,
                      request=None) -> Workshop:
    """申报: a new workshop of the employer, in status applied."""
    def create() -> Workshop:
        values = clean_workshop({"region_code": employer.region_code, **data})
        _may_apply_for(user, employer, values["region_code"])
        workshop = Workshop(employer=employer, status=S.APPLIED, **values)
        workshop._history_user = user
        workshop._change_reason = str(MOVES_BY_ACTION["apply"].label)
        workshop.save()
        WorkshopEvent.objects.create(workshop=workshop, action="apply", from_status="", to_status=S.APPLIED,
                                     comment=_text(comment, "comment"), actor=user)
        log.record(user, Action.CREATE, workshop, request=request)
        return workshop

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_comment_workshop(user, workshop: Workshop, comment: str, *, request=None) -> WorkshopEvent:
    """审核意见: a reviewer's comment, without a move."""
    return _move(user, workshop, "comment", comment=_text(comment, "comment", required=_("请填写审核意见")),
                 request=request)


@transaction.atomic
def do_review(user, workshop: Workshop, comment: str = "", *, version=None, request=None) -> WorkshopEvent:
    return _move(user, workshop, "review", comment=_text(comment, "comment"), version=version, request=request)


@transaction.atomic
def do_return(user, workshop: Workshop, comment: str, *, version=None, request=None) -> WorkshopEvent:
    return _move(user, workshop, "return", comment=_text(comment, "comment", required=_("请填写退回原因")),
                 version=version, request=request)


@transaction.atomic
def do_resubmit(user, workshop: Workshop, data: dict | None = None, comment: str = "", *, version=None,
                request=None) -> WorkshopEvent:
    """重新申报 after a return, with the corrected fields."""
    values = clean_workshop(data, workshop) if data else {}
    changes = {k: v for k, v in values.items() if getattr(workshop, k) != v}
    if "region_code" in changes and user.role != Role.EMPLOYER:
        check(user, Perm.APPLY_WORKSHOP, changes["region_code"])
    return _move(user, workshop, "resubmit", comment=_text(comment, "comment"), changes=changes,
                 details={"fields": sorted(changes)} if changes else None, version=version, request=request)


@transaction.atomic
def do_reject(user, workshop: Workshop, comment: str, *, version=None, request=None) -> WorkshopEvent:
    return _move(user, workshop, "reject", comment=_text(comment, "comment", required=_("请填写不予认定的理由")),
                 version=version, request=request)


@transaction.atomic
def do_certify(user, workshop: Workshop, *, certificate_number: str, certified_on: datetime.date, level: str,
               comment: str = "", version=None, request=None) -> WorkshopEvent:
    """认定: a certificate number unique over all workshops, the date and the certifying level. The
    evaluation against the certification criteria on that date is kept with the event."""
    number = _text(certificate_number, "certificate_number", 50, required=_("请填写认定证书编号"))
    taken = Workshop.objects.filter(certificate_number=number).exclude(pk=workshop.pk).first()
    if taken is not None:
        raise ValidationError({"certificate_number": [_("认定证书编号 %(n)s 已用于车间“%(name)s”") % {
            "n": number, "name": taken.name}]})
    if not isinstance(certified_on, datetime.date):
        raise ValidationError({"certified_on": [_("请填写认定日期")]})
    if certified_on > timezone.localdate():
        raise ValidationError({"certified_on": [_("认定日期不能晚于今天")]})
    if level not in c.Level.values:
        raise ValidationError({"level": [_("请选择认定层级")]})
    evaluation = ev.evaluate_one(workshop, certified_on, Purpose.CERTIFY)
    return _move(user, workshop, "certify", comment=_text(comment, "comment"), evaluation=evaluation,
                 changes={"certificate_number": number, "certified_on": certified_on, "certified_level": level,
                          "buffer_until": None},
                 details={"certificate_number": number, "certified_on": certified_on.isoformat(), "level": level},
                 version=version, request=request)


def buffer_until(workshop: Workshop, on: datetime.date) -> datetime.date:
    """The result date plus the buffer months of the monitoring set in force for the workshop then."""
    criteria_set = cr.set_in_force(workshop.region_code, Purpose.MONITOR, on)
    if criteria_set is None or not criteria_set.buffer_months:
        raise ValidationError(_("车间“%(name)s”所在地（%(code)s）在 %(on)s 没有施行中的动态监测标准，"
                                "无法确定整改期限") % {
            "name": workshop.name, "code": workshop.region_code, "on": on.isoformat()})
    return ev.add_months(on, criteria_set.buffer_months)


@transaction.atomic
def do_record_monitoring(user, workshop: Workshop, result: str, *, on: datetime.date, comment: str = "",
                         version=None, request=None) -> WorkshopEvent:
    """A quarter's monitoring result: 正常运行 (the buffer ends), 监测待处置 (the buffer starts: the
    result date + the buffer months of the set in force; it stays while pending), or 清理 (still below
    the standard once the buffer is over). The evaluation of the quarter of `on` is kept with the event."""
    action = MONITORING.get(result)
    if action is None:
        raise ValidationError({"result": [_("监测结果“%(v)s”不是可选的值") % {"v": result}]})
    if not isinstance(on, datetime.date) or on > timezone.localdate():
        raise ValidationError({"on": [_("请填写不晚于今天的监测日期")]})
    evaluation = ev.evaluate_one(workshop, on, Purpose.MONITOR)
    changes: dict = {}
    details: dict = {"result": result, "on": on.isoformat()}

    def check_current(current: Workshop) -> None:
        if action == "monitor_pending" and current.status == S.RUNNING:
            changes["buffer_until"] = buffer_until(current, on)
        elif action == "monitor_normal":
            changes["buffer_until"] = None
        elif action == "monitor_clearing" and current.buffer_until and on <= current.buffer_until:
            raise ValidationError(_("车间“%(name)s”的整改期限至 %(until)s，期满后仍未达标才能清理") % {
                "name": current.name, "until": current.buffer_until.isoformat()})
        if "buffer_until" in changes and changes["buffer_until"]:
            details["buffer_until"] = changes["buffer_until"].isoformat()

    return _move(user, workshop, action, comment=_text(comment, "comment"), evaluation=evaluation, changes=changes,
                 details=details, version=version, request=request, check_current=check_current)


@transaction.atomic
def do_revoke(user, workshop: Workshop, reason: str, *, version=None, request=None) -> WorkshopEvent:
    """摘牌, with the reason."""
    reason = _text(reason, "comment", required=_("请填写摘牌原因"))
    return _move(user, workshop, "revoke", comment=reason, details={"reason": reason}, version=version,
                 request=request)


@transaction.atomic
def do_upgrade(user, workshop: Workshop, *, on: datetime.date | None = None, comment: str = "", version=None,
               request=None) -> WorkshopEvent:
    """升级为乡村就业工厂: only when every upgrade criterion in force passes (the evaluation is kept)."""
    on = on or timezone.localdate()

    def check_current(current: Workshop) -> None:
        evaluation = ev.evaluate_one(current, on, Purpose.UPGRADE)
        if evaluation.passed is None:
            raise ValidationError(evaluation.note)
        if not evaluation.passed:
            raise ValidationError(_("车间“%(name)s”未达到乡村就业工厂标准：%(why)s") % {
                "name": current.name, "why": "；".join(result.why for result in evaluation.failing)})
        upgraded["evaluation"] = evaluation

    upgraded: dict = {}
    event = _move(user, workshop, "upgrade", comment=_text(comment, "comment"), version=version, request=request,
                  check_current=check_current, details={"on": on.isoformat()})
    event.evaluation = upgraded["evaluation"].as_dict()
    event.save(update_fields=["evaluation"])
    return event
