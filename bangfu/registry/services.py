"""Derived values of the ledger: pinyin keys, working age, and household employment counts."""

import datetime
import functools

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from bangfu.core.history import bulk_history, record_baselines
from bangfu.core.pages import forget_counts
from bangfu.registry import choices as c
from bangfu.registry import figures
from bangfu.registry.models import EmploymentSpell, Household, Person

WORKING_AGE = (16, 59)  # inclusive, in whole years: the statistical definition of 劳动力年龄


@functools.lru_cache(maxsize=100_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """('zhangsanfeng', 'zsf') for 张三丰; letters in a name are kept as they are."""
    syllables = [s.lower() for s in _syllables(name) if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalpha())
    return full[:120], initials[:20]


def _syllables(name: str) -> list[str]:
    """lazy_pinyin's syllables of a name. A name whose characters all have a reading and hold no
    word pypinyin knows (most names: it reads a word as a whole, choosing among a character's
    readings) reads character by character, each character's reading looked up once (pypinyin
    takes ~200 µs a name, and an import of a county meets hundreds of thousands of names)."""
    if all(ord(ch) in PINYIN_DICT for ch in name) and not any(
            name[start:end] in PHRASES_DICT for start in range(len(name)) for end in range(start + 2, len(name) + 1)):
        return [_character(ch) for ch in name]
    return lazy_pinyin(name, style=Style.NORMAL, errors="default")


@functools.cache
def _character(ch: str) -> str:
    return "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="default"))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_labour(birth_date: datetime.date, labour_ability: str, today: datetime.date | None = None) -> bool:
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date)
    low, high = WORKING_AGE
    return low <= age_on(birth_date, today) <= high and labour_ability != c.LabourAbility.NONE


def working_age_births(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The birth dates (inclusive) of people of working age on this day."""
    low, high = WORKING_AGE

    def years_before(years: int) -> datetime.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    return years_before(high + 1) + datetime.timedelta(days=1), years_before(low)


def update_people(people, reason: str, user=None, **values) -> int:
    """One set-based UPDATE of these people, with their history: a baseline row for anyone never
    recorded, then a row each of the new state, in the name of `user` (or the acting user)."""
    ids = list(people.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = Person.objects.filter(pk__in=ids)
    figures.mark_stale_of(changed)  # before (a move leaves its village) and after
    record_baselines(Person, changed.exclude(pk__in=Person.history.filter(id__in=ids).values("id")))
    count = changed.update(version=F("version") + 1, **values)
    if "region_code" in values:
        figures.mark_stale([values["region_code"]])
    forget_counts(Person)
    bulk_history(Person, changed.order_by("pk"), user, reason)
    return count


def refresh_labour(region_prefix: str = "", today: datetime.date | None = None) -> int:
    """Recompute is_labour for everyone whose flag no longer matches their age (set-based, with
    history in the acting user's name: a person who turns 16 or 60 is seen to change)."""
    from bangfu.regions.codes import within

    earliest, latest = working_age_births(today or datetime.date.today())  # noqa: DTZ011
    should = Q(birth_date__range=(earliest, latest)) & ~Q(labour_ability=c.LabourAbility.NONE)
    people = Person.objects.filter(within(region_prefix))
    changed = update_people(people.filter(should, is_labour=False), _("达到劳动年龄"), is_labour=True)
    changed += update_people(people.filter(~should, is_labour=True), _("超出劳动年龄或无劳动能力"), is_labour=False)
    return changed


def _member_count(condition: Q | None = None):
    members = Person.objects.filter(household=OuterRef("pk"))
    if condition is not None:
        members = members.filter(condition)
    counted = members.order_by().values("household").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), Value(0))  # an integer: Count's own type


# 零就业家庭 (MOHRSS): the household's working-age members able and willing to work (is_labour: 16–59
# with some labour ability; willing: employed or seeking work — not a student, a carer or anyone else
# recorded as 暂无就业意愿) are all without work. A household whose labour is all not seeking is
# not one; nor is one where a working-age member works.
WILLING_LABOUR = Q(is_labour=True) & ~Q(employment_status=c.EmploymentStatus.NOT_SEEKING)
EMPLOYED_LABOUR = Q(is_labour=True, employment_status__in=c.EMPLOYED_STATUSES)


def is_zero_employment(members) -> bool:
    """The definition above for members given as (is_labour, employment_status) pairs (the
    generator's rows); refresh_households is its set-based form."""
    members = list(members)
    willing = any(labour and status != c.EmploymentStatus.NOT_SEEKING for labour, status in members)
    return willing and not any(labour and status in c.EMPLOYED_STATUSES for labour, status in members)


def _has_member(condition: Q) -> Exists:
    return Exists(Person.objects.filter(condition, household=OuterRef("pk")))


def zero_employment_condition() -> Q:
    """Households that are 零就业家庭 now, from their members: the set-based form of the definition."""
    return Q(_has_member(WILLING_LABOUR)) & ~Q(_has_member(EMPLOYED_LABOUR))


