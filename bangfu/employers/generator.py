"""Synthetic employers, workshops and a year of monthly employment records for a generated county.

Built on the people the registry's generator made, so the two agree: the people whose open job
spell names a workshop (`…就业帮扶车间`) or an industrial-park firm (`…工业园区…`) become that
workshop's or firm's employees. The ledger names far more workshops than a county runs (a few per
township and trade); the county keeps about one workshop per WORKERS_PER_WORKSHOP workers (seed 003:
35 workshops, 1,386 workers), and the workers of the others move to a kept one of their township
(their spell and the person's workplace follow). Workshops are spread over every lifecycle state;
15 of 35 are at relocation sites (those with the most relocated workers; the registry's generator
sends the relocated and the registered-poor to workshops more often, seed 003's shares).
Each workshop gets its lifecycle events, consistent with its status (generator_timelines), and the
certified ones their yearly reports; the county gets demonstration sites and labour cooperatives
(generator_groups). Set-based, one transaction; generated records get no history rows, like the
people's; the events and the groups' appraisal name the actor given (the system account by default).
"""

import dataclasses
import datetime
import random
import time
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.accounts.actors import system_account
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.employers import generator_groups, uscc
from bangfu.employers import generator_timelines as timelines
from bangfu.employers.choices import Agreement, EmployerKind, WorkshopKind, WorkshopSite, WorkshopStatus
from bangfu.employers.models import Employer, Employment, Industry, MonthlyRecord, Workshop
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import choices as rc
from bangfu.registry.models import EmploymentSpell, Person

WORKSHOP_MARK = "就业帮扶车间"
PARK_MARK = "工业园区"
WORKERS_PER_WORKSHOP = 40
MONTHS = 12  # monthly records for the twelve months before this one
BATCH = 2000
TUOPIN = (rc.PovertyStatus.FORMERLY_POOR, rc.PovertyStatus.MONITORED)  # as the workshop criteria count them
RELOCATION_SITES = 15 / 35  # of the workshops, at relocation sites (seed 003)

# The trades the registry's generator gives workshops: (industry, workshop kind, job title).
TRADES = {
    "服饰": ("18", WorkshopKind.FACTORY, "缝纫工"),
    "刺绣": ("24", WorkshopKind.HOME, "绣娘"),
    "蜡染": ("17", WorkshopKind.HOME, "蜡染工"),
    "竹编": ("20", WorkshopKind.HOME, "竹编工"),
    "茶叶": ("15", WorkshopKind.FARMING, "采茶工"),
    "香猪养殖": ("03", WorkshopKind.FARMING, "养殖工"),
    "椪柑种植": ("01", WorkshopKind.FARMING, "种植工"),
    "食品加工": ("14", WorkshopKind.FACTORY, "食品加工工"),
    "电子配件": ("39", WorkshopKind.FACTORY, "电子装配工"),
}
# Some trades also run as the two rarer kinds: embroidery and batik shown to visitors, tea and
# oranges sold on.
OTHER_KIND = {"刺绣": WorkshopKind.TOURISM, "蜡染": WorkshopKind.TOURISM, "茶叶": WorkshopKind.TRADE,
              "椪柑种植": WorkshopKind.TRADE}
PARK_FIRMS = {"电子厂": "39", "制衣厂": "18", "鞋厂": "19", "玩具厂": "24", "家具厂": "21", "食品厂": "14",
              "物流公司": "54", "建筑公司": "48", "塑胶厂": "29"}
# Statuses given first (the workshop with the most registered-poor workers upgraded, those with the
# fewest in trouble: the monitoring criteria count them), then RUNNING.
BY_SIZE_TOP = (WorkshopStatus.UPGRADED,)
BY_SIZE_BOTTOM = (WorkshopStatus.REVOKED, WorkshopStatus.CLEARING, WorkshopStatus.PENDING, WorkshopStatus.REJECTED,
                  WorkshopStatus.RETURNED, WorkshopStatus.REVIEWING, WorkshopStatus.APPLIED)


class CountyHasEmployers(ValueError):
    pass


@dataclasses.dataclass
class EmployersResult:
    employers: int = 0
    workshops: int = 0
    employments: int = 0
    monthly_records: int = 0
    moved_workers: int = 0
    statuses: dict = dataclasses.field(default_factory=dict)
    events: int = 0
    reports: int = 0
    groups: generator_groups.GroupsResult | None = None
    seconds: float = 0.0


