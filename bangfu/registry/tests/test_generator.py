import contextlib
import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from bangfu.audit.models import Action, AuditEntry
from bangfu.core import crypto
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import choices as c
from bangfu.registry import generator, identifiers, services
from bangfu.registry.generator import CountyNotEmpty, generate_county
from bangfu.registry.models import Household, Person

COUNTY = "522633"
TODAY = datetime.date(2026, 11, 1)


@pytest.fixture
def county(db):
    return generate_county(COUNTY, 1500, seed=7, today=TODAY)


def people():
    return Person.objects.filter(codes.within(COUNTY))


def test_it_makes_the_people_and_households_it_reports(county):
    assert people().count() == county.people == 1500
    assert Household.objects.filter(codes.within(COUNTY)).count() == county.households
    assert county.county_name == "从江县" and county.villages > 100
    assert Region.objects.filter(code="522633000000", name="从江县", level=codes.COUNTY).exists()


def test_every_id_number_parses_and_has_the_county_address_code(county):
    sealer = crypto.Sealer()
    numbers = set()
    for person in people():
        number = sealer.decrypt(person.id_number_enc)
        parsed = identifiers.parse_resident_id(number, today=TODAY)
        assert parsed.address_code == COUNTY
        assert (parsed.birth_date, parsed.gender) == (person.birth_date, person.gender)
        assert person.id_number_hash == sealer.hash(number)
        assert (person.id_number_head, person.id_number_tail) == (number[:4], number[-4:])
        numbers.add(number)
    assert len(numbers) == county.people


def test_card_numbers_are_the_id_number_category_and_grade(county):
    sealer = crypto.Sealer()
    disabled = people().filter(disability_category__isnull=False)
    with_card = disabled.exclude(disability_card_hash="")
    assert 0.7 < with_card.count() / disabled.count() < 0.97
    for person in with_card:
        card = sealer.decrypt(person.disability_card_enc)
        number = sealer.decrypt(person.id_number_enc)
        assert card == f"{number}{person.disability_category}{person.disability_grade}"
        assert identifiers.parse_disability_card(card, number)[1:] == (person.disability_category,
                                                                      person.disability_grade)
    assert not people().filter(disability_category__isnull=True).exclude(disability_card_hash="").exists()
    assert not disabled.filter(disability_grade__isnull=True).exists()


def test_about_six_percent_are_disabled(county):
    share = people().filter(disability_category__isnull=False).count() / county.people
    assert 0.035 < share < 0.09
    assert county.disabled == people().filter(disability_category__isnull=False).count()


def test_poverty_and_relocation_shares_are_like_a_deep_poverty_county(county):
    shares = Counter(people().values_list("poverty_status", flat=True))
    assert 0.25 < shares[c.PovertyStatus.FORMERLY_POOR] / county.people < 0.42
    assert 0 < shares[c.PovertyStatus.MONITORED] / county.people < 0.08
    assert not people().filter(poverty_status=c.PovertyStatus.MONITORED, monitoring_category="").exists()
    relocated = Household.objects.filter(codes.within(COUNTY), relocated=True)
    assert 0.03 < relocated.count() / county.households < 0.15
    assert not relocated.filter(relocation_site="").exists()
    assert relocated.filter(relocation_site="县城易地扶贫搬迁安置点").exists()


def test_workshops_take_a_quarter_of_the_county_workers_the_relocated_and_poor_first():
    """Seed 003: of a workshop's workers 48 % registered-poor, 24 % relocated; the county's share at
    workshops stays what it was (one of four in-county workplaces)."""
    for profile in (generator.DEEP_POVERTY, generator.ORDINARY):
        chances, shares = profile.workshop_chances(), profile.groups()
        assert sum(shares.values()) == pytest.approx(1)
        assert sum(shares[g] * chances[g] for g in shares) == pytest.approx(generator.WORKSHOP_SHARE)
        assert chances["relocated"] > chances["poor"] > chances["other"]
    chances, shares = generator.DEEP_POVERTY.workshop_chances(), generator.DEEP_POVERTY.groups()
    relocated = shares["relocated"] * chances["relocated"] / generator.WORKSHOP_SHARE
    assert 0.18 < relocated < 0.32


