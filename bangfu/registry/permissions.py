"""What the ledger's permissions are and which roles hold them (registered with the core gate)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core.permissions import define, grant, narrow
from bangfu.registry.models import EmploymentSpell, FollowUp, Household, Person, Survey


class Perm:
    VIEW_LEDGER = define("view_ledger", _("查看台账"))
    EDIT_LEDGER = define("edit_ledger", _("编辑台账"))
    RECORD_SURVEY = define("record_survey", _("走访登记"))
    REVEAL_IDENTIFIER = define("reveal_identifier", _("查看完整证件号"))
    VIEW_HISTORY = define("view_history", _("查看修改记录"))
    EXPORT = define("export", _("导出"))
    FOLLOW_UP = define("follow_up", _("零就业家庭跟进"))


# What the disabled persons' federation sees of the people (registry.figures keeps its figures too).
DISABLED_PEOPLE = Q(disability_category__isnull=False)

OFFICERS = (Role.HRSS_OFFICER, Role.DPF_OFFICER, Role.TOWNSHIP_OFFICER)


def grant_roles() -> None:
    grant(OFFICERS, Perm.VIEW_LEDGER, Perm.EDIT_LEDGER, Perm.RECORD_SURVEY, Perm.REVEAL_IDENTIFIER,
          Perm.VIEW_HISTORY, Perm.EXPORT, Perm.FOLLOW_UP)
    # Surveyors keep the ledger current through door-to-door surveys in their own villages.
    grant([Role.SURVEYOR], Perm.VIEW_LEDGER, Perm.RECORD_SURVEY)
    grant([Role.AUDITOR], Perm.VIEW_LEDGER, Perm.REVEAL_IDENTIFIER, Perm.VIEW_HISTORY, Perm.EXPORT)


def has_disabled_member(household_ref: str) -> Q:
    return Q(Exists(Person.objects.filter(DISABLED_PEOPLE, household=OuterRef(household_ref))))


def narrow_roles() -> None:
    """Data minimisation: a disabled persons' federation officer works with disabled people, so of
    their region they see the disabled people, those people's households (with only the disabled
    members: a household's other members are not theirs to see) and what hangs on these."""
    dpf = [Role.DPF_OFFICER]
    people = _("残联工作人员只能登记和编辑残疾人（须填写残疾类别和等级）")
    households = _("残联工作人员只能编辑有残疾人成员的家庭户")
    narrow(dpf, Person, DISABLED_PEOPLE, people)
    narrow(dpf, Survey, Q(person__disability_category__isnull=False), people)
    narrow(dpf, EmploymentSpell, Q(person__disability_category__isnull=False), people)
    narrow(dpf, Household, has_disabled_member("pk"), households)
    narrow(dpf, FollowUp, has_disabled_member("household_id"), households)