def refresh_households(households) -> int:
    """Recount members, labour and employed for these households (a queryset) and recompute the
    zero-employment flag, in one UPDATE."""
    employed = Q(employment_status__in=c.EMPLOYED_STATUSES)
    figures.mark_stale_of(households)
    forget_counts(Household)  # an UPDATE sends no post_save: lists must not keep their old counts
    # The flag from counts per household, not zero_employment_condition()'s EXISTS: PostgreSQL may run
    # an EXISTS once over the whole person table (a hashed subplan), a full scan per refresh.
    zero = Case(When(GreaterThan(_member_count(WILLING_LABOUR), 0),
                     then=Case(When(Exact(_member_count(EMPLOYED_LABOUR), 0), then=Value(True)), default=Value(False))),
                default=Value(False))
    return households.update(
        member_count=_member_count(),
        labour_count=_member_count(Q(is_labour=True)),
        # every member who works (一户一人以上就业 counts any of them)
        employed_count=_member_count(employed),
        zero_employment=zero,
        head_name=_head("name"), head_pinyin=_head("name_pinyin"), head_initials=_head("name_initials"),
    )


def household_figures(members) -> dict:
    """What refresh_households stores for a household, from its members given as dicts of their
    field values (fields not given: the model's defaults), in the order of their ids: the recount
    of a household whose members were all just added, without asking the database."""
    defaults = _person_defaults()
    member_count = labour_count = employed_count = willing = employed_labour = 0
    head = None
    for member in members:
        labour = member.get("is_labour", defaults["is_labour"])
        status = member.get("employment_status", defaults["employment_status"])
        employed = status in c.EMPLOYED_STATUSES
        member_count += 1
        labour_count += bool(labour)
        employed_count += employed
        willing += bool(labour) and status != c.EmploymentStatus.NOT_SEEKING
        employed_labour += bool(labour) and employed
        if head is None and member.get("relationship", defaults["relationship"]) == c.Relationship.HEAD:
            head = member
    head = head or {}
    return {"member_count": member_count, "labour_count": labour_count, "employed_count": employed_count,
            "zero_employment": willing > 0 and employed_labour == 0,
            "head_name": head.get("name", ""), "head_pinyin": head.get("name_pinyin", ""),
            "head_initials": head.get("name_initials", "")}


@functools.cache
def _person_defaults() -> dict:
    return {f.attname: f.get_default() for f in Person._meta.concrete_fields}


def refresh_household(household_id: int | None) -> None:
    if household_id:
        refresh_households(Household.objects.filter(pk=household_id))


def _head(field: str):
    """The household head's value of a field (their name, its pinyin keys); "" without a head."""
    heads = Person.objects.filter(household=OuterRef("pk"), relationship=c.Relationship.HEAD).order_by("id")
    return Coalesce(Subquery(heads.values(field)[:1]), Value(""))


# --- job spells ----------------------------------------------------------------------------------

SYNC_CHUNK = 5000  # people per statement: below every database's limit of bound parameters


def spell_status_expression() -> Case:
    """The employment status an EmploymentSpell row gives (choices.spell_status, in SQL)."""
    return Case(*(When(channel=channel, then=Value(status)) for channel, status in c.CHANNEL_STATUS.items()),
                *(When(place=place, then=Value(status)) for place, status in c.PLACE_STATUS.items()),
                default=Value(""))


def _chunks(people):
    ids = list(people.values_list("pk", flat=True)) if hasattr(people, "values_list") else sorted(set(people))
    for start in range(0, len(ids), SYNC_CHUNK):
        yield ids[start:start + SYNC_CHUNK]


def sync_status_from_spells(people, user=None, reason: str | None = None) -> int:
    """Set-based: these people (a Person queryset, or ids) take the employment status and workplace
    of their open spell; one without an open spell whose status still says employed becomes
    未就业有就业意愿 (a non-employment status typed by hand stays as it is). History rows for the
    people changed (in `user`'s name, or the acting user's), and their households recounted.
    Returns how many people changed."""
    reason = reason or _("随务工经历更新就业状态")
    changed = 0
    for ids in _chunks(people):
        open_spell = EmploymentSpell.objects.filter(person=OuterRef("pk"), end_month__isnull=True)
        status = Subquery(open_spell.annotate(status=spell_status_expression()).values("status")[:1])
        employer = Subquery(open_spell.values("employer_name")[:1])
        chunk = Person.objects.filter(pk__in=ids)
        employ = (chunk.filter(Exists(open_spell)).annotate(spell_status=status, spell_employer=employer)
                  .exclude(employment_status=F("spell_status"), employer_name=F("spell_employer"),
                           not_seeking_reason=""))
        unemploy = chunk.filter(~Exists(open_spell), employment_status__in=c.EMPLOYED_STATUSES)
        households = set(employ.values_list("household_id", flat=True)) | set(
            unemploy.values_list("household_id", flat=True))
        changed += update_people(employ, reason, user, employment_status=status, employer_name=employer,
                                 not_seeking_reason="")
        changed += update_people(unemploy, reason, user, employment_status=c.EmploymentStatus.SEEKING,
                                 employer_name="", not_seeking_reason="")
        households.discard(None)
        if households:
            refresh_households(Household.objects.filter(pk__in=households))
    return changed


def follow_person_region(people) -> int:
    """Spells take their person's village again after a move (set-based; no history: the person's
    own history shows the move)."""
    moved = 0
    for ids in _chunks(people):
        village = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("region_code")[:1])
        moved += (EmploymentSpell.objects.filter(person_id__in=ids).exclude(region_code=village)
                  .update(region_code=village))
    return moved


def gather_statistics() -> None:
    """Planner statistics for the people and households tables, after bulk writes changed them a lot
    (the generator, big imports). Without them PostgreSQL plans the household refresh's per-household
    subqueries as a bitmap over every employed person (hours at 10⁶ people instead of seconds) and
    looks rows up by scanning a table it thinks empty; SQLite picks weaker indexes for the ledger's
    filtered counts."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in (Person, Household)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