def test_households_have_one_head_plausible_sizes_and_ages(county):
    members = defaultdict(list)
    for person in people().only("household_id", "relationship", "region_code", "birth_date"):
        members[person.household_id].append(person)
    sizes = [len(group) for group in members.values()]
    assert min(sizes) >= 1 and max(sizes) <= 8
    assert 3.0 < sum(sizes) / len(sizes) < 4.3
    years = datetime.timedelta(days=365)
    for household in Household.objects.filter(codes.within(COUNTY)):
        group = members[household.pk]
        heads = [p for p in group if p.relationship == c.Relationship.HEAD]
        assert len(heads) == 1
        assert {p.region_code for p in group} == {household.region_code}
        assert household.number[:12] == household.region_code and len(household.number) == 16
        head = heads[0]
        for person in group:
            if person.relationship == c.Relationship.SPOUSE:
                assert abs(person.birth_date - head.birth_date) < 7 * years
            elif person.relationship == c.Relationship.CHILD:
                assert 18 * years < person.birth_date - head.birth_date < 37 * years


def test_labour_flags_and_statuses_are_consistent(county):
    for person in people():
        assert person.is_labour == services.is_labour(person.birth_date, person.labour_ability, TODAY)
        if person.employment_status == c.EmploymentStatus.NOT_SEEKING:
            assert person.not_seeking_reason
        if person.employment_status in c.EMPLOYED_STATUSES:
            assert person.employer_name
        if person.employment_status == c.EmploymentStatus.SEEKING:
            assert person.wish_jobs and 2000 <= person.wish_pay <= 6000
    labour = people().filter(is_labour=True)
    statuses = Counter(labour.values_list("employment_status", flat=True))
    assert statuses[c.EmploymentStatus.OUT_PROVINCE] > statuses[c.EmploymentStatus.PUBLIC_WELFARE] > 0
    assert people().filter(skills__isnull=False).distinct().count() > county.people / 3


def test_household_counts_are_those_of_their_members(county):
    # Counted here from the people themselves: the generator's own refresh must agree with them.
    members: dict[int, list] = {}
    for household_id, name, relationship, is_labour, status in people().values_list(
            "household_id", "name", "relationship", "is_labour", "employment_status").order_by("id"):
        members.setdefault(household_id, []).append((name, relationship, is_labour, status))
    households = Household.objects.filter(codes.within(COUNTY))
    zero = 0
    for household in households:
        rows = members[household.pk]
        labour = sum(1 for row in rows if row[2])
        employed = sum(1 for row in rows if row[3] in c.EMPLOYED_STATUSES)
        heads = [row[0] for row in rows if row[1] == c.Relationship.HEAD]
        assert (household.member_count, household.labour_count, household.employed_count) == (
            len(rows), labour, employed), household.number
        assert household.head_name == heads[0]
        # 零就业家庭: labour willing to work (employed or seeking), and no labour employed
        willing = any(row[2] and row[3] != c.EmploymentStatus.NOT_SEEKING for row in rows)
        assert household.zero_employment == (willing and not any(row[2] and row[3] in c.EMPLOYED_STATUSES
                                                                  for row in rows))
        zero += household.zero_employment
    assert zero == county.zero_employment_households
    assert 0 < zero / county.households < 0.15


def test_pinyin_keys_match_the_ledger(county):
    for name, pinyin, initials in people().values_list("name", "name_pinyin", "name_initials"):
        assert (pinyin, initials) == services.pinyin_keys(name)


def test_every_name_character_reads_the_same_alone_and_in_a_name():
    names = generator._Names(COUNTY)
    for pool in generator._GIVEN.values():
        for surname in generator._SURNAME_TEXT[::7]:
            for first, second in zip(pool, pool[1:] + pool[:1], strict=True):
                name = surname + first + second
                assert names.keys(name) == services.pinyin_keys(name)


def test_a_county_with_people_is_refused_without_append(county):
    with pytest.raises(CountyNotEmpty):
        generate_county(COUNTY, 10, seed=7, today=TODAY)
    with pytest.raises(CommandError, match="--append"):
        call_command("generate", county=COUNTY, people=10)
    assert people().count() == county.people


