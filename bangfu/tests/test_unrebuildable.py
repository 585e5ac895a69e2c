"""No full ID number can be rebuilt from what a user reads without revealing it.

A resident ID number is 6 digits of address, 8 of birth date (YYYYMMDD), 3 of sequence (odd for
men) and a check character (GB 11643). Its mask keeps the first four and the last four characters;
the village gives the county, so the birth date is all that is hidden. Shown beside the mask, the
date gives the number back. This test takes everything a village surveyor, an auditor and a county
officer can read without revealing — the API (people, their history, households, surveys), the pages
(lists, person and household pages and their history, the edit and survey forms, the audit log) and
the exports — and, for every person, counts the ID numbers consistent with it:

- what any mask seen for the person keeps (ID number and disability card, position by position);
- the address code, the age on today's date and the gender, taken as known (more than is shown);
- the check character;
- and every date-looking string or run of digits seen for the person (or on a page not about one
  person): a date or a run holding the hidden digits points at candidates, which an attacker tries
  first.

It fails if, for anyone, a single candidate remains. The companion test shows the harness can fail:
add the birth date to what a user reads, as the pages used to show it, and nearly everyone's number
is rebuilt.
"""

import contextlib
import datetime
import io
import json
import re
import statistics
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken
from bangfu.conftest import valid_id
from bangfu.registry import actions
from bangfu.registry.identifiers import check_char, parse_resident_id
from bangfu.registry.models import Household, Person
from bangfu.registry.services import age_on

VILLAGE = "522633101001"  # sam's
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')
MASKED = re.compile(r"[0-9X]*\*{4,}[0-9X]*")
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
DIGITS = re.compile(r"\d{8,}[\dX]?")
PERSON_LINK = re.compile(r'href="/people/(\d+)/')


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _births(today: datetime.date) -> list[datetime.date]:
    """Birthdays on the edges of an age: today, yesterday, tomorrow, 29 February, the year's ends."""
    return [
        _years_before(today, 30), _years_before(today, 41) - datetime.timedelta(days=1),
        _years_before(today, 25) + datetime.timedelta(days=1), datetime.date(1988, 2, 29),
        datetime.date(1970, 1, 1), datetime.date(1999, 12, 31), datetime.date(1962, 7, 20),
        datetime.date(1975, 11, 3), datetime.date(2009, 6, 15), datetime.date(1981, 4, 30),
        datetime.date(1993, 9, 9), datetime.date(1956, 2, 1), datetime.date(2003, 8, 18),
        datetime.date(1968, 10, 31),
    ]


@pytest.fixture
def ledger(world):
    """A village of people with varied birthdays, in households and not, with a disability card,
    surveys that changed a phone and a card, a corrected ID number, a search and an export by a
    whole ID number; returns {person id: full ID number} for everyone in the world's county."""
    admin, alice = world.admin, world.alice
    today = timezone.localdate()
    household = actions.do_create_household(admin, {"region_code": VILLAGE, "address": "大塘村四组 2 号"})
    people = []
    for index, birth in enumerate(_births(today)):
        seq = 301 + 2 * index + index % 2  # alternating men and women
        data = {"name": f"测试{'甲乙丙丁戊己庚辛壬癸子丑寅卯'[index]}", "id_number": valid_id("522633", birth, seq),
                "region_code": VILLAGE, "relationship": "head", "labour_ability": "full",
                "poverty_status": "tuopin", "employment_status": "seeking", "phone": f"1390000{seq:04d}"}
        if index < 4:
            data.update(household=household, relationship="head" if index == 0 else "child")
        if index == 5:
            data["disability_card"] = data["id_number"] + "41"
        people.append(actions.do_create_person(admin, data))

    # A surveyor's visits change a phone and a disability card (the changes list shows their masks).
    disabled = people[5]
    card = valid_id("522633", _births(today)[5], 301 + 10 + 1) + "42"
    actions.do_record_survey(world.sam, people[1], visited_on=today, findings="家中走访", data={"phone": "13711112222"})
    actions.do_record_survey(admin, disabled, visited_on=today - datetime.timedelta(days=3), findings="核对残疾人证",
                             data={"disability_card": card})
    # A typing error in an ID number corrected: the history shows only that it changed.
    wrong = valid_id("522633", datetime.date(1977, 5, 5), 777)
    typo = actions.do_create_person(admin, {
        "name": "测试错号", "id_number": wrong, "region_code": VILLAGE, "relationship": "head",
        "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"})
    actions.do_update_person(alice, typo, {"id_number": valid_id("522633", datetime.date(1977, 6, 5), 777),
                                           "notes": "更正身份证号"})
    # An officer looks a person up by the whole number and exports what she found.
    officer = Client()
    officer.force_login(alice)
    whole = Person.id_number.decrypt(people[2])
    assert officer.get(reverse("person_list"), {"q": whole}).status_code == 200
    assert officer.get(reverse("export", args=["people"]), {"q": whole}).status_code == 200

    return {person.pk: Person.id_number.decrypt(person)
            for person in Person.objects.filter(region_code__startswith="522633")}


