"""The job-spell checks (registry.models.EmploymentSpell).

Spells are planted directly (as an import of old workbooks leaves them): the ledger's own rules
refuse some of these combinations, and the checks exist for the ones that got in anyway."""

import datetime

from bangfu.conftest import make_person
from bangfu.exchange.checks import definitions
from bangfu.registry import models

TODAY = datetime.date(2026, 6, 15)


def spell(person, start, end=None, *, place="out_province", channel="self_found", subsidy=500):
    return models.EmploymentSpell.objects.create(
        person=person, region_code=person.region_code, start_month=start, end_month=end, place=place,
        channel=channel, transport_subsidy=subsidy)


def flagged(check_id: str, prefix: str = "522633") -> dict[int, str]:
    rows = definitions.get(check_id).query(prefix, TODAY)
    reason = "reason" if "reason" in rows.query.annotations else "region_code"
    return dict(rows.values_list("pk", reason))


def _people(world, *seqs):
    return [make_person(world.alice, name=f"务工{seq}", seq=seq) for seq in seqs]


def test_it_flags_work_outside_the_county_through_a_local_channel(world):
    outside, inside, elsewhere = _people(world, 21, 23, 25)
    spell(outside, datetime.date(2024, 1, 1), channel="workshop", place="out_county")
    spell(inside, datetime.date(2024, 1, 1), channel="public_welfare", place="in_county", subsidy=None)
    spell(elsewhere, datetime.date(2024, 1, 1), channel="organised")
    assert set(flagged("spell.outside_local_channel")) == {outside.pk}


def test_it_flags_a_transport_subsidy_inside_the_county_or_none_outside(world):
    inside, missing, fine, zero = _people(world, 31, 33, 35, 37)
    spell(inside, datetime.date(2024, 1, 1), place="in_county", subsidy=300)
    spell(missing, datetime.date(2024, 1, 1), place="out_province", subsidy=None)
    spell(fine, datetime.date(2024, 1, 1), place="in_county", subsidy=None)
    spell(zero, datetime.date(2024, 1, 1), place="out_county", subsidy=0)
    assert flagged("spell.transport_subsidy") == {inside.pk: "in_county", missing.pk: "missing"}


def test_a_person_with_both_kinds_of_subsidy_error_is_flagged_once_as_in_county(world):
    (both,) = _people(world, 39)
    spell(both, datetime.date(2023, 1, 1), datetime.date(2023, 6, 1), place="out_province", subsidy=None)
    spell(both, datetime.date(2024, 1, 1), place="in_county", subsidy=200)
    rows = list(definitions.get("spell.transport_subsidy").query("522633", TODAY).values_list("pk", "reason"))
    assert rows == [(both.pk, "in_county")]


def test_it_flags_a_spell_starting_before_the_previous_ended(world):
    overlap, follows, open_then_new = _people(world, 41, 43, 45)
    spell(overlap, datetime.date(2024, 1, 1), datetime.date(2024, 6, 1))
    spell(overlap, datetime.date(2024, 5, 1), datetime.date(2024, 9, 1))
    spell(follows, datetime.date(2024, 1, 1), datetime.date(2024, 6, 1))
    spell(follows, datetime.date(2024, 6, 1))  # a change of job within the month
    spell(open_then_new, datetime.date(2023, 1, 1), datetime.date(2023, 2, 1))
    spell(open_then_new, datetime.date(2024, 1, 1))
    assert set(flagged("spell.overlap")) == {overlap.pk}


def test_it_flags_three_public_welfare_posts_for_one_person(world):
    three, two = _people(world, 51, 53)
    for year in (2021, 2022, 2023):
        spell(three, datetime.date(year, 1, 1), datetime.date(year, 12, 1), place="in_county",
              channel="public_welfare", subsidy=None)
    for year in (2021, 2022):
        spell(two, datetime.date(year, 1, 1), datetime.date(year, 12, 1), place="in_county",
              channel="public_welfare", subsidy=None)
    assert set(flagged("spell.three_posts")) == {three.pk}


def test_every_spell_check_is_registered():
    assert {"spell.outside_local_channel", "spell.transport_subsidy", "spell.overlap",
            "spell.three_posts"} <= {check.id for check in definitions.all_checks()}