def test_append_adds_people_without_duplicates(county):
    more = generate_county(COUNTY, 700, seed=7, append=True, today=TODAY)
    assert more.people == 700
    assert people().count() == 2200
    sealer = crypto.Sealer()
    numbers = [sealer.decrypt(token) for token in people().values_list("id_number_enc", flat=True)]
    assert len(set(numbers)) == 2200
    households = Household.objects.filter(codes.within(COUNTY))
    assert households.count() == county.households + more.households
    assert len(set(households.values_list("number", flat=True))) == households.count()


def test_append_avoids_id_numbers_held_elsewhere(db):
    # Someone filed in another county holds the ID number the generator would give first.
    first = generate_county(COUNTY, 50, seed=3, today=TODAY)
    Person.objects.filter(codes.within(COUNTY)).update(region_code="522631101001")
    again = generate_county(COUNTY, 50, seed=3, today=TODAY)
    assert first.people == again.people == 50
    assert Person.objects.count() == 100


class _Undo(Exception):
    pass


def _people_of_a_run(seed: int) -> list[tuple]:
    """What a run makes, then rolled back so the next run starts from the same empty county."""
    sealer = crypto.Sealer()
    made = []
    with contextlib.suppress(_Undo), transaction.atomic():
        generate_county(COUNTY, 300, seed=seed, today=TODAY)
        made = sorted((p.name, sealer.decrypt(p.id_number_enc), p.region_code, p.employment_status)
                      for p in people())
        raise _Undo
    return made


def test_the_same_seed_gives_the_same_people(db):
    first = _people_of_a_run(11)
    assert len(first) == 300
    assert _people_of_a_run(11) == first
    assert _people_of_a_run(12) != first


def test_it_uses_the_villages_already_on_file(world):
    result = generate_county(COUNTY, 200, seed=1, append=True, today=TODAY)
    villages = set(people().values_list("region_code", flat=True))
    assert villages == {"522633101001", "522633101002", "522633102001"}
    assert result.villages == 3


def test_it_writes_one_audit_entry(county):
    entries = AuditEntry.objects.filter(action=Action.BULK, username="generator")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.region_code == "522633000000"
    assert entry.detail["people"] == 1500 and entry.detail["seed"] == 7


def test_it_refuses_a_code_that_is_not_a_county(db):
    with pytest.raises(ValueError, match="522600"):
        generate_county("522600", 10)
    with pytest.raises(ValueError):
        generate_county(COUNTY, 0)


def test_the_command_says_what_it_made(db):
    out = io.StringIO()
    call_command("generate", county=COUNTY, people=120, seed=2, stdout=out)
    out = out.getvalue()
    assert "从江县 (522633): 120 people" in out and "people/s" in out


def test_everyone_employed_has_one_open_spell_of_their_status_and_no_one_else(county):
    from bangfu.registry.models import EmploymentSpell

    spells = defaultdict(list)
    for spell in EmploymentSpell.objects.filter(codes.within(COUNTY)).select_related("person"):
        spells[spell.person_id].append(spell)
        assert spell.region_code == spell.person.region_code
        assert spell.start_month <= TODAY and spell.start_month.day == 1
    rows = people().values_list("pk", "employment_status", "employer_name")
    employed = 0
    for pk, status, employer in rows:
        open_spells = [s for s in spells[pk] if s.end_month is None]
        if status in c.EMPLOYED_STATUSES:
            employed += 1
            [spell] = open_spells
            assert (spell.status, spell.employer_name) == (status, employer)
        else:
            assert open_spells == []
        ordered = sorted(spells[pk], key=lambda s: s.start_month)
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            assert earlier.end_month is not None and earlier.end_month <= later.start_month
    closed = sum(1 for made in spells.values() for s in made if s.end_month is not None)
    assert employed > 500 and 30 < closed < employed
    assert services.sync_status_from_spells(people()) == 0  # the bulk rule agrees with what was made


def test_work_outside_the_county_has_a_transport_subsidy_and_inside_none(county):
    from bangfu.registry.models import EmploymentSpell

    spells = EmploymentSpell.objects.filter(codes.within(COUNTY))
    assert not spells.filter(place="in_county", transport_subsidy__isnull=False).exists()
    assert not spells.exclude(place="in_county").filter(transport_subsidy__isnull=True).exists()
    assert spells.filter(place="out_province", end_month__isnull=True).exclude(place_text="").count() == \
        spells.filter(place="out_province", end_month__isnull=True).count()