@dataclasses.dataclass
class _Place:
    """A workplace the ledger names: its workers' open spells."""

    name: str
    township: str  # 9-digit prefix
    trade: str
    spells: list = dataclasses.field(default_factory=list)
    title: str = ""  # the job title, when not the trade's


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


class _Builder:
    def __init__(self, county6: str, seed: int, today: datetime.date):
        self.county6 = county6
        self.seed = seed
        self.rng = random.Random(f"bangfu-employers:{county6}:{seed}")
        self.today = today
        self.this_month = _month_index(today)
        self.codes_used: set[str] = set(Employer.objects.values_list("credit_code", flat=True))
        county = Region.objects.filter(code=codes.full_code(county6)).values_list("name", flat=True).first()
        self.county_name = county or ""
        self.townships = dict(Region.objects.filter(codes.within(county6, "code"), level=codes.TOWNSHIP)
                              .values_list("code", "name"))
        self.industries = dict(Industry.objects.values_list("code", "id"))
        self.timelines = timelines.Planner(county6, seed, today, MONTHS)
        self.plans: list[tuple[Workshop, timelines.Timeline]] = []

    def credit_code(self, kind: str) -> str:
        digit = {EmployerKind.ENTERPRISE: "1", EmployerKind.INDIVIDUAL: "2", EmployerKind.COOPERATIVE: "3"}[kind]
        while True:
            body = "".join(self.rng.choice(uscc.ALPHABET[:-1]) for _ in range(8))
            code = uscc.build("9", digit, self.county6, body)
            if code not in self.codes_used:
                self.codes_used.add(code)
                return code

    def places(self, spells) -> tuple[list[_Place], list[_Place]]:
        """The workshops and park firms the open spells name, each with its spells."""
        workshops: dict[str, _Place] = {}
        firms: dict[str, _Place] = {}
        names = sorted(self.townships.values(), key=len, reverse=True)
        for spell in spells:
            name = spell.employer_name
            if name.endswith(WORKSHOP_MARK):
                township = next((t for t in names if name.startswith(t)), None)
                trade = name[len(township or ""):-len(WORKSHOP_MARK)]
                if township is None or trade not in TRADES:
                    continue
                code = next(code for code, n in self.townships.items() if n == township)[:9]
                workshops.setdefault(name, _Place(name, code, trade)).spells.append(spell)
            elif PARK_MARK in name:
                kind = name.split(PARK_MARK, 1)[1]
                if kind in PARK_FIRMS:
                    firms.setdefault(name, _Place(name, "", kind)).spells.append(spell)
        return sorted(workshops.values(), key=lambda p: p.name), sorted(firms.values(), key=lambda p: p.name)

    def keep(self, places: list[_Place]) -> tuple[list[_Place], int]:
        """About one workshop per WORKERS_PER_WORKSHOP workers (at least one per status to show), the
        biggest of each township first; the others' workers move to a kept one of their township."""
        workers = sum(len(p.spells) for p in places)
        wanted = min(len(places), max(len(BY_SIZE_TOP) + len(BY_SIZE_BOTTOM) + 3,
                                      round(workers / WORKERS_PER_WORKSHOP)))
        by_township: dict[str, list[_Place]] = defaultdict(list)
        for place in sorted(places, key=lambda p: (-len(p.spells), p.name)):
            by_township[place.township].append(place)
        kept: list[_Place] = []
        while len(kept) < wanted:
            for township in sorted(by_township):
                if by_township[township] and len(kept) < wanted:
                    kept.append(by_township[township].pop(0))
        kept_by_township: dict[str, list[_Place]] = defaultdict(list)
        for place in kept:
            kept_by_township[place.township].append(place)
        moved = 0
        for rest in by_township.values():
            for place in rest:
                candidates = kept_by_township.get(place.township) or kept
                target = next((k for k in candidates if k.trade == place.trade), candidates[0])
                target.spells.extend(place.spells)
                moved += len(place.spells)
        return kept, moved


def _village_of(spells, people: dict[int, Person]) -> str:
    return Counter(people[s.person_id].region_code for s in spells).most_common(1)[0][0]


def _statuses(count: int) -> list[str]:
    """Statuses by workshop size (registered-poor workers), largest first: the largest upgraded, the
    smallest in trouble."""
    top = list(BY_SIZE_TOP[:count])
    bottom = list(reversed(BY_SIZE_BOTTOM))
    bottom = bottom[len(bottom) - min(len(bottom), count - len(top)):]
    return [*top, *[WorkshopStatus.RUNNING] * (count - len(top) - len(bottom)), *bottom]


