from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0005 migrations written side by side (sort indexes, the zero-employment recount)."""

    dependencies = [
        ("registry", "0005_list_sort_indexes"),
        ("registry", "0005_zero_employment_definition"),
    ]

    operations = []
