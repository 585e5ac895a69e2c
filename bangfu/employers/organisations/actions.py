"""Every write to an employer's record and its operators' binding (pages, API, CLI, imports, tests)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.accounts.models import Role
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import writes
from bangfu.core.history import changes_since
from bangfu.core.permissions import Forbidden, check, check_reaches, reaches, require
from bangfu.employers.models import Employer, EmployerOperator, QuotaRule
from bangfu.employers.organisations.rules import clean_employer, clean_quota_rule
from bangfu.employers.permissions import Perm


def _save(user, record, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


@transaction.atomic
def do_create_employer(user, data: dict, *, key: str | None = None, request=None) -> Employer:
    def create() -> Employer:
        values = clean_employer(data)
        check(user, Perm.EDIT_EMPLOYERS, values["region_code"])
        employer = Employer(**values)
        _save(user, employer, _("新增"))
        log.record(user, Action.CREATE, employer, request=request)
        return employer

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_employer(user, employer: Employer, data: dict, *, version: int | None = None,
                       request=None) -> list[str]:
    """Apply the changed fields; returns their names. An operator edits its own organisation, an
    officer an employer of their region (and may move it only within it)."""
    if not reaches(user, employer, Perm.EDIT_EMPLOYERS):
        raise Forbidden(_("您无权修改该单位"))
    current = writes.lock(Employer, employer.pk)
    writes.check_version(current, version, changes_since)
    values = clean_employer(data, current)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    if "region_code" in changed:
        # An operator keeps its organisation's record but does not move it: where it is decides which
        # office oversees it.
        if user.role == Role.EMPLOYER:
            raise Forbidden(_("单位所在地由主管部门修改"))
        check(user, Perm.EDIT_EMPLOYERS, values["region_code"])
    for k in changed:
        setattr(current, k, values[k])
    current.version += 1
    _save(user, current, _("修改"))
    check_reaches(user, current, Perm.EDIT_EMPLOYERS)
    for field in Employer._meta.concrete_fields:
        setattr(employer, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, employer, request=request, detail={"fields": changed})
    return changed


@transaction.atomic
def do_bind_operator(user, employer: Employer, operator, *, request=None) -> EmployerOperator:
    """Bind an employer-operator account to the organisation it acts for (rebinding moves it)."""
    require(user, Perm.EDIT_EMPLOYERS)
    if user.role == Role.EMPLOYER or not reaches(user, employer, Perm.EDIT_EMPLOYERS):
        raise Forbidden(_("您无权为该单位绑定账号"))
    if operator.role != Role.EMPLOYER:
        raise ValidationError({"operator": [_("只能绑定“企业/车间负责人”角色的账号，%(name)s 不是") % {
            "name": operator.username}]})
    binding, _created = EmployerOperator.objects.update_or_create(
        user=operator, defaults={"employer": employer, "bound_by": user})
    operator.__dict__.pop("_organisation", None)
    log.record(user, Action.UPDATE, employer, request=request, detail={"operator": operator.username})
    return binding


@transaction.atomic
def do_unbind_operator(user, employer: Employer, operator, *, request=None) -> None:
    """Release an operator's account from the organisation (it then reaches nothing until bound again)."""
    require(user, Perm.EDIT_EMPLOYERS)
    if user.role == Role.EMPLOYER or not reaches(user, employer, Perm.EDIT_EMPLOYERS):
        raise Forbidden(_("您无权为该单位解除绑定"))
    deleted, _rows = EmployerOperator.objects.filter(user=operator, employer=employer).delete()
    if not deleted:
        raise ValidationError({"operator": [_("账号 %(name)s 未绑定到该单位") % {"name": operator.username}]})
    operator.__dict__.pop("_organisation", None)
    log.record(user, Action.UPDATE, employer, request=request, detail={"unbound_operator": operator.username})


# --- the quota parameters -------------------------------------------------------------------------

@transaction.atomic
def do_create_quota_rule(user, data: dict, *, key: str | None = None, request=None) -> QuotaRule:
    def create() -> QuotaRule:
        require(user, Perm.MANAGE_POLICY)
        rule = QuotaRule(**clean_quota_rule(data))
        _save(user, rule, _("新增"))
        log.record(user, Action.CREATE, rule, request=request)
        return rule

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_quota_rule(user, rule: QuotaRule, data: dict, *, version: int | None = None,
                         request=None) -> list[str]:
    """Apply the changed fields; returns their names. `version` is the one the editor saw: an edit
    made on an older one is refused (StaleEdit) rather than silently overwriting the other's."""
    require(user, Perm.MANAGE_POLICY)
    current = writes.lock(QuotaRule, rule.pk)
    writes.check_version(current, version, changes_since)
    values = clean_quota_rule(data, current)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    for k in changed:
        setattr(current, k, values[k])
    current.version += 1
    _save(user, current, _("修改"))
    for field in QuotaRule._meta.concrete_fields:
        setattr(rule, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, rule, request=request, detail={"fields": changed})
    return changed
