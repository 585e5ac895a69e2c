"""On PostgreSQL, each check the registry's partial indexes were made for (registry migration
0010_check_indexes) can read them: a partial index serves a query only while the query's
conditions imply the index's, so a check whose condition changes must change its index too.

Sequential scans are priced out and the tables' other plain indexes dropped for the EXPLAIN (inside
a transaction rolled back), so the plan shows whether the index can be used at all, however few rows
the test database holds: on tables of a few rows another index costs the same, and which one the
planner took depended on what earlier tests had left in their pages."""

import pytest
from django.db import connection, transaction

from bangfu.exchange.checks import definitions
from bangfu.exchange.checks.runner import read_rows

INDEXES = {
    "household.no_head": ["person_check_head"],
    "household.two_heads": ["person_check_head"],
    "person.generation_gap": ["person_check_head", "person_check_members"],
    "person.gender_id": ["person_check_gender"],
    "person.disability_card": ["person_check_card"],
    "person.phone_not_mobile": ["person_check_phone"],
    "person.student_labour": ["person_check_student"],
    "person.tuopin_no_skills": ["person_check_labour"],
    "person.public_welfare_age": ["person_check_welfare"],
    "spell.outside_local_channel": ["spell_check_local_channel"],
    "spell.transport_subsidy": ["spell_check_subsidy"],
    "spell.three_posts": ["spell_check_posts"],
}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the checks' partial indexes are PostgreSQL's (set BANGFU_DATABASE_URL)")


def _plan(check_id: str, only: list[str] | None = None) -> str:
    """The check's plan; with `only`, no plain index of the ledger's tables but those."""
    sql, params = read_rows(definitions.get(check_id), "522633").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # The same statistics, whichever tests ran before.
        cursor.execute("ANALYZE registry_person, registry_employmentspell")
        cursor.execute("SET LOCAL enable_seqscan = off")
        if only is not None:
            cursor.execute("""SELECT index.relname FROM pg_index i JOIN pg_class index ON index.oid = i.indexrelid
                              JOIN pg_class tab ON tab.oid = i.indrelid
                              WHERE tab.relname IN ('registry_person', 'registry_employmentspell', 'registry_household')
                              AND NOT i.indisprimary AND NOT i.indisunique""")
            for (name,) in cursor.fetchall():
                if name not in only:
                    cursor.execute(f'DROP INDEX "{name}"')  # rolled back with the transaction
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
        return plan


@pytest.mark.parametrize("check_id", sorted(INDEXES))
def test_the_check_reads_its_partial_index(db, check_id):
    plan = _plan(check_id, only=INDEXES[check_id])
    for index in INDEXES[check_id]:
        assert index in plan, plan


def test_shared_phones_are_looked_up_in_the_hash_index(db):
    # = ANY(ARRAY(…)): the few shared phones' holders found through the index, not by a scan.
    plan = _plan("person.phone_shared")
    assert "phone_hash)::text = ANY" in plan and "Index" in plan, plan
