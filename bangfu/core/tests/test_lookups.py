"""`field__prefix_range`: the text fields that start with a prefix, as a range the index serves,
hinted as selective on SQLite (core/lookups.py)."""

import pytest
from django.db import connection

from bangfu.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    for number, name in enumerate(("王", "王安", "汪", "玉"), start=1):
        Region.objects.create(code=f"1000000000{number:02d}", name=name, level=5)


def test_it_finds_what_starts_with_the_prefix_and_nothing_else(names):
    found = set(Region.objects.filter(name__prefix_range="王").values_list("name", flat=True))
    assert found == {"王", "王安"}
    assert not Region.objects.filter(name__prefix_range="王安宁").exists()


def test_it_is_a_range_with_a_hint_only_where_sqlite_needs_one():
    sql = str(Region.objects.filter(name__prefix_range="王").query)
    assert ">= 王" in sql and "< 王\U0010ffff" in sql and "LIKE" not in sql
    assert ("likelihood(" in sql) is (connection.vendor == "sqlite")
