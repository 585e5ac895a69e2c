import pytest
from django.core.exceptions import ValidationError

from bangfu.audit.models import Action, AuditEntry
from bangfu.core.permissions import Forbidden, reach_of
from bangfu.core.writes import StaleEdit
from bangfu.employers import uscc
from bangfu.employers.organisations import actions
from bangfu.employers.testing import make_employer


def test_it_creates_an_employer_with_history_and_audit(world):
    employer = make_employer(world.alice, "522633101001", "从江县绣娘服饰有限公司", industry="18")
    assert employer.industry.code == "18"
    assert employer.history.get().history_user == world.alice
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(employer.pk),
                                     object_type="employers.employer").exists()


def test_it_reads_the_kind_from_the_credit_code_when_none_is_given(world):
    code = uscc.build("9", "2", "522633", "MA7H2K3L")
    employer = actions.do_create_employer(world.alice, {"name": "个体户", "credit_code": code,
                                                         "region_code": "522633101001"})
    assert employer.kind == "individual"


def test_it_names_every_bad_field(world):
    with pytest.raises(ValidationError) as caught:
        actions.do_create_employer(world.alice, {"name": "", "credit_code": "91522633MA000001X0",
                                                 "region_code": "522633", "kind": "enterprise",
                                                 "staff_count": "10", "disabled_staff_count": "11",
                                                 "industry": "99"})
    errors = caught.value.message_dict
    assert set(errors) == {"name", "credit_code", "region_code", "disabled_staff_count", "industry"}
    assert "不能多于在职职工人数" in errors["disabled_staff_count"][0]


def test_a_credit_code_is_registered_once(world):
    employer = make_employer(world.alice, "522633101001", "甲公司")
    with pytest.raises(ValidationError, match="已登记：甲公司"):
        make_employer(world.alice, "522633101002", "乙公司", credit_code=employer.credit_code)


def test_an_officer_cannot_create_or_move_an_employer_outside_the_region(world):
    with pytest.raises(Forbidden):
        make_employer(world.alice, "522631101001", "外县公司")
    employer = make_employer(world.alice, "522633101001", "甲公司")
    with pytest.raises(Forbidden):
        actions.do_update_employer(world.alice, employer, {"region_code": "522631101001"})


def test_an_operator_edits_only_its_own_organisation(world):
    own = make_employer(world.alice, "522633101001", "甲公司")
    other = make_employer(world.alice, "522633101001", "乙公司")
    actions.do_bind_operator(world.alice, own, world.ed)
    assert reach_of(world.ed).organisation_id == own.pk
    assert actions.do_update_employer(world.ed, own, {"staff_count": 50, "contact_name": "王经理"}) == [
        "contact_name", "staff_count"]
    with pytest.raises(Forbidden):
        actions.do_update_employer(world.ed, other, {"staff_count": 50})
    with pytest.raises(Forbidden, match="主管部门"):
        actions.do_update_employer(world.ed, own, {"region_code": "522633101002"})


def test_only_operator_accounts_are_bound_and_only_by_officers(world):
    employer = make_employer(world.alice, "522633101001", "甲公司")
    with pytest.raises(ValidationError, match="只能绑定"):
        actions.do_bind_operator(world.alice, employer, world.sam)
    with pytest.raises(Forbidden):
        actions.do_bind_operator(world.bob, employer, world.ed)
    actions.do_bind_operator(world.alice, employer, world.ed)
    with pytest.raises(Forbidden):
        actions.do_bind_operator(world.ed, employer, world.ed)


def test_an_edit_on_an_older_version_is_refused(world):
    employer = make_employer(world.alice, "522633101001", "甲公司")
    actions.do_update_employer(world.alice, employer, {"staff_count": 41}, version=1)
    with pytest.raises(StaleEdit):
        actions.do_update_employer(world.alice, employer, {"staff_count": 42}, version=1)
    assert employer.version == 2
