"""Demonstration sites and labour cooperatives for a generated county (used by employers.generator).

Built on the ledger's people and the employers just generated, in the seeds' proportions:

- seed 002 (太原, 双百双千 2018–2020): 24 bases (就业创业, 实训, 扶贫) and 48 blind-massage
  demonstration shops, one base to two shops; 1,029 disabled people placed and 1,376 trained.
- seed 000: a county's demonstration points named at county, prefecture and city level, disabled
  people in their management, massage shops employing a few blind people each.
- seed 003 (从江): labour cooperatives at three levels (county, township, village) with labour team
  leaders who take groups of members to work elsewhere; the partner city is 杭州萧山区 (东西部协作);
  every half year the 20 best cooperatives and 100 best team leaders are awarded (14万元 in 2020,
  read here as 2,000 元 a cooperative and 1,000 元 a leader).

The sites employ the disabled people who work for their employers (their employment records), and
train others; massage shops employ blind people of the ledger whose job is in the county (their job
spell then names the shop). Cooperative members are the people whose job spell was organised
(有组织劳务输出) outside the county, each in their village's or township's cooperative, plus some
who are looking for work; a dispatch is the members whose organised spell started in the same month
at the same destination, so the dispatches agree with the ledger (a group found in no one
cooperative goes with the county's). The appraisals are computed and awarded through the groups'
own actions, in the actor's name. Everything else is written set-based without history rows, like
the rest of the generator.
"""

import dataclasses
import datetime
import random
from collections import Counter, defaultdict

from django.utils import timezone

from bangfu.core.permissions import can
from bangfu.employers.choices import (
    AppraisalSubject,
    Destination,
    EmployerKind,
    Level,
    SiteKind,
    SiteRelation,
    WorkshopKind,
)
from bangfu.employers.groups import actions as group_actions
from bangfu.employers.groups import stats
from bangfu.employers.groups.rules import last_day
from bangfu.employers.models import (
    Appraisal,
    AppraisalEntry,
    Cooperative,
    CoopMember,
    Dispatch,
    DispatchPerson,
    Employer,
    Employment,
    Programme,
    Site,
    SiteMember,
    TeamLeader,
    Workshop,
)
from bangfu.employers.models.groups import month_index
from bangfu.employers.permissions import Perm
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import choices as rc
from bangfu.registry.models import EmploymentSpell, Person

BATCH = 2000
MASSAGE_TITLE = "保健按摩师"
SHOP_NAMES = ("康乐", "明心", "益康", "仁心", "福泰", "安康")
PROGRAMMES = {
    "双百双千": "残疾人就业创业“双百双千”工程：就业创业、实训、扶贫基地和盲人按摩示范店",
    "东西部协作": "东西部协作资金支持的示范基地",
    "乡村振兴": "残疾人乡村振兴产业发展示范点",
}
# East–west partner cities (东西部协作) of Guizhou's prefectures as paired in 2016, by the longest
# region prefix: (the word the ledger's 务工所在地 contains, the city as dispatches name it, its code).
# 从江's own partner is 杭州萧山区 (seed 003). A county enters its own; these are demonstration data.
PARTNER_CITIES = {
    "522633": (("杭州市", "浙江省杭州市萧山区", "330109"),),
    "5226": (("杭州市", "浙江省杭州市", "330100"),),
    "5227": (("杭州市", "浙江省杭州市", "330100"), ("广州市", "广东省广州市", "440100")),
    "5202": (("大连市", "辽宁省大连市", "210200"),),
    "5203": (("上海市", "上海市", "310000"),),
    "5204": (("青岛市", "山东省青岛市", "370200"),),
    "5205": (("广州市", "广东省广州市", "440100"), ("深圳市", "广东省深圳市", "440300")),
    "5206": (("苏州市", "江苏省苏州市", "320500"),),
    "5223": (("宁波市", "浙江省宁波市", "330200"),),
}
PARTNER_CITIES_FLAT = [city for cities in PARTNER_CITIES.values() for city in cities]
COOP_AWARD, LEADER_AWARD = 2000, 1000


