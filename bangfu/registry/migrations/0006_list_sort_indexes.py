from django.db import migrations, models


class Migration(migrations.Migration):
    """Sortable lists: an index per order holding its fields, the id (the tiebreaker) and the region
    code, so a deep page reads its ids inside the index (core/pages.py)."""

    dependencies = [
        ("registry", "0005_zero_employment_definition"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="name_pinyin",
            field=models.CharField(max_length=120),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_pinyin", "id", "region_code"], name="person_pinyin_sort"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_date", "id", "region_code"], name="person_birth_sort"),
        ),
    ]
