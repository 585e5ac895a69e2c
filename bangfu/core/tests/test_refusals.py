"""A refusal is one line in the log, not an error with a traceback."""

import logging

from django.test import Client
from django.urls import reverse


def test_a_refused_page_is_one_warning_without_a_traceback(world, caplog):
    client = Client()
    client.force_login(world.sam)  # a surveyor may not export
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("export", args=["people"]))
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    records = [r for r in caplog.records if r.name.startswith("django")]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        ("WARNING", "Forbidden: /export/people.xlsx", None)]