@dataclasses.dataclass
class GroupsResult:
    programmes: int = 0
    sites: int = 0
    site_members: int = 0
    massage_workers: int = 0
    cooperatives: int = 0
    coop_members: int = 0
    leaders: int = 0
    dispatches: int = 0
    dispatched: int = 0
    appraisals: int = 0

    def summary(self) -> str:
        return (f"{self.sites} sites ({self.site_members} people), {self.cooperatives} cooperatives "
                f"({self.coop_members} members, {self.leaders} leaders, {self.dispatches} dispatches of "
                f"{self.dispatched} people)")


def _age(person: Person, today: datetime.date) -> int:
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _month(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


# --- blind-massage shops (before the employment records: their workers get records too) ------------

@dataclasses.dataclass
class Shop:
    employer: Employer
    spells: list  # the employees' open spells (each becomes an employment record)
    owner: Person | None = None


def make_massage_shops(builder, taken: set[int]) -> list[Shop]:
    """A few blind-massage shops in the county seat, run by a blind person of the ledger who is
    self-employed, employing blind people whose job is in the county and not with a generated
    employer (their spell and workplace then name the shop). About one shop per 7,000 people."""
    rng = random.Random(f"bangfu-massage:{builder.county6}:{builder.seed}")
    today = builder.today
    blind = (Person.objects.filter(codes.within(builder.county6), disability_category=rc.DisabilityCategory.VISUAL)
             .exclude(pk__in=taken).order_by("id"))
    spells = {s.person_id: s for s in EmploymentSpell.objects.filter(
        person__in=blind, end_month__isnull=True).order_by("id")}
    owners, workers = [], []
    for person in blind:
        spell = spells.get(person.pk)
        if spell is None or not 18 <= _age(person, today) <= 59:
            continue
        if spell.channel == rc.Channel.SELF_EMPLOYED:
            owners.append((person, spell))
        elif person.employment_status == rc.EmploymentStatus.IN_COUNTY and spell.place == rc.SpellPlace.IN_COUNTY:
            workers.append((person, spell))
    people = Person.objects.filter(codes.within(builder.county6)).count()
    count = min(len(SHOP_NAMES), people // 7000 + 1, len(owners) + len(workers))
    seat = min(builder.townships)
    villages = list(Region.objects.filter(parent_code=seat).order_by("code").values_list("code", flat=True)) or [seat]
    shops: list[Shop] = []
    for index in range(count):
        owner = owners[index] if index < len(owners) else None
        name = f"{builder.county_name}{SHOP_NAMES[index]}盲人按摩店"
        employer = Employer(
            name=name, kind=EmployerKind.INDIVIDUAL, credit_code=builder.credit_code(EmployerKind.INDIVIDUAL),
            industry_id=builder.industries.get("80"), region_code=rng.choice(villages),
            address=f"{builder.townships[seat]}{rng.choice(('新城路', '滨江大道', '东门街'))}{rng.randint(1, 200)}号",
            contact_name=owner[0].name if owner else "", contact_phone="", staff_count=1,
            disabled_staff_count=1 if owner else 0, average_wage=rng.randint(28, 40) * 1000)
        shops.append(Shop(employer, [], owner[0] if owner else None))
        if owner:
            owner[1].employer_name = owner[0].employer_name = name
    owned = min(len(owners), count)
    for index, (person, spell) in enumerate(workers[:4 * count]):
        shop = shops[(owned + index) % count]  # the shops without an owner first
        shop.spells.append(spell)
        spell.employer_name = person.employer_name = shop.employer.name
    for shop in shops:
        shop.employer.staff_count += len(shop.spells)
        shop.employer.disabled_staff_count += len(shop.spells)
    Employer.objects.bulk_create([shop.employer for shop in shops], batch_size=BATCH)
    moved = [spell for shop in shops for spell in shop.spells] + [
        spells[shop.owner.pk] for shop in shops if shop.owner is not None]
    EmploymentSpell.objects.bulk_update(moved, ["employer_name"], batch_size=BATCH)
    people_moved = [p for p, _s in workers[:4 * count]] + [shop.owner for shop in shops if shop.owner is not None]
    Person.objects.bulk_update(people_moved, ["employer_name"], batch_size=BATCH)
    return shops


# --- sites -----------------------------------------------------------------------------------------

def _levels(builder) -> dict[str, tuple[str, str]]:
    """{level: (the level's code, who names sites there)}: the county's 残联 and those above it."""
    county = builder.county6
    prefecture = Region.objects.filter(code=codes.full_code(county[:4])).values_list("name", flat=True).first() or ""
    province = Region.objects.filter(code=codes.full_code(county[:2])).values_list("name", flat=True).first() or ""
    upper = Level.PREFECTURE if prefecture.endswith("州") else Level.CITY
    return {Level.COUNTY: f"{builder.county_name}残疾人联合会", upper: f"{prefecture}残疾人联合会",
            Level.PROVINCE: f"{province}残疾人联合会"}


def _programmes() -> dict[str, Programme]:
    found = {p.name: p for p in Programme.objects.filter(name__in=PROGRAMMES)}
    missing = [Programme(name=name, description=text) for name, text in PROGRAMMES.items() if name not in found]
    Programme.objects.bulk_create(missing)
    return {**found, **{p.name: p for p in missing}}


class _Sites:
    def __init__(self, builder, rng: random.Random, result: GroupsResult):
        self.builder, self.rng, self.result, self.today = builder, rng, result, builder.today
        self.namers = _levels(builder)
        self.upper = next(level for level in self.namers if level not in (Level.COUNTY, Level.PROVINCE))
        self.sites: list[Site] = []
        self.tags: list[tuple[Site, list[str]]] = []
        self.members: list[SiteMember] = []
        self.trained: set[int] = set()

    def site(self, name, kind, level, region_code, *, employer=None, named_on, tags=(), note="") -> Site:
        site = Site(name=name, kind=kind, level=level, region_code=region_code, employer=employer,
                    address=employer.address if employer is not None else "", named_on=named_on,
                    named_by=self.namers[level], note=note)
        self.sites.append(site)
        self.tags.append((site, list(tags)))
        return site

    def member(self, site, person_id, relation, start, end=None, note="") -> None:
        self.members.append(SiteMember(site=site, person_id=person_id, relation=relation, start_date=start,
                                       end_date=end, note=note))

    def train(self, site, people: list[Person], count: int, note: str) -> None:
        """Disabled people trained at the site in courses of three to ten weeks over the last two years."""
        rng = self.rng
        chosen = [p for p in people if p.pk not in self.trained][:count]
        for person in chosen:
            self.trained.add(person.pk)
            start = _between(rng, self.today - datetime.timedelta(days=720), self.today - datetime.timedelta(days=90))
            self.member(site, person.pk, SiteRelation.TRAINED, start,
                        start + datetime.timedelta(days=rng.randint(20, 70)), note)

    def save(self, programmes: dict[str, Programme]) -> None:
        Site.objects.bulk_create(self.sites, batch_size=BATCH)
        for member in self.members:
            member.site_id = member.site.pk
        SiteMember.objects.bulk_create(self.members, batch_size=BATCH)
        through = Site.programmes.through
        through.objects.bulk_create([through(site_id=site.pk, programme_id=programmes[tag].pk)
                                     for site, tags in self.tags for tag in tags], batch_size=BATCH)
        self.result.sites += len(self.sites)
        self.result.site_members += len(self.members)


def make_sites(builder, shops: list[Shop], result: GroupsResult) -> None:
    """Bases at the workshop employers that employ the most disabled people (one named at province
    level), a 扶贫 base at a farming workshop, a 实训 base at a craft workshop, demonstration points in
    the villages of disabled people who run a business, and the massage shops."""
    rng = random.Random(f"bangfu-sites:{builder.county6}:{builder.seed}")
    today = builder.today
    sites = _Sites(builder, rng, result)
    county6 = builder.county6
    employed = defaultdict(list)  # employer id → the disabled people it employs, with their start
    for person_id, employer_id, start in (Employment.objects.filter(
            codes.within(county6), end_date__isnull=True, person__disability_category__isnull=False,
            workshop__isnull=False).order_by("start_date", "id").values_list("person_id", "employer_id", "start_date")):
        employed[employer_id].append((person_id, start))
    kinds = dict(Workshop.objects.filter(codes.within(county6)).order_by("-id").values_list("employer_id", "kind"))
    employers = Employer.objects.in_bulk(list(employed))
    ranked = sorted(employed, key=lambda e: (-len(employed[e]), e))
    able = Person.objects.filter(codes.within(county6), disability_category__isnull=False,
                                 labour_ability__in=(rc.LabourAbility.FULL, rc.LabourAbility.PARTIAL)).order_by("id")
    disabled = [p for p in able if 16 <= _age(p, today) <= 59]
    rng.shuffle(disabled)
    people_count = Person.objects.filter(codes.within(county6)).count()
    n_bases = max(1, min(4, people_count // 10_000 + 1))
    used = set()
    for index, employer_id in enumerate(ranked[:n_bases]):
        employer = employers[employer_id]
        used.add(employer_id)
        level = Level.PROVINCE if index == 0 else (sites.upper if index == 1 else Level.COUNTY)
        named = datetime.date(rng.randint(2018, 2020), rng.randint(1, 12), rng.randint(1, 28))
        site = sites.site(f"{employer.name}残疾人就业创业基地", SiteKind.EMPLOYMENT_BASE, level, employer.region_code,
                          employer=employer, named_on=named, tags=("双百双千",))
        for person_id, start in employed[employer_id]:
            sites.member(site, person_id, SiteRelation.EMPLOYED, start)
        sites.member(site, employed[employer_id][0][0], SiteRelation.MANAGER, max(named, employed[employer_id][0][1]),
                     note="参与基地管理")
    farming = next((e for e in ranked if e not in used and kinds.get(e) == WorkshopKind.FARMING), None)
    if farming is not None:
        used.add(farming)
        employer = employers[farming]
        site = sites.site(f"{employer.name}农村残疾人扶贫基地", SiteKind.POVERTY_BASE, Level.COUNTY,
                          employer.region_code, employer=employer, named_on=datetime.date(
                              rng.randint(2019, 2021), rng.randint(1, 12), rng.randint(1, 28)), tags=("双百双千",))
        for person_id, start in employed[farming]:
            sites.member(site, person_id, SiteRelation.EMPLOYED, start)
        sites.train(site, disabled, rng.randint(8, 15), "种养技术培训")
    craft = next((e for e in ranked if e not in used and kinds.get(e) in (WorkshopKind.HOME, WorkshopKind.TOURISM)),
                 None) or next((e for e in ranked if e not in used), None)
    if craft is not None:
        employer = employers[craft]
        site = sites.site(f"{employer.name}残疾人实训基地", SiteKind.TRAINING_BASE, sites.upper, employer.region_code,
                          employer=employer, named_on=datetime.date(rng.randint(2021, 2023), rng.randint(1, 12),
                                                                    rng.randint(1, 28)), tags=("东西部协作",))
        sites.train(site, disabled, rng.randint(15, 25), rng.choice(("刺绣技能培训", "电子商务培训", "民族手工艺培训")))
    owners = {shop.owner.pk for shop in shops if shop.owner is not None}
    _demonstration_points(builder, sites, [p for p in disabled if p.pk not in owners], people_count)
    for index, shop in enumerate(shops):
        employer = shop.employer
        level = sites.upper if index % 2 == 0 else Level.COUNTY
        named = datetime.date(rng.randint(2018, 2020), rng.randint(1, 12), rng.randint(1, 28))
        site = sites.site(f"{employer.name}（盲人按摩示范店）", SiteKind.MASSAGE_SHOP, level, employer.region_code,
                          employer=employer, named_on=named, tags=("双百双千",))
        if shop.owner is not None:
            sites.member(site, shop.owner.pk, SiteRelation.MANAGER, named, note="店主")
        for spell in shop.spells:
            sites.member(site, spell.person_id, SiteRelation.EMPLOYED, spell.start_month)
        blind = [p for p in disabled if p.disability_category == rc.DisabilityCategory.VISUAL
                 and p.employment_status in (rc.EmploymentStatus.SEEKING, rc.EmploymentStatus.NOT_SEEKING)]
        sites.train(site, blind, rng.randint(1, 3), "盲人保健按摩培训")
    result.massage_workers = sum(len(shop.spells) for shop in shops)
    sites.save(_programmes())
    result.programmes = len(PROGRAMMES)


def _demonstration_points(builder, sites: _Sites, disabled: list[Person], people_count: int) -> None:
    """Points in the villages of disabled people who run their own business (each runs its point)."""
    rng = sites.rng
    runners = [p for p in disabled if p.employment_status == rc.EmploymentStatus.SELF_EMPLOYED]
    names = dict(Region.objects.filter(codes.within(builder.county6, "code"), level=codes.VILLAGE)
                 .values_list("code", "name"))
    seen = set()
    count = max(1, min(5, people_count // 6000 + 1))
    for person in runners:
        if len(seen) >= count:
            break
        if person.region_code in seen or person.region_code not in names:
            continue
        seen.add(person.region_code)
        level = Level.COUNTY if len(seen) != 2 else sites.upper
        named = datetime.date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
        named = min(named, sites.today - datetime.timedelta(days=60))
        site = sites.site(f"{names[person.region_code]}残疾人创业就业示范点", SiteKind.DEMONSTRATION, level,
                          person.region_code, named_on=named, tags=("乡村振兴",),
                          note=f"{person.employer_name or '自主创业'}带动残疾人就业")
        sites.member(site, person.pk, SiteRelation.MANAGER, named, note="示范点负责人")
        neighbours = [p for p in disabled if p.region_code[:9] == person.region_code[:9] and p.pk != person.pk]
        sites.train(site, neighbours, rng.randint(3, 8), "农村实用技术培训")


# --- cooperatives ----------------------------------------------------------------------------------

def partner_cities(county6: str) -> tuple:
    for length in (6, 4, 2):
        if county6[:length] in PARTNER_CITIES:
            return PARTNER_CITIES[county6[:length]]
    return ()


class _Coops:
    def __init__(self, builder, rng: random.Random, result: GroupsResult):
        self.builder, self.rng, self.result, self.today = builder, rng, result, builder.today
        self.coops: list[Cooperative] = []
        self.members: dict[tuple[int, int], CoopMember] = {}  # (coop index, person id)
        self.coop_index: dict[int, int] = {}  # id(coop) → index

    def cooperative(self, name: str, region_code: str, founded: datetime.date, chair: str) -> Cooperative:
        builder, rng = self.builder, self.rng
        employer = Employer(
            name=name, kind=EmployerKind.COOPERATIVE, credit_code=builder.credit_code(EmployerKind.COOPERATIVE),
            industry_id=builder.industries.get("72"), region_code=region_code,
            address=f"{builder.townships.get(region_code[:9] + '000', '')}{rng.randint(1, 80)}号", contact_name=chair,
            contact_phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}", staff_count=rng.randint(2, 6),
            average_wage=rng.randint(30, 45) * 1000)
        coop = Cooperative(name=name, region_code=region_code, address=employer.address, employer=employer,
                           chair=chair, founded_on=founded, note="")
        self.coop_index[id(coop)] = len(self.coops)
        self.coops.append(coop)
        return coop

    def join(self, coop: Cooperative, person_id: int, by: datetime.date | None) -> CoopMember:
        """The person's membership (made once), joined after the founding and before `by`."""
        key = (self.coop_index[id(coop)], person_id)
        member = self.members.get(key)
        latest = min(by or self.today, self.today) - datetime.timedelta(days=1)
        earliest = coop.founded_on + datetime.timedelta(days=7)
        if member is None:
            joined = _between(self.rng, earliest, max(earliest, min(latest, earliest + datetime.timedelta(days=400))))
            member = CoopMember(cooperative=coop, person_id=person_id, joined_on=joined)
            self.members[key] = member
        elif by is not None and member.joined_on > latest:
            member.joined_on = max(earliest, latest)
        return member


def make_cooperatives(builder, result: GroupsResult) -> None:
    """Cooperatives at three levels, their members, team leaders and dispatches."""
    rng = random.Random(f"bangfu-coops:{builder.county6}:{builder.seed}")
    today, county6 = builder.today, builder.county6
    coops = _Coops(builder, rng, result)
    spells = list(EmploymentSpell.objects.filter(codes.within(county6), channel=rc.Channel.ORGANISED)
                  .order_by("id"))
    firms = {e.name: e for e in Employer.objects.filter(codes.within(county6), kind=EmployerKind.ENTERPRISE)}
    partners = partner_cities(county6)
    # Each organised spell's destination: a partner city, a registered employer, or an employer elsewhere.
    destinations = {}
    for spell in spells:
        if spell.place == rc.SpellPlace.IN_COUNTY:
            if spell.employer_name in firms:
                destinations[spell.pk] = ("employer", firms[spell.employer_name].pk)
        else:
            partner = next((p for p in partners if p[0] in spell.place_text), None)
            if partner is not None:
                destinations[spell.pk] = ("city", partner[1])
            elif spell.employer_name:
                destinations[spell.pk] = ("name", spell.employer_name)
    # A person's latest organised spell only: their dispatches never overlap.
    latest = {s.person_id: s for s in sorted((s for s in spells if s.pk in destinations),
                                             key=lambda s: (s.start_month, s.pk))}
    spells = sorted(latest.values(), key=lambda s: s.pk)
    people = Person.objects.in_bulk({s.person_id for s in spells})
    by_village = Counter(people[s.person_id].region_code for s in spells)
    by_township = Counter(code[:9] for code in by_village.elements())
    villages = dict(Region.objects.filter(code__in=list(by_village)).values_list("code", "name"))
    seat = min(builder.townships)
    county_coop = coops.cooperative(f"{builder.county_name}劳务合作社", seat, datetime.date(2019, 3, 18),
                                    _chair(rng))
    local: dict[str, Cooperative] = {}
    for township in sorted(by_township):
        if by_township[township] >= 8:
            local[township] = coops.cooperative(
                f"{builder.townships[township + '000']}劳务合作社", township + "000",
                datetime.date(rng.choice((2019, 2020)), rng.randint(1, 12), rng.randint(1, 28)), _chair(rng))
    for village, n in sorted(by_village.items(), key=lambda item: (-item[1], item[0]))[:max(1, len(local) // 5)]:
        if n >= 6 and village in villages:
            local[village] = coops.cooperative(f"{villages[village]}劳务合作社", village, datetime.date(
                rng.choice((2020, 2021)), rng.randint(1, 12), rng.randint(1, 28)), _chair(rng))

    def home(person: Person) -> Cooperative:
        return local.get(person.region_code) or local.get(person.region_code[:9]) or county_coop

    # Every organised worker is a member of their own cooperative (since before they left, when it
    # existed then). A dispatch is those who left in the same month for the same place: organised by the
    # cooperative most of them belong to (the others join it), a group from all over the county by the
    # county's now and then.
    def founded_before(coop: Cooperative, month: datetime.date) -> bool:
        return month - datetime.timedelta(days=8) > coop.founded_on

    groups: dict[tuple, list] = defaultdict(list)
    for spell in spells:
        coop = home(people[spell.person_id])
        coops.join(coop, spell.person_id, spell.start_month if founded_before(coop, spell.start_month) else None)
        groups[(destinations[spell.pk], spell.start_month)].append(spell)
    dispatches: list[tuple[Cooperative, list]] = []
    for (_destination, month), found in sorted(groups.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        homes = Counter(coops.coop_index[id(home(people[s.person_id]))] for s in found)
        most = max(homes.values())
        coop = coops.coops[rng.choice(sorted(index for index, n in homes.items() if n == most))]
        if most == 1 and rng.random() < 0.3 or not founded_before(coop, month):
            coop = county_coop
        if len(found) >= 2 and founded_before(coop, month):
            dispatches.append((coop, found))
    _seekers(builder, coops, home, rng)
    Employer.objects.bulk_create([coop.employer for coop in coops.coops], batch_size=BATCH)
    for coop in coops.coops:
        coop.employer_id = coop.employer.pk
    Cooperative.objects.bulk_create(coops.coops, batch_size=BATCH)
    planned = []
    for coop, found in dispatches:
        planned.append((coop, [coops.join(coop, s.person_id, s.start_month) for s in found], found))
    leaders = _leaders(coops, planned, people, rng, today)
    _leavers(coops, planned, leaders, rng, today)
    for member in coops.members.values():
        member.cooperative_id = member.cooperative.pk
    CoopMember.objects.bulk_create(list(coops.members.values()), batch_size=BATCH)
    for leader in leaders:
        leader.member_id = leader.member.pk
    TeamLeader.objects.bulk_create(leaders, batch_size=BATCH)
    _dispatch(planned, leaders, destinations, firms, rng, today, result)
    result.cooperatives = len(coops.coops)
    result.coop_members = len(coops.members)
    result.leaders = len(leaders)


def _chair(rng: random.Random) -> str:
    return rng.choice("吴杨石龙潘梁韦贾蒙欧王李") + rng.choice(("正国", "老岩", "文华", "光明", "金花", "德贵", "秀兰"))


def _seekers(builder, coops: _Coops, home, rng: random.Random) -> None:
    """Working-age people of the county looking for work join too (about one in six)."""
    today = builder.today
    for person in (Person.objects.filter(codes.within(builder.county6), employment_status=rc.EmploymentStatus.SEEKING)
                   .order_by("id")):
        if 18 <= _age(person, today) <= 55 and rng.random() < 1 / 6:
            coops.join(home(person), person.pk, None)


def _leaders(coops: _Coops, planned: list, people, rng: random.Random, today) -> list[TeamLeader]:
    """About one team leader for every fifteen members, chosen among the members of 28 to 55 who went
    on a dispatch (they know the way), appointed soon after joining; some have handed over since."""
    went = defaultdict(list)
    for coop, members, _spells in planned:
        went[id(coop)].extend(members)
    travelled = {member.person_id for _coop, members, _spells in planned for member in members}
    for member in coops.members.values():  # who went with another cooperative knows the way too
        if member.person_id in travelled:
            went[id(member.cooperative)].append(member)
    leaders = []
    size = Counter(id(m.cooperative) for m in coops.members.values())
    for coop in coops.coops:
        candidates = sorted({id(m): m for m in went[id(coop)] if 28 <= _age(people[m.person_id], today) <= 55}.values(),
                            key=lambda m: (m.joined_on, m.person_id))
        wanted = min(len(candidates), max(1, min(12, size[id(coop)] // 15)))
        for member in rng.sample(candidates, wanted) if candidates else []:
            start = min(member.joined_on + datetime.timedelta(days=rng.randint(0, 30)), today)
            leaders.append(TeamLeader(member=member, start_date=start))
        ours = [leader for leader in leaders if leader.member.cooperative is coop]
        if len(ours) >= 3:  # one has handed over
            first = min(ours, key=lambda leader: leader.start_date)
            end = first.start_date + datetime.timedelta(days=rng.randint(300, 700))
            if end < today - datetime.timedelta(days=30):
                first.end_date = end
    return leaders


def _leavers(coops: _Coops, planned: list, leaders: list, rng: random.Random, today) -> None:
    """About one in twelve members who never went on a dispatch and lead none has left."""
    went = {id(m) for _coop, members, _spells in planned for m in members}
    leading = {id(leader.member) for leader in leaders}
    for member in coops.members.values():
        if id(member) not in went and id(member) not in leading and rng.random() < 1 / 12:
            left = member.joined_on + datetime.timedelta(days=rng.randint(90, 600))
            if left < today:
                member.left_on = left


def _dispatch(planned: list, leaders: list, destinations: dict, firms: dict, rng: random.Random, today,
              result: GroupsResult) -> None:
    by_coop = defaultdict(list)
    for leader in leaders:
        by_coop[leader.member.cooperative.pk].append(leader)
    employers = {e.pk: e for e in firms.values()}
    dispatches, went = [], []
    for coop, members, spells in planned:
        start = spells[0].start_month + datetime.timedelta(days=rng.randint(0, 9))
        start = min(start, today)
        kind, value = destinations[spells[0].pk]
        values = {"destination": Destination.PARTNER_CITY if kind == "city" else Destination.EMPLOYER}
        if kind == "city":
            values.update(city=value, city_code=next((p[2] for p in PARTNER_CITIES_FLAT if p[1] == value), ""))
        elif kind == "employer":
            values["employer"] = employers[value]
        else:
            values["employer_name"] = value
        ends = [s.end_month for s in spells]
        if all(ends):
            end, months = last_day(max(ends), 1), None
        else:
            end, months = None, rng.choice((6, 10, 12, 24))
        until = end or last_day(start, months)
        in_office = [leader for leader in by_coop[coop.pk]
                     if leader.start_date <= start and (leader.end_date is None or leader.end_date >= start)]
        dispatch = Dispatch(cooperative=coop, region_code=coop.region_code,
                            leader=rng.choice(in_office) if in_office else None, start_date=start, end_date=end,
                            planned_months=months, until=until, first_month=month_index(start),
                            last_month=month_index(until), note="", **values)
        dispatches.append(dispatch)
        went.append((dispatch, members))
    Dispatch.objects.bulk_create(dispatches, batch_size=BATCH)
    rows = [DispatchPerson(dispatch=dispatch, member=member, person_id=member.person_id)
            for dispatch, members in went for member in members]
    DispatchPerson.objects.bulk_create(rows, batch_size=BATCH)
    result.dispatches, result.dispatched = len(dispatches), len(rows)


# --- appraisals ------------------------------------------------------------------------------------

def make_appraisals(builder, actor, result: GroupsResult) -> None:
    """The last two half years' appraisals through the groups' actions: the earlier awarded (the best
    fifth of the cooperatives and five leaders for each), the latest computed and waiting. An actor who
    may not run them (the inactive system account) gets the latest computed from the same figures
    (groups.stats), unawarded."""
    today = builder.today
    latest = (today.year, 1) if today.month >= 7 else (today.year - 1, 2)
    earlier = (latest[0], 1) if latest[1] == 2 else (latest[0] - 1, 2)
    if latest[0] > timezone.localdate().year or not Cooperative.objects.filter(codes.within(builder.county6)).exists():
        return
    if not can(actor, Perm.MANAGE_GROUPS, codes.full_code(builder.county6)):
        _computed(builder.county6, *latest, actor)
        result.appraisals = 1
        return
    for year, half in (earlier, latest):
        appraisal = group_actions.do_compute_appraisal(actor, {
            "region_code": builder.county6, "year": year, "half": half, "note": _note(year, half)})
        result.appraisals += 1
        if (year, half) == earlier:
            entries = appraisal.entries.filter(person_months__gt=0)
            fifth = round(appraisal.entries.filter(subject="cooperative").count() / 5)
            best = list(entries.filter(subject="cooperative").order_by("rank")
                        .values_list("pk", flat=True)[:max(1, min(20, fifth))])
            leaders = list(entries.filter(subject="leader").order_by("rank").values_list("pk", flat=True)[
                :min(100, 5 * len(best))])
            group_actions.do_award_appraisal(actor, appraisal, {
                "cooperatives": best, "leaders": leaders, "cooperative_award": COOP_AWARD,
                "leader_award": LEADER_AWARD})


def _note(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年劳务合作社和劳务队长评优"


def _computed(county6: str, year: int, half: int, actor) -> Appraisal:
    appraisal = Appraisal.objects.create(region_code=county6, year=year, half=half, computed_by=actor,
                                         note=_note(year, half))
    entries = []
    for subject, rows in ((AppraisalSubject.COOPERATIVE, stats.cooperative_results(appraisal)),
                          (AppraisalSubject.LEADER, stats.leader_results(appraisal))):
        entries += [AppraisalEntry(appraisal=appraisal, subject=subject, rank=rank, **row)
                    for rank, row in enumerate(rows, start=1)]
    AppraisalEntry.objects.bulk_create(entries, batch_size=BATCH)
    return appraisal


def generate_groups(builder, shops: list[Shop], actor) -> GroupsResult:
    result = GroupsResult()
    make_sites(builder, shops, result)
    make_cooperatives(builder, result)
    make_appraisals(builder, actor, result)
    return result