def generate_employers(county_code: str, seed: int = 1, stdout=None, *, today: datetime.date | None = None,
                       actor=None) -> EmployersResult:
    """Employers, workshops with their timelines, employment records, a year of monthly records,
    demonstration sites and labour cooperatives for a county whose people are generated. `actor` is
    who the workshop events and the appraisal name (the system account when None). Refuses a county
    that already has employers."""
    started = time.monotonic()
    county6 = county_code[:6]
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date)
    result = EmployersResult()
    with transaction.atomic():
        if Employer.objects.filter(codes.within(county6)).exists():
            raise CountyHasEmployers(_("%(code)s 已有用人单位，不再生成") % {"code": county6})
        builder = _Builder(county6, seed, today)
        spells = list(EmploymentSpell.objects.filter(codes.within(county6), end_month__isnull=True,
                                                     place=rc.SpellPlace.IN_COUNTY))
        workshops, firms = builder.places(spells)
        kept, result.moved_workers = builder.keep(workshops)
        people = Person.objects.in_bulk({s.person_id for p in (*kept, *firms) for s in p.spells})
        _move_workers(kept, people)
        made = _make_workshops(builder, kept, people, result)
        made += _make_firms(builder, firms, people, result)
        taken = {s.person_id for place in (*kept, *firms) for s in place.spells}
        shops = generator_groups.make_massage_shops(builder, taken)
        result.employers += len(shops)
        made += [(_Place(shop.employer.name, "", "", shop.spells, generator_groups.MASSAGE_TITLE), shop.employer, None)
                 for shop in shops]
        _make_employments(builder, made, people, result)
        actor = actor or system_account()
        _play_timelines(builder, made, actor, result)
        result.groups = generator_groups.generate_groups(builder, shops, actor)
        result.employers += result.groups.cooperatives
        log.record(None, Action.BULK, region_code=codes.full_code(county6), username="generator", detail={
            "generated": "employers", "county": county6, "employers": result.employers,
            "workshops": result.workshops, "employments": result.employments, "seed": seed})
    result.seconds = time.monotonic() - started
    if stdout is not None:
        stdout.write(f"{builder.county_name}: {result.employers} employers, {result.workshops} workshops, "
                     f"{result.employments:,} employment records, {result.monthly_records:,} monthly records, "
                     f"{result.events:,} workshop events, {result.groups.summary()} ({result.seconds:.1f} s)\n")
    return result


def _move_workers(kept: list[_Place], people: dict[int, Person]) -> None:
    """Workers moved to a kept workshop: their open spell and their workplace name follow."""
    spells, moved = [], []
    for place in kept:
        for spell in place.spells:
            if spell.employer_name != place.name:
                spell.employer_name = place.name
                spells.append(spell)
                person = people[spell.person_id]
                person.employer_name = place.name
                moved.append(person)
    EmploymentSpell.objects.bulk_update(spells, ["employer_name"], batch_size=BATCH)
    Person.objects.bulk_update(moved, ["employer_name"], batch_size=BATCH)


