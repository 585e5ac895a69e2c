import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD
from bangfu.registry import actions


def test_home_counts_the_users_region(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("home"))
    figures = response.context["figures"]
    assert figures["people"]["value"] == 2  # 张三丰 and 李四; 王五 is in another county
    assert figures["formerly_poor"]["value"] == 2
    assert figures["people"]["url"] == reverse("person_list")
    assert figures["seeking"]["url"] == reverse("person_list") + "?employment=seeking"
    actions.do_update_person(world.alice, world.person, {"employment_status": "out_province"})
    figures = client.get(reverse("home")).context["figures"]
    assert figures["out_province"]["value"] == 1 and figures["employed"]["value"] == 1


def test_home_for_a_surveyor_counts_only_their_village(client, world):
    client.force_login(world.sam)
    assert client.get(reverse("home")).context["figures"]["people"]["value"] == 1


def test_employers_see_no_ledger(client, world):
    client.force_login(world.ed)
    assert "figures" not in client.get(reverse("home")).context
    assert client.get(reverse("person_list")).status_code == 403


def test_pages_need_login(client, world):
    response = client.get(reverse("person_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_and_throttling(client, world):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "15 分钟" in response.content.decode()
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username="alice").count() == 5


def test_login_succeeds(client, world):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from bangfu import settings as project

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Argon2PasswordHasher().encode("secret", "saltsaltsalt").startswith("argon2$")


def test_region_tree_counts(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("regions"))
    rows = {child.name: counts[0][1] for child, counts in response.context["rows"]}
    assert rows == {"丙妹镇": 1, "贯洞镇": 1}
    response = client.get(reverse("region", args=["522633101000"]))
    assert {c.name: n[0][1] for c, n in response.context["rows"]} == {"大塘村": 1, "岜沙村": 0}
    assert client.get(reverse("region", args=["522631000000"])).status_code == 404


def test_audit_log_is_for_auditors(client, world):
    actions.do_reveal_identifier(world.alice, world.person, "phone")
    client.force_login(world.audrey)
    assert "alice" in client.get(reverse("audit_log")).content.decode()
    client.force_login(world.alice)
    assert client.get(reverse("audit_log")).status_code == 403


def test_language_switch(client, world):
    client.force_login(world.alice)
    assert "人员台账" in client.get(reverse("person_list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/people/"})
    body = client.get(reverse("person_list")).content.decode()
    assert "People" in body and "人员台账" not in body


def test_production_mode_refuses_unsafe_settings(settings):
    settings.PRODUCTION = True
    settings.DEBUG = True
    settings.FIELD_KEY = None
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check")
    message = str(excinfo.value)
    assert "bangfu.E001" in message and "bangfu.E002" in message and "bangfu.E003" in message


def test_production_mode_accepts_safe_settings(settings):
    from bangfu.conftest import TEST_FIELD_KEY

    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50
    settings.FIELD_KEY = TEST_FIELD_KEY
    call_command("check")


def test_chinese_is_the_default_whatever_the_browser_asks(client, world):
    client.force_login(world.alice)
    body = client.get(reverse("person_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "人员台账" in body


def test_audit_log_reads_as_words(client, world):
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"}, reason="电话核实")
    actions.do_reveal_identifier(world.alice, world.person, "id_number")
    client.force_login(world.admin)
    body = client.get(reverse("audit_log")).content.decode()
    assert "意向岗位" in body and "电话核实" in body and "身份证号" in body
