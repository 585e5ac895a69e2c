"""`Among(field, values)`: a filter "field is one of these values" sent as one parameter, however
many values a chunk of an import has (thousands of ID hashes, household numbers, people, employments).

Django's `field__in=[…]` writes one placeholder per value: with psycopg's client-side binding the
query text is split and every value quoted in Python, and SQLite refuses more than 32,766
parameters. Here PostgreSQL gets `= ANY(%s)` with an array, SQLite `IN (SELECT value FROM
json_each(%s))` with a JSON list (both use the column's index, and PostgreSQL looks each
row up in a hash of the array).

    Person.objects.filter(Among("id_number_hash", hashes))
"""

import json

from django.db.models import BooleanField, F, Func


class Among(Func):
    output_field = BooleanField()

    def __init__(self, field: str, values):
        super().__init__(F(field))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            # The array in the column's own type: psycopg sends small ints as int4[], and bigint =
            # ANY(int4[]) is compared element by element, where one type is looked up in a hash.
            kind = self.source_expressions[0].output_field.cast_db_type(connection)
            text = _joined(self.values)
            if text is not None:
                # One text, split by the server: quoting thousands of array items is psycopg's
                # slowest step under client-side binding.
                return f"{column} = ANY(string_to_array(%s, ',')::{kind}[])", [*params, text]
            return f"{column} = ANY(%s::{kind}[])", [*params, self.values]
        sql = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (a compiled column; values a parameter)
        return sql, [*params, json.dumps(self.values)]


def _joined(values: list) -> str | None:
    """The values as one comma-separated text, when they are all whole numbers, or all non-empty
    texts without a comma (ID hashes); else None."""
    types = set(map(type, values))
    if types <= {int}:
        return ",".join(map(str, values))
    if types == {str} and all(values):
        text = ",".join(values)
        if text.count(",") == len(values) - 1:
            return text
    return None
