"""The identifiers' hash and tail columns lose the `varchar_pattern_ops` indexes PostgreSQL's backend
made beside their plain ones (no lookup uses LIKE on them), and history its hash indexes."""

from django.db import migrations

import bangfu.core.sensitive

# 0003 renamed id_tail to id_number_tail; its pattern index kept the old column's name, which the
# AlterField below (dropping the name it computes from the new one) would miss.
OLD_TAIL_LIKE = "DROP INDEX IF EXISTS registry_person_id_tail_36cf577e_like"


def drop_old_tail_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_TAIL_LIKE)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0010_check_indexes'),
    ]

    operations = [
        migrations.RunPython(drop_old_tail_like, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalperson',
            name='disability_card_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='id_number_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='phone_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='person',
            name='disability_card_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, db_index=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='person',
            name='disability_card_tail',
            field=bangfu.core.sensitive.WholeValueField(blank=True, editable=False, max_length=6),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, max_length=32, unique=True),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number_tail',
            field=bangfu.core.sensitive.WholeValueField(blank=True, db_index=True, editable=False, max_length=4),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone_hash',
            field=bangfu.core.sensitive.WholeValueField(blank=True, db_index=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone_tail',
            field=bangfu.core.sensitive.WholeValueField(blank=True, db_index=True, editable=False, max_length=4),
        ),
    ]