def _make_workshops(builder: _Builder, kept: list[_Place], people, result: EmployersResult) -> list:
    rng = builder.rng
    kept.sort(key=lambda p: (-sum(people[s.person_id].poverty_status in TUOPIN for s in p.spells), -len(p.spells),
                             p.name))
    statuses = _statuses(len(kept))
    kinds = _kinds(kept)
    at_sites = _at_relocation_sites(kept, kinds, people)
    employers, workshops = [], []
    trade_employer: dict[str, Employer] = {}
    for index, (place, status, kind) in enumerate(zip(kept, statuses, kinds, strict=True)):
        industry = TRADES[place.trade][0]
        township = builder.townships[place.township + "000"]
        village = _village_of(place.spells, people)
        # Every fourth workshop of a trade is run by the firm that runs an earlier one (two workshops of one employer).
        employer = trade_employer.get(place.trade) if index % 4 == 3 else None
        if employer is None:
            employer_kind = (EmployerKind.COOPERATIVE if kind == WorkshopKind.FARMING
                             else EmployerKind.INDIVIDUAL if kind == WorkshopKind.HOME and rng.random() < 0.5
                             else EmployerKind.ENTERPRISE)
            suffix = {EmployerKind.COOPERATIVE: "专业合作社", EmployerKind.INDIVIDUAL: "工坊",
                      EmployerKind.ENTERPRISE: "有限公司"}[employer_kind]
            staff = len(place.spells) + rng.randint(2, 8)
            disabled = sum(people[s.person_id].disability_category is not None for s in place.spells)
            employer = Employer(
                name=f"{builder.county_name}{township}{place.trade}{suffix}", kind=employer_kind,
                credit_code=builder.credit_code(employer_kind), industry_id=builder.industries.get(industry),
                region_code=village,
                address=f"{township}{rng.randint(1, 120)}号", contact_name=_contact(rng),
                contact_phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}", staff_count=staff,
                disabled_staff_count=disabled, average_wage=rng.randint(26, 42) * 1000)
            employers.append(employer)
            trade_employer[place.trade] = employer
        start = _month(min(_month_index(s.start_month) for s in place.spells) - rng.randint(0, 6))
        site = WorkshopSite.RELOCATION if place.name in at_sites else _site(rng, kind)
        workshop = Workshop(
            name=place.name, kind=kind, site=site, region_code=village,
            address=f"{township}{ADDRESS_OF_SITE.get(site, '村委旁')}{rng.randint(1, 30)}号",
            products=_products(place.trade), capacity=len(place.spells) + rng.randint(5, 30), start_date=start,
            site_rent=rng.choice((0, 12_000, 24_000, 36_000, 60_000)), status=status)
        workshop.employer_ref = employer
        # The second-largest running workshop once fell short for a quarter and recovered.
        episode = status == WorkshopStatus.RUNNING and statuses[:index].count(WorkshopStatus.RUNNING) == 1
        first = min(s.start_month for s in place.spells)
        builder.plans.append((workshop, builder.timelines.plan(workshop, status, first, index + 1, episode)))
        workshops.append(workshop)
    Employer.objects.bulk_create(employers, batch_size=BATCH)
    for workshop in workshops:
        workshop.employer = workshop.employer_ref
    Workshop.objects.bulk_create(workshops, batch_size=BATCH)
    result.employers += len(employers)
    result.workshops += len(workshops)
    return [(place, workshop.employer, workshop) for place, workshop in zip(kept, workshops, strict=True)]


def _make_firms(builder: _Builder, firms: list[_Place], people, result: EmployersResult) -> list:
    rng = builder.rng
    employers = []
    for place in firms:
        staff = len(place.spells) + rng.randint(20, 200)
        employer = Employer(
            name=place.name, kind=EmployerKind.ENTERPRISE, credit_code=builder.credit_code(EmployerKind.ENTERPRISE),
            industry_id=builder.industries.get(PARK_FIRMS[place.trade]), region_code=_village_of(place.spells, people),
            address=f"{builder.county_name}{PARK_MARK}{rng.randint(1, 40)}号", contact_name=_contact(rng),
            contact_phone=f"0855-{rng.randint(1_000_000, 9_999_999)}", staff_count=staff,
            disabled_staff_count=rng.choice((0, 0, 1, 2, 3)), average_wage=rng.randint(38, 60) * 1000)
        employers.append(employer)
    Employer.objects.bulk_create(employers, batch_size=BATCH)
    result.employers += len(employers)
    return [(place, employer, None) for place, employer in zip(firms, employers, strict=True)]


def _make_employments(builder: _Builder, made: list, people, result: EmployersResult) -> None:
    rng = builder.rng
    first = builder.this_month - MONTHS
    trouble = {workshop.pk: timeline.trouble for workshop, timeline in builder.plans}
    employments, pending = [], []
    for place, employer, workshop in made:
        title = place.title or (TRADES[place.trade][2] if workshop is not None else "普工")
        # The workshop to be upgraded pays what the upgrade asks (2万元 a year and more).
        daily = rng.randint(125, 150) if workshop is not None and workshop.status == WorkshopStatus.UPGRADED \
            else rng.randint(85, 140)
        insurance = Decimal(rng.choice((15, 15, 20)))
        # The months a workshop falls short of the standard it pays less accident insurance than the
        # usual criterion asks (its timeline records the monitoring that finds it).
        short = trouble.get(workshop.pk, set()) if workshop is not None else set()
        # The workshop to be upgraded has its registered-poor workers on contracts of a year or more.
        contracts = workshop is not None and workshop.status == WorkshopStatus.UPGRADED
        for spell in place.spells:
            agreement = rng.choices((Agreement.CONTRACT, Agreement.LABOUR_AGREEMENT, Agreement.NONE), (65, 30, 5))[0]
            if contracts and people[spell.person_id].poverty_status in TUOPIN:
                agreement = Agreement.CONTRACT
            months = (rng.choice((12, 24, 36)) if agreement == Agreement.CONTRACT
                      else rng.choice((6, 12)) if agreement == Agreement.LABOUR_AGREEMENT else None)
            employment = Employment(
                person_id=spell.person_id, employer=employer, workshop=workshop,
                region_code=workshop.region_code if workshop is not None else employer.region_code,
                job_title=title, start_date=spell.start_month, agreement=agreement, agreement_months=months,
                weekly_hours=rng.choice((40, 40, 44, 48)), spell_id=spell.pk)
            employments.append(employment)
            pending.append((employment, max(first, _month_index(spell.start_month)), daily, insurance, short))
    Employment.objects.bulk_create(employments, batch_size=BATCH)
    records = []
    for employment, since, daily, insurance, short in pending:
        for index in range(since, builder.this_month):
            month = _month(index)
            days = rng.randint(16, 26) if rng.random() > 0.05 else rng.randint(2, 10)
            records.append(MonthlyRecord(employment=employment, month=month, days_worked=days,
                                         pay=Decimal(days * daily + rng.randint(0, 9) * 10),
                                         insurance=timelines.LOW_INSURANCE if index in short else insurance))
    MonthlyRecord.objects.bulk_create(records, batch_size=BATCH)
    result.employments += len(employments)
    result.monthly_records += len(records)


