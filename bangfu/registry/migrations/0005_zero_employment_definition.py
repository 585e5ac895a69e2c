"""Recompute the zero-employment flag of every household by the MOHRSS definition (see
registry.services.zero_employment_condition): the working-age members able and willing to work
(employed or seeking; not a student, carer or anyone else recorded as not seeking) are all without
work. Until now a household whose labour was all not seeking was flagged too.

Also: a household's 户类型 is labelled as households are (一般户 / 脱贫户 / 监测户 / 低收入户), no
longer with its people's categories; the stored codes do not change."""

from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When

NOT_SEEKING = "not_seeking"
# registry.choices.EMPLOYED_STATUSES as it stands at this migration
EMPLOYED = ("in_county", "out_county", "out_province", "self_employed", "public_welfare", "flexible")


def recompute(apps, schema_editor):
    Household = apps.get_model("registry", "Household")
    Person = apps.get_model("registry", "Person")

    def has_member(condition: Q) -> Exists:
        return Exists(Person.objects.filter(condition, household=OuterRef("pk")))

    willing = has_member(Q(is_labour=True) & ~Q(employment_status=NOT_SEEKING))
    employed = has_member(Q(is_labour=True, employment_status__in=EMPLOYED))
    # One set-based UPDATE; the flag is derived, so history does not record it.
    Household.objects.update(
        zero_employment=Case(When(Q(willing) & ~Q(employed), then=Value(True)), default=Value(False)))


class Migration(migrations.Migration):

    dependencies = [("registry", "0004_versions_and_constraints")]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
        *(migrations.AlterField(
            model_name=model_name,
            name="poverty_status",
            field=models.CharField(choices=[("none", "一般户"), ("tuopin", "脱贫户"), ("monitored", "监测户"),
                                            ("low_income", "低收入户")],
                                   default="none", max_length=16, verbose_name="户类型"),
        ) for model_name in ("historicalhousehold", "household")),
    ]
