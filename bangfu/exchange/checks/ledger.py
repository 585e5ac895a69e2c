"""The checks of the ledger's people and households (the data the ledger holds today).

Each query stays inside the region prefix it is given (`_people` / `_households`: the region index)
and is one statement on SQLite and PostgreSQL alike. Identifiers are stored encrypted, so the
checks read only what is kept in clear beside them: the first and last characters of the ID number
(`id_number_tail` holds its 15th–18th characters: the 17th gives the gender), the phone's first
three and last four digits, and the keyed hashes (equal values have equal hashes).
"""

import datetime

from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear, Substr
from django.db.models.lookups import Exact, GreaterThan, LessThan
from django.utils.translation import gettext_lazy as _

from bangfu.core.permissions import prefix_q
from bangfu.exchange.checks.definitions import HOUSEHOLD, PERSON, AmongFew, Check, Severity, register
from bangfu.registry import choices as c
from bangfu.registry.models import FollowUp, Household, Person

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
OLDEST_AGE = 120
# A parent is at least this many years (by birth year) older than their child, a grandparent
# twice as many older than their grandchild.
GENERATION_GAP = 12
PUBLIC_WELFARE_AGES = (16, 65)   # inclusive: who may hold a public-welfare post (公益性岗位)
FOLLOW_UP_DAYS = 30              # a zero-employment household is followed up at least this often
ODD_DIGITS = ("1", "3", "5", "7", "9")


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _people(prefix: str):
    return Person.objects.filter(prefix_q("region_code", prefix))


def _households(prefix: str):
    return Household.objects.filter(prefix_q("region_code", prefix))


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def birth_date_impossible(prefix, today):
    # Born on or before this day: 121 years old or more today.
    oldest = years_before(today, OLDEST_AGE + 1)
    return _people(prefix).filter(
        Q(birth_date__gt=today) | Q(birth_date__lt=EARLIEST_BIRTH) | Q(birth_date__lte=oldest)
    ).annotate(reason=Case(When(birth_date__gt=today, then=_text("future")),
                           When(birth_date__lt=EARLIEST_BIRTH, then=_text("before_1900")),
                           default=_text("over_120")))


def gender_differs_from_id(prefix, today):
    # The 17th character of a resident ID number is odd for men, even for women.
    digit = Substr("id_number_tail", 3, 1)
    odd = Q(gender_digit__in=ODD_DIGITS)
    return (_people(prefix).exclude(id_number_tail="").annotate(gender_digit=digit)
            .filter((Q(gender=c.Gender.MALE) & ~odd) | (Q(gender=c.Gender.FEMALE) & odd)))


def disability_card_differs(prefix, today):
    # A disability card number is the holder's ID number, then category and grade (two digits):
    # its last six characters are the ID number's last four, the category and the grade.
    expected = Concat("id_number_tail", Cast("disability_category", CharField()),
                      Cast("disability_grade", CharField()), output_field=CharField())
    return (_people(prefix).exclude(disability_card_hash="").annotate(card_expected=expected)
            .exclude(disability_card_tail=F("card_expected")))


def household_without_head(prefix, today):
    heads = Person.objects.filter(household=OuterRef("pk"), relationship=c.Relationship.HEAD)
    return _households(prefix).filter(~Exists(heads))


def household_with_two_heads(prefix, today):
    # COUNT(*), not of ids: the heads' partial index (registry 0010) answers it alone.
    twice = (_people(prefix).filter(relationship=c.Relationship.HEAD, household__isnull=False)
             .values("household_id").annotate(heads=Count("*")).filter(heads__gt=1).values("household_id"))
    return _households(prefix).filter(pk__in=twice)


def generation_gap(prefix, today):
    # A member with a head of their household (any, if it has two) whose birth year is too close:
    # a child born when the head was under 12, a grandchild under 24, a head born when their parent
    # was under 12. Birth years compared (a whole-year rule, the same on both databases), in one
    # EXISTS per member: a semi-join, so a member is listed once however many heads match.
    year, head_year = ExtractYear(OuterRef("birth_date")), ExtractYear("birth_date")
    relationship = OuterRef("relationship")
    heads = Person.objects.filter(household_id=OuterRef("household_id"), relationship=c.Relationship.HEAD).filter(
        Q(Exact(relationship, c.Relationship.CHILD), GreaterThan(head_year, year - GENERATION_GAP))
        | Q(Exact(relationship, c.Relationship.GRANDCHILD), GreaterThan(head_year, year - 2 * GENERATION_GAP))
        | Q(Exact(relationship, c.Relationship.PARENT), LessThan(head_year, year + GENERATION_GAP)))
    return (_people(prefix).filter(relationship__in=[c.Relationship.CHILD, c.Relationship.GRANDCHILD,
                                                     c.Relationship.PARENT])
            .filter(Exists(heads)).annotate(reason=F("relationship")))


def student_counted_as_labour(prefix, today):
    return _people(prefix).filter(employment_status=c.EmploymentStatus.NOT_SEEKING,
                                  not_seeking_reason=c.NotSeekingReason.STUDYING, is_labour=True)


def formerly_poor_without_skills(prefix, today):
    skills = Person.skills.through.objects.filter(person_id=OuterRef("pk"))
    return (_people(prefix).filter(is_labour=True)
            .filter(Q(poverty_status=c.PovertyStatus.FORMERLY_POOR)
                    | Q(household__poverty_status=c.HouseholdType.FORMERLY_POOR))
            .filter(~Exists(skills)))


