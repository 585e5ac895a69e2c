import datetime

import pytest

from bangfu.conftest import make_person, valid_id
from bangfu.employers.models import EmployerOperator, Workshop
from bangfu.employers.testing import make_employer

MONTH = datetime.date(2024, 3, 1)


@pytest.fixture
def shop(world):
    """绣娘服饰 in 大塘村, its workshop in 岜沙村, and ed bound to it as operator."""
    employer = make_employer(world.alice, "522633101001", "从江县绣娘服饰有限公司")
    workshop = Workshop.objects.create(employer=employer, name="岜沙刺绣车间", kind="factory", site="poor_village",
                                       region_code="522633101002")
    EmployerOperator.objects.create(user=world.ed, employer=employer, bound_by=world.admin)
    world.ed = type(world.ed).objects.get(pk=world.ed.pk)
    return employer, workshop


@pytest.fixture
def workers(world):
    """Five more people of the county (with their ID numbers), besides 张三丰 and 李四."""
    people = []
    for seq, name in zip((21, 23, 25, 27, 29), ("赵一", "钱二", "孙三", "周四", "吴五"), strict=True):
        people.append((make_person(world.admin, name=name, seq=seq), valid_id("522633", datetime.date(1985, 3, 9),
                                                                               seq)))
    return people