# --- what a user reads ----------------------------------------------------------------------------

class Seen:
    """Text a user has read: about one person (by id), or on a page about no one in particular."""

    def __init__(self):
        self.about: dict[int, list[str]] = defaultdict(list)
        self.common: list[str] = []

    def add(self, text: str, person_ids=()) -> None:
        text = CSRF.sub(r"\1", text)
        if person_ids:
            for pk in person_ids:
                self.about[int(pk)].append(text)
        else:
            self.common.append(text)

    def rows(self, html: str) -> None:
        """A list page: each table row is about the people it links to."""
        for row in html.split("<tr"):
            self.add(row, set(PERSON_LINK.findall(row)))


def _members(household_id) -> list[int]:
    return list(Person.objects.filter(household_id=household_id).values_list("pk", flat=True))


def read_everything(user) -> Seen:
    """Every page, API answer and export the user can open without revealing an identifier."""
    seen = Seen()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'rebuild')[1]}")
    pages = Client()
    pages.force_login(user)

    def get_json(url):
        response = api.get(url)
        return response.json() if response.status_code == 200 else None

    def get_page(url, params=None):
        response = pages.get(url, params or {})
        return response.content.decode() if response.status_code == 200 else None

    people = get_json("/api/people?page_size=200")["items"]
    for item in people:
        seen.add(json.dumps(item, ensure_ascii=False), [item["id"]])
        for url in (f"/api/people/{item['id']}", f"/api/people/{item['id']}/history"):
            if (answer := get_json(url)) is not None:
                seen.add(json.dumps(answer, ensure_ascii=False), [item["id"]])
    for item in get_json("/api/households?page_size=200")["items"]:
        for url in (f"/api/households/{item['id']}", f"/api/households/{item['id']}/history"):
            if (answer := get_json(url)) is not None:
                seen.add(json.dumps(answer, ensure_ascii=False), _members(item["id"]))
    for item in get_json("/api/surveys?page_size=200")["items"]:
        seen.add(json.dumps(item, ensure_ascii=False), [item["person_id"]])

    for name in ("home", "person_list", "household_list", "zero_employment", "audit_log", "regions"):
        if (html := get_page(reverse(name))) is not None:
            seen.rows(html)
    for item in people:
        for name in ("person_detail", "person_history", "person_edit", "survey_create"):
            if (html := get_page(reverse(name, args=[item["id"]]))) is not None:
                seen.add(html, [item["id"]])
    for household_id in Household.objects.values_list("pk", flat=True):
        for name in ("household_detail", "household_history", "household_edit"):
            if (html := get_page(reverse(name, args=[household_id]))) is not None:
                seen.rows(html)  # the member table: a row per member

    for export in ("people", "households"):
        response = pages.get(reverse("export", args=[export]))
        if response.status_code != 200:
            continue
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
        for row in rows:
            text = " ".join(str(cell) for cell in row)
            first = row[0] if row else None
            is_person = export == "people" and isinstance(first, int | float) and first == int(first)
            seen.add(text, [int(first)] if is_person else ())
    return seen


# --- rebuilding ----------------------------------------------------------------------------------

def _dates_in(texts) -> set[datetime.date]:
    """Every date written with separators, and every eight digits of a run that read as YYYYMMDD."""
    found = set()
    for text in texts:
        candidates = [(int(y), int(m), int(d)) for y, m, d in DATE.findall(text)]
        for run in DIGITS.findall(text):
            candidates += [(int(run[i:i + 4]), int(run[i + 4:i + 6]), int(run[i + 6:i + 8]))
                           for i in range(len(run) - 7) if run[i:i + 8].isdigit()]
        for y, m, d in candidates:
            with contextlib.suppress(ValueError):  # not a date
                found.add(datetime.date(y, m, d))
    return found


