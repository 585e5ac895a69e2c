"""Recompute the zero-employment flag of every household by the MOHRSS definition (see
registry.services.zero_employment_condition): the working-age members able and willing to work
(employed or seeking; not a student, carer or anyone else recorded as not seeking) are all without
work. Until now a household whose labour was all not seeking was flagged too."""

from django.db import migrations
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

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
