"""The checks of people's job spells (务工经历, `registry.models.EmploymentSpell`).

Each flags the person whose spells fail the rule (findings are about people: the spell is read
on the person's page). Spells carry their person's region code, so each query stays in the region
through the spells' own region index.
"""

import datetime

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from bangfu.core.permissions import prefix_q
from bangfu.exchange.checks.definitions import PERSON, Check, Severity, register
from bangfu.registry import choices as c
from bangfu.registry.models import EmploymentSpell, Person

IN_COUNTY = c.SpellPlace.IN_COUNTY
LOCAL_CHANNELS = (c.Channel.PUBLIC_WELFARE, c.Channel.WORKSHOP)  # work inside the county only
PUBLIC_WELFARE = "public_welfare"
POSTS_AT_MOST = 2                                # public-welfare spells one person may have


def _spells(prefix: str):
    return EmploymentSpell.objects.filter(prefix_q("region_code", prefix))


def _people_with(spells) -> Q:
    return Q(Exists(spells.filter(person_id=OuterRef("pk"))))


def outside_with_local_channel(prefix, today: datetime.date):
    spells = _spells(prefix).exclude(place=IN_COUNTY).filter(channel__in=LOCAL_CHANNELS)
    return Person.objects.filter(prefix_q("region_code", prefix)).filter(_people_with(spells))


def transport_subsidy(prefix, today):
    inside = Q(place=IN_COUNTY, transport_subsidy__gt=0)
    missing = ~Q(place=IN_COUNTY) & Q(transport_subsidy__isnull=True)
    # One EXISTS of either kind (a semi-join over the spells); which kind, only for those found.
    return (Person.objects.filter(prefix_q("region_code", prefix))
            .filter(_people_with(_spells(prefix).filter(inside | missing)))
            .annotate(reason=Case(When(_people_with(_spells(prefix).filter(inside)), then=Value("in_county")),
                                  default=Value("missing"), output_field=CharField())))


def overlapping_spells(prefix, today):
    # A spell that starts before an earlier-starting one of the same person ended (the next spell
    # may start in the month the previous one ended; an open spell has not ended).
    earlier = EmploymentSpell.objects.filter(
        person_id=OuterRef("person_id"), start_month__lte=OuterRef("start_month"),
    ).exclude(pk=OuterRef("pk")).filter(Q(end_month__isnull=True) | Q(end_month__gt=OuterRef("start_month")))
    overlapping = _spells(prefix).filter(Exists(earlier))
    return Person.objects.filter(prefix_q("region_code", prefix)).filter(_people_with(overlapping))


def too_many_posts(prefix, today):
    # COUNT(*), not of ids: the posts' partial index (registry 0010) answers it alone.
    many = (_spells(prefix).filter(channel=PUBLIC_WELFARE).values("person_id")
            .annotate(posts=Count("*")).filter(posts__gt=POSTS_AT_MOST).values("person_id"))
    return Person.objects.filter(prefix_q("region_code", prefix)).filter(pk__in=many)


CHECKS = (
    Check("spell.outside_local_channel", _("县外务工却为公益岗位或帮扶车间"),
          _("务工地域为县外省内或省外，就业渠道却是公益性岗位或就业帮扶车间（这两种只在县内）。"),
          Severity.ERROR, PERSON, outside_with_local_channel),
    Check("spell.transport_subsidy", _("交通费补助与务工地域不符"),
          _("县内务工登记了交通费补助，或县外务工未登记交通费补助（没有补助请填0）。"),
          Severity.WARNING, PERSON, transport_subsidy,
          {"in_county": _("县内务工有交通费补助"), "missing": _("县外务工未填交通费补助")}),
    Check("spell.overlap", _("务工经历时间重叠"),
          _("一段务工经历在上一段结束之前就已开始。"),
          Severity.ERROR, PERSON, overlapping_spells),
    Check("spell.three_posts", _("一人三次以上公益性岗位"),
          _("同一人登记了三段及以上公益性岗位务工经历。"),
          Severity.WARNING, PERSON, too_many_posts),
)

register(*CHECKS)
