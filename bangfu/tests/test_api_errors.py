"""Every answer under /api/ is JSON in the API's error shape, whoever gives it (bangfu.api)."""

import json
import logging

import pytest
from django.test import Client

from bangfu.accounts.models import ApiToken


@pytest.fixture
def api(world) -> Client:
    # Django's own error pages, as a client sees them (not re-raised into the test).
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.alice, 'tests')[1]}",
                  raise_request_exception=False)


def _detail(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["detail"] and isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


def test_a_body_over_the_limit_is_413_json(api, settings, caplog):
    body = json.dumps({"name": "张三", "notes": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    with caplog.at_level(logging.WARNING):
        detail = _detail(api.post("/api/people", body, content_type="application/json"), 413)
    assert "2.5 MB" in detail
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_an_unknown_address_is_404_json(api):
    assert _detail(api.get("/api/no-such-thing"), 404) == "未找到，或不在您的管辖范围内"
    assert _detail(Client().get("/api/no-such-thing"), 404)   # without a token too


def test_a_wrong_method_is_405_json_with_allow(api):
    response = api.delete("/api/me")
    assert "DELETE" in _detail(response, 405)
    assert response["Allow"] == "GET"


def test_a_server_error_is_500_json(api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("bangfu.api.permissions_of", broken)
    with caplog.at_level(logging.ERROR):
        assert _detail(api.get("/api/me"), 500) == "服务器内部错误，已记入日志，请稍后再试"
    assert any(r.exc_info for r in caplog.records)  # the error itself is logged, with its traceback
    assert "boom" not in api.get("/api/me").content.decode()


def test_a_refusal_is_403_json_and_one_log_line(world, caplog):
    surveyor = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.sam, 'tests')[1]}")
    with caplog.at_level(logging.INFO):  # a surveyor may not reveal an ID number
        response = surveyor.post(f"/api/people/{world.person.pk}/reveal", json.dumps({"field": "id_number"}),
                                 content_type="application/json")
    _detail(response, 403)
    records = [r for r in caplog.records if r.name.startswith("django")]
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]


def test_errors_are_in_english_for_english_users(api):
    api.cookies["django_language"] = "en"
    assert _detail(api.get("/api/no-such-thing"), 404) != "未找到，或不在您的管辖范围内"
