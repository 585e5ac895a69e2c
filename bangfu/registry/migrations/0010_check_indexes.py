from django.db import migrations

# Partial indexes for the consistency checks (bangfu/exchange/checks): each holds only the rows one
# check reads, so a check over a county reads a small index instead of the whole person table.
# They are made in SQL, outside the models' state: they serve queries of another app, and their
# conditions are those queries' own conditions, which Index(condition=…) cannot all spell.

# The heads of households (about one person in four): households without a head or with two,
# and each member's head in the generation-gap check. Both databases.
HEADS = ("CREATE INDEX person_check_head ON registry_person (household_id, region_code, birth_date) "
         "WHERE relationship = 'head'")

# PostgreSQL only. Each condition is the WHERE of a check as Django compiles it (region aside):
# the planner uses a partial index only when the query's conditions imply the index's, so a check
# whose condition changes must change its index here too (checks/tests/test_plans.py tells).
# The rows are the ones the check flags, mostly none: an index-only scan lists them.
POSTGRES = {
    # person.gender_id: the ID number's 17th digit is odd for men, even for women.
    "person_check_gender": """NOT ("id_number_tail" = '') AND (("gender" = 'M' AND NOT (SUBSTRING("id_number_tail", 3, 1)
        IN ('1', '3', '5', '7', '9'))) OR ("gender" = 'F' AND SUBSTRING("id_number_tail", 3, 1) IN ('1', '3', '5', '7', '9')))""",
    # person.disability_card: the card number is the ID number, the category and the grade.
    "person_check_card": """NOT ("disability_card_hash" = '') AND NOT ("disability_card_tail" = (COALESCE("id_number_tail", '')
        || COALESCE((COALESCE(("disability_category")::varchar, '') || COALESCE(("disability_grade")::varchar, '')), '')))""",
    # person.phone_not_mobile
    "person_check_phone": """NOT ("phone_hash" = '') AND NOT ("phone_head" >= '13' AND "phone_head" < '2')""",
    # person.student_labour
    "person_check_student": """"employment_status" = 'not_seeking' AND "is_labour" AND "not_seeking_reason" = 'studying'""",
}
# The same for job spells (registry_employmentspell), by person: the checks' EXISTS and GROUP BY
# read them so.
SPELLS = {
    # spell.outside_local_channel
    "spell_check_local_channel": """NOT ("place" = 'in_county') AND "channel" IN ('public_welfare', 'workshop')""",
    # spell.transport_subsidy
    "spell_check_subsidy": """(("place" = 'in_county' AND "transport_subsidy" > 0)
        OR (NOT ("place" = 'in_county') AND "transport_subsidy" IS NULL))""",
    # spell.three_posts: every public-welfare post (one spell in twelve), counted by person.
    "spell_check_posts": """"channel" = 'public_welfare'""",
}
# Wider ones (half the people or more), each sparing a check its scan of the whole person table:
# ordered as the joins read them, with every column the check reads (index-only scans).
COVERING = {
    # person.generation_gap: the members, merged with the heads by household.
    "person_check_members": ("(household_id, relationship, birth_date, region_code, id)",
                             "relationship IN ('child', 'grandchild', 'parent')"),
    # person.tuopin_no_skills: the labour force by id, merged with the skills table's person index.
    "person_check_labour": ("(id, region_code, household_id, poverty_status)", '"is_labour"'),
}
# person.public_welfare_age depends on the day: the index holds the posts' holders with their birth
# dates, and the scan keeps the ones too young or too old that day.
WELFARE = ("CREATE INDEX person_check_welfare ON registry_person (region_code, id, birth_date) "
           "WHERE employment_status = 'public_welfare'")


def _statements(vendor: str) -> list[str]:
    statements = [HEADS]
    if vendor == "postgresql":
        statements += [f"CREATE INDEX {name} ON registry_person (region_code, id) WHERE {condition}"
                       for name, condition in POSTGRES.items()]
        statements += [f"CREATE INDEX {name} ON registry_person {columns} WHERE {condition}"
                       for name, (columns, condition) in COVERING.items()]
        statements += [f"CREATE INDEX {name} ON registry_employmentspell (person_id, region_code) WHERE {condition}"
                       for name, condition in SPELLS.items()]
        statements.append(WELFARE)
    return statements


def create(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0009_employment_spells"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
