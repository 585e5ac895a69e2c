"""On PostgreSQL the identifiers' hash and tail columns carry one plain index each and no
`varchar_pattern_ops` twin (nothing looks them up with LIKE; an import would keep both up to date),
history carries no hash index, and the lookups the ledger makes still read the plain ones."""

import pytest
from django.db import connection, transaction

from bangfu.registry.models import IDENTIFIERS, Person


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("index kinds are PostgreSQL's (set BANGFU_DATABASE_URL)")


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_no_pattern_index_on_an_identifier_column():
    columns = [f"{name}_{part}" for name in IDENTIFIERS for part in ("hash", "tail")]
    person = _indexes(Person._meta.db_table)
    assert not [name for name, sql in person.items() if "pattern_ops" in sql], person
    # each indexed column still has its plain index (the card's tail is not searched: no index)
    indexed = {column for column in columns for sql in person.values() if sql.endswith(f"USING btree ({column})")}
    assert indexed == set(columns) - {"disability_card_tail"}


@pytest.mark.django_db
def test_history_has_no_hash_index():
    history = _indexes(Person.history.model._meta.db_table)
    assert not [name for name, sql in history.items() if "_hash" in sql], history


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", [{"id_number_hash": "0" * 32}, {"phone_tail": "1234"},
                                    {"id_number_tail": "123X"}])
def test_whole_value_lookups_read_an_index(lookup):
    sql, params = Person.objects.filter(**lookup).values("id").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan, plan
