from bangfu.core.permissions import reach_of
from bangfu.employers import uscc
from bangfu.employers.models import Employer, EmployerOperator


def test_an_operator_reaches_the_employer_it_is_bound_to_and_nothing_else(world):
    assert reach_of(world.ed).organisation_id is None
    employer = Employer.objects.create(name="从江县绣娘服饰有限公司", kind="enterprise", region_code="522633101001",
                                       credit_code=uscc.build("9", "1", "522633", "MA6H1D2X"))
    EmployerOperator.objects.create(user=world.ed, employer=employer, bound_by=world.admin)
    world.ed.refresh_from_db()
    ed = type(world.ed).objects.get(pk=world.ed.pk)
    reach = reach_of(ed)
    assert (reach.organisation_id, reach.region_prefix) == (employer.pk, None)


def test_an_officer_bound_by_mistake_still_reaches_only_the_region(world):
    employer = Employer.objects.create(name="某公司", kind="enterprise", region_code="522633101001",
                                       credit_code=uscc.build("9", "1", "522633", "MA6H1D3X"))
    EmployerOperator.objects.create(user=world.alice, employer=employer)
    assert reach_of(type(world.alice).objects.get(pk=world.alice.pk)).organisation_id is None
