"""`field__prefix_range="zha"`: text that starts with a prefix, as a range an index serves.

Written as `field >= 'zha' AND field < 'zha\U0010ffff'` rather than LIKE, which neither database
serves from a B-tree index under their default collations. On SQLite each bound also carries
`likelihood(…, 0.001)`: without range statistics SQLite guesses every range alike, so it would read
a whole county in the list's order (region code) rather than the few names that start with
"ouyang", and it would not consider an OR of two prefixes as two index searches. PostgreSQL's
statistics see the prefix's real share and need no hint."""

from django.db.models import CharField, Lookup

SELECTIVE = 0.001  # what SQLite is told a prefix's share of the rows is
LAST_CHARACTER = "\U0010ffff"


@CharField.register_lookup
class PrefixRange(Lookup):
    lookup_name = "prefix_range"
    prepare_rhs = False  # the prefix is text as given, not a value of the field

    def as_sql(self, compiler, connection):
        return self._range(compiler, connection, "{column} >= %s AND {column} < %s")

    def as_sqlite(self, compiler, connection):
        return self._range(compiler, connection, f"likelihood({{column}} >= %s, {SELECTIVE}) "
                                                 f"AND likelihood({{column}} < %s, {SELECTIVE})")

    def _range(self, compiler, connection, template: str):
        column, column_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        return f"({template.format(column=column)})", [*column_params, prefix, *column_params,
                                                        prefix + LAST_CHARACTER]