def rebuild(number: str, own: list[str], common: list[str], today: datetime.date) -> tuple[int, set[str]]:
    """The count of ID numbers consistent with what was read about the person (`own`) and on pages
    about no one in particular (`common`), and those the read dates and digit runs point at (all of
    them when nothing points anywhere)."""
    truth = parse_resident_id(number, today)
    known: list[str | None] = [None] * 18
    for i, ch in enumerate(number[:6]):  # the address code: given (the village gives the county)
        known[i] = ch

    def masks(texts):  # an ID number's masks, or a disability card's (the ID number + 2)
        return [mask for text in texts for mask in MASKED.findall(text) if len(mask) in (18, 20)]

    def agrees(mask):
        return all(ch == "*" or known[i] in (None, ch) for i, ch in enumerate(mask[:18]))

    for mask in masks(own):
        assert agrees(mask), f"mask {mask} disagrees with what else was read about the person"
        known[:18] = [known[i] if ch == "*" else ch for i, ch in enumerate(mask[:18])]
    for mask in masks(common):  # someone's: it may be this person's when it agrees
        if agrees(mask):
            known[:18] = [known[i] if ch == "*" else ch for i, ch in enumerate(mask[:18])]
    texts = own + common
    age = age_on(truth.birth_date, today)
    births = [day for day in (_years_before(today, age + 1) + datetime.timedelta(days=n) for n in range(368))
              if age_on(day, today) == age]

    def fits(candidate: str) -> bool:
        return (all(k is None or k == ch for k, ch in zip(known, candidate, strict=True))
                and candidate[17] == check_char(candidate[:17])
                and int(candidate[16]) % 2 == (truth.gender == "M"))

    tails = ([""] if all(known[14:17]) else [f"{n:03d}" for n in range(1, 1000)])
    candidates = set()
    for day in births:
        for tail in tails:
            first17 = f"{number[:6]}{day:%Y%m%d}{tail or ''.join(known[14:17])}"
            candidate = first17 + check_char(first17)
            if fits(candidate):
                candidates.add(candidate)
    hinted = {c for c in candidates if any(c in text for text in texts)}
    dates = _dates_in(texts)
    hinted |= {c for c in candidates if datetime.date(int(c[6:10]), int(c[10:12]), int(c[12:14])) in dates}
    return len(candidates), hinted or candidates


def _outcome(seen: Seen, numbers: dict[int, str], extra=None) -> dict[int, tuple[int, bool]]:
    """Per person: how many candidates, and whether exactly the real number is left."""
    today = timezone.localdate()
    result = {}
    for pk, number in numbers.items():
        own = seen.about.get(pk, []) + (extra(pk) if extra else [])
        count, narrowed = rebuild(number, own, seen.common, today)
        result[pk] = (count, narrowed == {number})
    return result


# --- the tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["sam", "audrey", "alice"])
def test_no_id_number_can_be_rebuilt_from_what_a_user_reads(world, ledger, username):
    user = getattr(world, username)
    seen = read_everything(user)
    readable = {pk: number for pk, number in ledger.items() if seen.about.get(pk)}
    if username == "sam":
        assert set(readable) == set(Person.objects.filter(region_code=VILLAGE).values_list("pk", flat=True))
    else:
        assert set(readable) == set(ledger)
    assert len(readable) >= 15
    full_numbers = [number for number in ledger.values()
                    if any(number in text for texts in seen.about.values() for text in texts) or
                    any(number in text for text in seen.common)]
    assert full_numbers == [], f"{username} reads whole ID numbers without revealing them"

    outcome = _outcome(seen, readable)
    rebuilt = [Person.objects.get(pk=pk).name for pk, (_count, done) in outcome.items() if done]
    assert rebuilt == [], f"{username} can rebuild the ID numbers of {rebuilt}"
    counts = sorted(count for count, _done in outcome.values())
    assert counts[0] > 1
    assert statistics.median(counts) >= 20  # about 365 birthdays of one age over 11 check characters


def test_the_harness_rebuilds_numbers_when_the_birth_date_is_shown(world, ledger):
    """Were the birth date shown beside the mask (as the person list and page used to), the
    harness would rebuild nearly every number: it can fail."""
    seen = read_everything(world.audrey)
    people = {pk: number for pk, number in ledger.items() if seen.about.get(pk)}
    births = dict(Person.objects.filter(pk__in=people).values_list("pk", "birth_date"))
    outcome = _outcome(seen, people, extra=lambda pk: [f"<td>{births[pk]:%Y-%m-%d}</td>"])
    rebuilt = sum(done for _count, done in outcome.values())
    assert rebuilt >= 0.9 * len(people)
