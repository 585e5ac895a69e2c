"""The demo: ID numbers spread like real ones, the examples of the README and the guide work in
it, its account table lines up, and `--reset` rebuilds it (and touches no other database)."""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from bangfu import demo
from bangfu.accounts.models import Role, User
from bangfu.regions import codes
from bangfu.registry.generator import generate_county
from bangfu.registry.models import Person

ROOT = Path(__file__).resolve().parents[2]


def test_a_last_four_search_finds_few_people_in_a_demo_scale_county(db, client):
    generate_county(demo.DEMO_COUNTY, 20_000, seed=2026)
    tails = Counter(Person.objects.values_list("id_number_tail", flat=True))
    assert max(tails.values()) <= 12  # counting sequences up from 001 gave 822
    sequences = Counter(tail[:2] for tail in tails.elements())
    assert len(sequences) == 100 and max(sequences.values()) < 2 * 20_000 / 100
    officer = User.objects.create_user("o", role=Role.HRSS_OFFICER, region_id=codes.full_code(demo.DEMO_COUNTY))
    client.force_login(officer)
    tail = tails.most_common(1)[0][0]
    page = client.get(reverse("person_list"), {"q": tail})
    assert page.context["page"].count <= 24  # ID tails and phone tails alike


def _examples() -> set[str]:
    """The search examples the README and the guide's search table name."""
    readme = (ROOT / "README.md").read_text()
    guide = (ROOT / "docs/guide.md").read_text()
    table = guide[guide.index("| 输入 | 例子 |"):]
    table = table[: table.index("\n\n")]
    found = set(re.findall(r"`([^`]+)` → 张三丰", readme))
    for row in table.splitlines()[2:]:
        found.update(re.findall(r"`([^`]+)`", row.split("|")[2]))
    return found


def test_every_search_example_of_the_readme_and_the_guide_finds_the_planted_person(db, client):
    demo.build_demo(1500)
    examples = _examples()
    assert {"zsf", "张三丰", "张三", "zhangsan", "0117", "5678"} <= examples
    client.force_login(User.objects.get(username="renshe"))
    for example in sorted(examples):
        assert "张三丰" in client.get(reverse("person_list"), {"q": example}).content.decode(), example
    client.force_login(User.objects.get(username="zoufang"))  # the guide's surveyor finds him too
    assert "张三丰" in client.get(reverse("person_list"), {"q": "zsf"}).content.decode()


def test_the_planted_person_shows_the_guides_masks_and_is_planted_once(db, client):
    demo.build_demo(300)
    demo.plant_examples()
    person = Person.objects.get(name="张三丰")
    assert (person.id_number_masked, person.phone_masked) == ("5226**********0117", "138****5678")
    assert person.household is not None and person.history.last().history_user.username == "renshe"
    assert [s.findings for s in person.surveys.all()] == [demo.EXAMPLE_SURVEY]


def test_the_account_table_lines_up_in_a_terminal():
    lines = demo.aligned([["admin", "系统管理员", "全国", "x"], ["zoufang", "村级走访员", "522633101001", "吴秀英"]])
    assert lines == ["admin    系统管理员  全国          x", "zoufang  村级走访员  522633101001  吴秀英"]
    assert demo.display_width("吴秀英（仁湾村）") == 16 and demo.display_width("ab") == 2


def test_reset_refuses_a_database_that_is_not_the_demo_file(db):
    with pytest.raises(demo.NotTheDemoDatabase):
        demo.reset_database()


def test_reset_rebuilds_the_demo(tmp_path):
    env = {**os.environ, "BANGFU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "bangfu.settings"}
    env.pop("BANGFU_DATABASE_URL", None)
    command = [sys.executable, "-m", "bangfu.cli", "demo", "--no-serve", "--people", "200"]

    def run(args: list[str]) -> str:  # our own interpreter and fixed arguments
        return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603

    def people() -> int:
        return int(run([sys.executable, "-c", "import django;django.setup();"
                        "from bangfu.registry.models import Person;print(Person.objects.count())"]))

    first = run(command)
    assert "Generating" in first and people() == 201  # and 张三丰
    assert "Reusing" in run(command)
    reset = run([*command[:-1], "120", "--reset"])
    assert "Deleted the demo database" in reset and "Generating" in reset and people() == 121
