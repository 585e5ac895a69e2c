"""What the employer side's permissions are and which roles hold them (registered with the core gate)."""

from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core.permissions import define, grant


class Perm:
    VIEW_EMPLOYERS = define("view_employers", _("查看用人单位"))
    EDIT_EMPLOYERS = define("edit_employers", _("编辑用人单位"))
    APPLY_WORKSHOP = define("apply_workshop", _("申报就业帮扶车间"))
    REVIEW_WORKSHOP = define("review_workshop", _("审核认定就业帮扶车间"))
    MONITOR_WORKSHOP = define("monitor_workshop", _("就业帮扶车间动态监测"))
    VIEW_EMPLOYMENT = define("view_employment", _("查看用工记录"))
    SUBMIT_ROSTER = define("submit_roster", _("报送用工花名册"))
    MANAGE_GROUPS = define("manage_groups", _("管理示范基地和劳务合作社"))
    # Lists taken out as Excel, as the ledger's own EXPORT: a permission of its own, checked by every
    # export of this side (those naming people need the ledger's EXPORT as well).
    EXPORT_EMPLOYERS = define("export_employers", _("导出用人单位数据"))
    # Quota parameters, workshop criteria, rent rules: policy as data, kept by administrators (who hold
    # every permission).
    MANAGE_POLICY = define("manage_policy", _("维护政策参数"))


OFFICE_ROLES = (Role.HRSS_OFFICER, Role.DPF_OFFICER, Role.TOWNSHIP_OFFICER)


def grant_roles() -> None:
    grant(OFFICE_ROLES, Perm.VIEW_EMPLOYERS, Perm.EDIT_EMPLOYERS, Perm.VIEW_EMPLOYMENT, Perm.MANAGE_GROUPS)
    # The HRSS bureau certifies and monitors workshops; townships file applications for their villages.
    grant([Role.HRSS_OFFICER], Perm.REVIEW_WORKSHOP, Perm.MONITOR_WORKSHOP, Perm.APPLY_WORKSHOP,
          Perm.SUBMIT_ROSTER)
    grant([Role.TOWNSHIP_OFFICER], Perm.APPLY_WORKSHOP, Perm.SUBMIT_ROSTER)
    # An operator keeps its own organisation's record, applies for its workshops and submits rosters.
    grant([Role.EMPLOYER], Perm.VIEW_EMPLOYERS, Perm.EDIT_EMPLOYERS, Perm.APPLY_WORKSHOP, Perm.VIEW_EMPLOYMENT,
          Perm.SUBMIT_ROSTER)
    grant([Role.AUDITOR], Perm.VIEW_EMPLOYERS, Perm.VIEW_EMPLOYMENT)
    # Export goes where the ledger's goes (the officers and the auditors), and to the operators, who
    # export their own organisation's records only (the organisation scope): their own employees by
    # name, as their pages show them, and no other person's name.
    grant([*OFFICE_ROLES, Role.AUDITOR, Role.EMPLOYER], Perm.EXPORT_EMPLOYERS)