def public_welfare_age(prefix, today):
    youngest, oldest = PUBLIC_WELFARE_AGES
    too_young = Q(birth_date__gt=years_before(today, youngest))       # not yet 16
    too_old = Q(birth_date__lte=years_before(today, oldest + 1))      # 66 or more
    return (_people(prefix).filter(employment_status=c.EmploymentStatus.PUBLIC_WELFARE)
            .filter(too_young | too_old)
            .annotate(reason=Case(When(too_young, then=_text("under_16")), default=_text("over_65"))))


def phone_not_mobile(prefix, today):
    # A mobile number is 11 digits starting 13–19; the rules let only those and landlines
    # (0…, 10–12 digits) in, so a stored phone whose first digits are not 13–19 is not a mobile.
    return _people(prefix).exclude(phone_hash="").exclude(phone_head__gte="13", phone_head__lt="2")


def phone_shared(prefix, today):
    # Phones (by keyed hash) found in more than one household, anywhere: the other household may
    # lie outside the region checked.
    # First the phones held more than once, counted from the hash index alone (most phones are
    # held once); then, of those few, the ones whose lowest and highest household ids differ; then
    # their holders. Both later steps look the few phones up in the hash index (`AmongFew`).
    repeated = (Person.objects.exclude(phone_hash="").values("phone_hash").annotate(held=Count("phone_hash"))
                .filter(held__gt=1).values("phone_hash"))
    shared = (Person.objects.filter(AmongFew("phone_hash", repeated), household__isnull=False).values("phone_hash")
              .annotate(low=Min("household_id"), high=Max("household_id")).filter(low__lt=F("high"))
              .values("phone_hash"))
    return _people(prefix).filter(AmongFew("phone_hash", shared), household__isnull=False)


def zero_employment_not_followed(prefix, today):
    since = today - datetime.timedelta(days=FOLLOW_UP_DAYS)
    recent = FollowUp.objects.filter(household=OuterRef("pk"), done_on__gte=since)
    ever = FollowUp.objects.filter(household=OuterRef("pk"))
    return (_households(prefix).filter(zero_employment=True).filter(~Exists(recent))
            .annotate(reason=Case(When(Exists(ever), then=_text("stale")), default=_text("never"))))


CHECKS = (
    Check("person.birth_date", _("出生日期不可能"),
          _("出生日期晚于今天、早于1900年，或年龄超过120岁。"),
          Severity.ERROR, PERSON, birth_date_impossible,
          {"future": _("出生日期晚于今天"), "before_1900": _("出生日期早于1900年"),
           "over_120": _("年龄超过120岁")}),
    Check("person.gender_id", _("性别与身份证号不符"),
          _("身份证号第17位为奇数应为男性、偶数应为女性，与登记的性别不一致。"),
          Severity.ERROR, PERSON, gender_differs_from_id),
    Check("person.disability_card", _("残疾人证号与身份证号不符"),
          _("残疾人证号应为身份证号加残疾类别和等级两位数字，与登记的身份证号、类别或等级不一致。"),
          Severity.ERROR, PERSON, disability_card_differs),
    Check("household.no_head", _("家庭户没有户主"),
          _("家庭户的成员中没有与户主关系为“户主”的人。"),
          Severity.ERROR, HOUSEHOLD, household_without_head),
    Check("household.two_heads", _("家庭户有两个以上户主"),
          _("家庭户有两名及以上成员的与户主关系为“户主”。"),
          Severity.ERROR, HOUSEHOLD, household_with_two_heads),
    Check("person.generation_gap", _("成员与户主年龄差不合理"),
          _("子女的出生年份比户主晚不到12年、孙子女晚不到24年，或父母比户主早不到12年。"),
          Severity.WARNING, PERSON, generation_gap,
          {c.Relationship.CHILD: _("子女"), c.Relationship.GRANDCHILD: _("孙子女"),
           c.Relationship.PARENT: _("父母")}),
    Check("person.student_labour", _("在校生计为劳动力"),
          _("无就业意愿原因为“在校学习”，却登记为有劳动能力并计入劳动力。在校生应登记为无劳动能力。"),
          Severity.WARNING, PERSON, student_counted_as_labour),
    Check("person.tuopin_no_skills", _("脱贫户劳动力未填技能"),
          _("脱贫人口或脱贫户成员，劳动年龄内有劳动能力，却没有登记任何技能。"),
          Severity.WARNING, PERSON, formerly_poor_without_skills),
    Check("person.public_welfare_age", _("公益性岗位人员年龄不符"),
          _("就业状态为公益性岗位，年龄未满16岁或超过65岁。"),
          Severity.ERROR, PERSON, public_welfare_age,
          {"under_16": _("未满16岁"), "over_65": _("超过65岁")}),
    Check("person.phone_not_mobile", _("联系电话不是11位手机号"),
          _("登记的联系电话不是以13–19开头的11位手机号（如固定电话）。"),
          Severity.WARNING, PERSON, phone_not_mobile),
    Check("person.phone_shared", _("联系电话多户共用"),
          _("同一联系电话登记在两个及以上家庭户的成员名下。"),
          Severity.WARNING, PERSON, phone_shared),
    Check("household.zero_not_followed", _("零就业家庭30天未跟进"),
          _("零就业家庭最近30天内没有跟进记录。"),
          Severity.WARNING, HOUSEHOLD, zero_employment_not_followed,
          {"stale": _("超过30天未跟进"), "never": _("从未跟进")}),
)

register(*CHECKS)
