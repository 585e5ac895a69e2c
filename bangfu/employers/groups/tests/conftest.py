import datetime

import pytest

from bangfu.employers.groups import actions
from bangfu.employers.testing import make_cooperative
from bangfu.registry.testing import make_disabled_person, make_person

VILLAGE = "522633101001"
D = datetime.date


@pytest.fixture
def coop(world):
    """A cooperative with two members (one of them a team leader since 2024-03-01)."""
    co = make_cooperative(world.alice, VILLAGE, "大塘劳务合作社")
    first = actions.do_add_coop_member(world.alice, co, make_person(world.alice, VILLAGE, "吴老大"),
                                       {"joined_on": D(2024, 2, 1)})
    second = actions.do_add_coop_member(world.alice, co, make_disabled_person(world.alice, VILLAGE, "石阿妹"),
                                        {"joined_on": D(2024, 2, 1)})
    leader = actions.do_appoint_leader(world.alice, first, {"start_date": D(2024, 3, 1)})
    co.first, co.second, co.leader = first, second, leader
    return co


def dispatch_data(coop, **fields):
    return {"destination": "partner_city", "city": "杭州市萧山区", "leader": coop.leader,
            "start_date": D(2025, 3, 1), "planned_months": 3, "people": [coop.first, coop.second], **fields}
