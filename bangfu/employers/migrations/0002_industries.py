"""The 门类 and 大类 of GB/T 4754-2017 (data/industries.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from bangfu.employers.industries import BUNDLED, parent_code, read_csv, section_of

    Industry = apps.get_model("employers", "Industry")
    made = {}
    for _line, code, name in sorted(read_csv(BUNDLED), key=lambda row: (len(row[1]), row[1])):
        made[code], _created = Industry.objects.get_or_create(code=code, defaults={
            "name": name, "level": 1 if len(code) == 1 else len(code), "section": section_of(code),
            "parent": made.get(parent_code(code))})


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