def _play_timelines(builder: _Builder, made: list, actor, result: EmployersResult) -> None:
    """The workshops' yearly reports, then their events: the moves whose period the monthly records
    cover follow the evaluation of those records, as an officer's would."""
    planner = builder.timelines
    workers = {workshop.pk: len(place.spells) for place, _employer, workshop in made if workshop is not None}
    result.reports = timelines.write_reports(planner, builder.plans, workers)
    evaluations = timelines.evaluate_all(planner.wanted_evaluations(builder.plans))
    for workshop, timeline in builder.plans:
        planner.play(workshop, timeline, evaluations)
    result.events = timelines.write_events(planner, builder.plans, actor)
    result.statuses = dict(Counter(workshop.status for workshop, _timeline in builder.plans))


def _kinds(kept: list[_Place]) -> list[str]:
    """The workshops' kinds: their trade's, the first, third… of the trades in OTHER_KIND the rarer kind."""
    kinds, seen = [], Counter()
    for place in kept:
        kind = TRADES[place.trade][1]
        if place.trade in OTHER_KIND:
            seen[OTHER_KIND[place.trade]] += 1
            kind = OTHER_KIND[place.trade] if seen[OTHER_KIND[place.trade]] % 2 == 1 else kind
        kinds.append(kind)
    return kinds


def _at_relocation_sites(kept: list[_Place], kinds: list[str], people) -> set[str]:
    """The workshops at relocation sites: RELOCATION_SITES of them, those not farming with the most
    relocated workers (the sites brought workshops in for their people)."""
    wanted = round(len(kept) * RELOCATION_SITES)
    ranked = sorted((p for p, kind in zip(kept, kinds, strict=True) if kind != WorkshopKind.FARMING),
                    key=lambda p: (-sum(people[s.person_id].relocated for s in p.spells), p.name))
    return {place.name for place in ranked[:wanted]}


ADDRESS_OF_SITE = {WorkshopSite.RELOCATION: "安置点", WorkshopSite.PARK: "产业园"}


def _site(rng: random.Random, kind: str) -> str:
    """Where a workshop not at a relocation site is: farming ones in the villages."""
    if kind == WorkshopKind.FARMING:
        return rng.choice((WorkshopSite.POOR_VILLAGE, WorkshopSite.POOR_VILLAGE, WorkshopSite.OTHER))
    return rng.choice((WorkshopSite.POOR_VILLAGE, WorkshopSite.PARK, WorkshopSite.COMMUNITY))


def _products(trade: str) -> str:
    return {"服饰": "民族服饰、校服加工", "刺绣": "苗绣、侗绣手工艺品", "蜡染": "蜡染布艺", "竹编": "竹编家居用品",
            "茶叶": "绿茶、红茶种植与初制", "香猪养殖": "从江香猪养殖", "椪柑种植": "椪柑种植与分拣",
            "食品加工": "腌鱼、糯米制品", "电子配件": "数据线、电子元件组装"}[trade]


def _contact(rng: random.Random) -> str:
    return rng.choice("吴杨石龙潘梁韦贾蒙欧王李") + rng.choice(("建华", "秀英", "志强", "春梅", "国平", "丽萍", "德明"))
