"""A synthetic county at any scale: villages, households and people shaped like a real ledger.

The demo (从江县, ~20,000 people), the tests and the benchmarks (1,000,000 people) use it. Work is
set-based: rows are built in Python and inserted with bulk_create in batches inside one
transaction; household counts are refreshed by one set-based update at the end. Generated people
get no history rows (actions._ensure_baseline adds one before their first change).
"""

import bisect
import dataclasses
import datetime
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import crypto
from bangfu.regions import codes, divisions, synthetic
from bangfu.regions.models import Region
from bangfu.regions.services import ensure_regions
from bangfu.registry import choices as c
from bangfu.registry import figures, services
from bangfu.registry.identifiers import build_resident_id
from bangfu.registry.models import NUMBER_TAIL, EmploymentSpell, Household, Person, Skill

BATCH = 5000  # people per bulk insert round
HASH_CHECK_CHUNK = 900  # below SQLite's smallest variable limit
R, E, N, P = c.Relationship, c.EmploymentStatus, c.NotSeekingReason, c.PovertyStatus

# Common surnames, most frequent first, with rough shares in per mille. Every character below
# reads the same in pypinyin alone and inside any generated name, so per-character pinyin
# matches services.pinyin_keys (tests check it).
_SURNAME_TEXT = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严武戴莫孔向汤蒙欧粟"
)
_SURNAME_SHARES = [71, 79, 71, 54, 45, 31, 22, 20, 19, 19, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10,
                   9, 9, 8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4]
# Miao and Dong areas of Guizhou (黔东南) and Guangxi: 吴 杨 石 龙 潘 梁 韦 贾 蒙 欧 粟 are far more common.
_SOUTHWEST_SURNAMES = {"吴": 12, "杨": 5, "石": 15, "龙": 15, "潘": 10, "梁": 6, "韦": 10, "贾": 15,
                       "蒙": 15, "欧": 10, "粟": 10, "王": 1.5}
_GIVEN = {
    ("M", "old"): "国建明华军平志勇文光海林成忠德祥福贵荣富春金永东兴才江山正先胜仁义云昌发学生安家树宝保",
    ("M", "young"): "伟强辉峰波杰涛斌鹏宇浩俊磊超鑫航博睿轩凯晨阳健飞龙豪锐",
    ("F", "old"): "秀英兰梅芳娟丽玉珍花琴霞燕艳萍凤桂莲菊翠群月美妹素金银红",
    ("F", "young"): "敏静婷雪慧丹娜佳欣怡琳颖倩璐瑶洁晶露诗雨梦思悦涵",
}

HOUSEHOLD_SIZES = [1, 2, 3, 4, 5, 6, 7, 8]
HOUSEHOLD_SIZE_WEIGHTS = [11, 18, 21, 21, 14, 8, 4.5, 2.5]  # mean 3.6
DISABILITY_CATEGORY_WEIGHTS = [14.9, 24.2, 1.5, 29.1, 6.7, 7.4, 16.3]  # 1..7, 2006 national survey
DISABILITY_GRADE_WEIGHTS = [13, 22, 30, 35]  # grade 1 (most severe) .. 4
DISABILITY_CARD_SHARE = 0.85
MONITORING_WEIGHTS = [(c.MonitoringCategory.UNSTABLE, 35), (c.MonitoringCategory.MARGINAL, 45),
                      (c.MonitoringCategory.SUDDEN_HARDSHIP, 20)]
ZERO_EMPLOYMENT_SHARE = 0.03  # households whose labour all stay unemployed
# A quarter of the people working in the county work at a workshop (就业帮扶车间), the relocated and the
# registered-poor more often than the others, as the workshops are there for them: in a deep-poverty
# county these odds make the workshops' workers about 48 % registered-poor and 24 % relocated, as in
# seed 003 (1,386 workers, 666 registered-poor, 329 relocated); fitted on six generated counties of
# 20,000 people (46-51 %, 22-27 %).
WORKSHOP_SHARE = 0.25
WORKSHOP_ODDS_RELOCATED = 3.8
WORKSHOP_ODDS_POOR = 1.15  # registered-poor (脱贫 or 监测), not relocated


@dataclasses.dataclass(frozen=True)
class Profile:
    """Shares of a county's households and labour (seed 003 for the deep-poverty profile)."""

    formerly_poor: float
    monitored: float
    low_income: float
    relocated_if_poor: float
    relocated_other: float
    employment: tuple[tuple[str, float], ...]

    def groups(self) -> dict[str, float]:
        """Shares of the people: relocated, registered-poor (脱贫 or 监测) not relocated, the others."""
        relocated_poor = self.formerly_poor * self.relocated_if_poor + self.monitored * self.relocated_if_poor / 2
        relocated = relocated_poor + self.low_income * self.relocated_other * 2 + (
            1 - self.formerly_poor - self.monitored - self.low_income) * self.relocated_other
        poor = self.formerly_poor + self.monitored - relocated_poor
        return {"relocated": relocated, "poor": poor, "other": 1 - relocated - poor}

    def workshop_chances(self) -> dict[str, float]:
        """The chance that someone working in the county works at a workshop, by group (groups()):
        WORKSHOP_SHARE of them all, at the groups' odds."""
        odds = {"relocated": WORKSHOP_ODDS_RELOCATED, "poor": WORKSHOP_ODDS_POOR, "other": 1.0}
        shares = self.groups()
        mean = sum(shares[group] * odds[group] for group in odds)
        return {group: min(1.0, WORKSHOP_SHARE * value / mean) for group, value in odds.items()}


DEEP_POVERTY = Profile(
    formerly_poor=0.33, monitored=0.03, low_income=0.02, relocated_if_poor=0.20, relocated_other=0.02,
    # Guizhou: heavy labour export to Guangdong, Zhejiang, Fujian.
    employment=((E.OUT_PROVINCE, 34), (E.OUT_COUNTY, 12), (E.IN_COUNTY, 15), (E.SELF_EMPLOYED, 5),
                (E.PUBLIC_WELFARE, 5), (E.FLEXIBLE, 10), (E.SEEKING, 8), (E.NOT_SEEKING, 11)),
)
ORDINARY = Profile(
    formerly_poor=0.08, monitored=0.01, low_income=0.03, relocated_if_poor=0.05, relocated_other=0.005,
    employment=((E.OUT_PROVINCE, 10), (E.OUT_COUNTY, 15), (E.IN_COUNTY, 35), (E.SELF_EMPLOYED, 8),
                (E.PUBLIC_WELFARE, 2), (E.FLEXIBLE, 12), (E.SEEKING, 7), (E.NOT_SEEKING, 11)),
)
# Provinces of the former deep-poverty areas (三区三州 and the karst south-west).
DEEP_POVERTY_PROVINCES = {"45", "52", "53", "54", "62", "63", "65"}

OUT_PROVINCE_PLACES = [
    ("广东省", "东莞市"), ("广东省", "深圳市"), ("广东省", "佛山市"), ("广东省", "广州市"), ("广东省", "中山市"),
    ("浙江省", "杭州市"), ("浙江省", "宁波市"), ("浙江省", "温州市"), ("浙江省", "金华市"),
    ("福建省", "泉州市"), ("福建省", "厦门市"), ("江苏省", "苏州市"), ("上海市", "松江区"),
]
FACTORY_KINDS = ["电子厂", "制衣厂", "鞋厂", "玩具厂", "家具厂", "食品厂", "物流公司", "建筑公司", "塑胶厂"]
LOCAL_TRADES = ["服饰", "刺绣", "蜡染", "竹编", "茶叶", "香猪养殖", "椪柑种植", "食品加工", "电子配件"]
PUBLIC_POSTS = ["护路员", "护林员", "护河员", "保洁员", "管水员", "生态护林员", "就业信息员"]
SELF_WORK = ["自营养殖", "自营种植", "个体小卖部", "自营农家乐", "电商网店", "个体运输"]
FLEXIBLE_WORK = ["零工（建筑）", "季节性采茶", "零工（搬运）", "家政零工", "网约配送"]
WISH_JOBS = ["普工", "保洁", "保安", "厨工", "服务员", "建筑工", "电子装配工", "缝纫工", "快递员", "司机",
             "养殖工", "护工", "家政服务员", "采茶工", "仓库管理员"]
TRAVEL_WEIGHTS = [(c.TravelRange.VILLAGE, 10), (c.TravelRange.TOWNSHIP, 15), (c.TravelRange.COUNTY, 30),
                  (c.TravelRange.PROVINCE, 20), (c.TravelRange.ANYWHERE, 25)]
NOT_SEEKING_WEIGHTS = [(N.CARING, 55), (N.ILLNESS, 25), (N.OTHER, 17), (N.MILITARY, 3)]  # labour only
HOURS_WEIGHTS = [(c.Hours.FULL_TIME, 75), (c.Hours.PART_TIME, 15), (c.Hours.SEASONAL, 10)]
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
                  "186", "187", "188", "189", "191", "198", "199"]
# Adult education by birth year: (born before, [(level, weight)…]).
EDUCATION_BY_BIRTH = [
    (1955, [("none", 45), ("primary", 40), ("junior", 13), ("senior", 2)]),
    (1970, [("none", 20), ("primary", 45), ("junior", 28), ("senior", 5), ("vocational", 2)]),
    (1985, [("none", 5), ("primary", 30), ("junior", 47), ("senior", 10), ("vocational", 5),
            ("college", 2), ("bachelor", 1)]),
    (2000, [("none", 1), ("primary", 10), ("junior", 45), ("senior", 17), ("vocational", 14),
            ("college", 8), ("bachelor", 5)]),
    (9999, [("primary", 3), ("junior", 30), ("senior", 22), ("vocational", 22), ("college", 13),
            ("bachelor", 10)]),
]
EMPLOYED = c.EMPLOYED_STATUSES


class CountyNotEmpty(ValueError):
    pass


@dataclasses.dataclass
class GenerateResult:
    county_code: str
    county_name: str = ""
    people: int = 0
    households: int = 0
    villages: int = 0
    disabled: int = 0
    zero_employment_households: int = 0
    seconds: float = 0.0

    @property
    def people_per_second(self) -> float:
        return self.people / self.seconds if self.seconds else 0.0


class _Weighted:
    """Fast repeated weighted choice from fixed options (random.choices recomputes its table)."""

    def __init__(self, pairs: Sequence[tuple[object, float]]):
        self.options = [option for option, _weight in pairs]
        self.cumulative = list(accumulate(weight for _option, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.options[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _profile_for(county6: str) -> Profile:
    return DEEP_POVERTY if county6[:2] in DEEP_POVERTY_PROVINCES else ORDINARY


class _Names:
    """Chinese names and their pinyin keys, with pypinyin run once per distinct character."""

    def __init__(self, county6: str):
        shares = [*_SURNAME_SHARES, *[2.5] * (len(_SURNAME_TEXT) - len(_SURNAME_SHARES))]
        boost = _SOUTHWEST_SURNAMES if county6.startswith(synthetic.SOUTHWEST_PREFIXES) else {}
        self.surnames = _Weighted([(s, w * boost.get(s, 1)) for s, w in zip(_SURNAME_TEXT, shares, strict=True)])
        self.syllables: dict[str, str] = {}

    def surname(self, rng: random.Random) -> str:
        return self.surnames.pick(rng)

    def given(self, rng: random.Random, gender: str, birth_year: int) -> str:
        era = "young" if birth_year >= 1985 else "old"
        if rng.random() < 0.2:
            era = "old" if era == "young" else "young"
        pool = _GIVEN[(gender, era)]
        if rng.random() < 0.75:
            return rng.choice(pool) + rng.choice(pool)
        return rng.choice(pool)

    def keys(self, name: str) -> tuple[str, str]:
        syllables = self.syllables
        parts = []
        for char in name:
            syllable = syllables.get(char)
            if syllable is None:
                syllable = syllables[char] = lazy_pinyin(char, style=Style.NORMAL)[0].lower()
            parts.append(syllable)
        return "".join(parts)[:120], "".join(p[0] for p in parts)[:20]


class _Ids:
    """Unique resident ID numbers. The 3-digit sequence code is drawn at random over 001–999 (odd
    for men, even for women; 000 is not issued), as real ones spread: counting up from 001 left
    most people on 00x, so that four trailing digits found hundreds instead of a handful."""

    CODES = {"M": 500, "F": 499}  # odd codes 001–999, even codes 002–998

    def __init__(self, address: str, used: dict[tuple[datetime.date, str], int], rng: random.Random):
        self.address = address
        self.rng = rng
        self.existing = defaultdict(int, used)  # people already in the ledger (their codes unknown)
        self.taken: dict[tuple[datetime.date, str], set[int]] = defaultdict(set)

    def next(self, birth: datetime.date, gender: str) -> tuple[str, datetime.date]:
        available = self.CODES[gender]
        while True:
            key = (birth, gender)
            taken = self.taken[key]
            if self.existing[key] + len(taken) < available:
                while True:
                    sequence = 2 * self.rng.randrange(available) + (1 if gender == "M" else 2)
                    if sequence not in taken:  # codes held in the ledger: see _free_of_collisions
                        taken.add(sequence)
                        return build_resident_id(self.address, birth, sequence), birth
            birth -= datetime.timedelta(days=1)  # the day is full: born a day earlier


@dataclasses.dataclass
class _Member:
    relationship: str
    gender: str
    age: int
    surname: str = ""
    values: dict = dataclasses.field(default_factory=dict)
    skills: list[int] = dataclasses.field(default_factory=list)
    id_number: str = ""
    phone: str = ""
    card: str = ""
    where: str = ""  # the job's place as the monitoring system writes it (务工所在地), while employed


def _compose(rng: random.Random, size: int) -> list[_Member]:
    """Relationships, genders and consistent ages of a household of this size."""
    if size == 1:
        head_age = rng.randint(20, 88)
        head_male = rng.random() < 0.55
    else:
        head_age = int(rng.triangular(24, 82, 46))
        head_male = rng.random() < 0.82
    gender = "M" if head_male else "F"
    other = "F" if head_male else "M"
    members = [_Member(R.HEAD, gender, head_age)]
    left = size - 1
    if left and rng.random() < 0.88:
        gap = rng.randint(0, 5)
        members.append(_Member(R.SPOUSE, other, max(18, min(95, head_age - gap if head_male else head_age + gap))))
        left -= 1
    if left >= 3 and head_age >= 50 and rng.random() < 0.6:
        # Three generations: a married child, the child's spouse, grandchildren.
        child_age = head_age - rng.randint(22, 32)
        son = rng.random() < 0.75
        members.append(_Member(R.CHILD, "M" if son else "F", child_age))
        members.append(_Member(R.CHILD_IN_LAW, "F" if son else "M", max(18, child_age + rng.randint(-3, 3))))
        left -= 2
        low, high = max(0, child_age - 35), max(0, child_age - 20)
        members.extend(_Member(R.GRANDCHILD, rng.choice("MF"), rng.randint(low, high)) for _ in range(left))
        return members
    if left and head_age <= 52 and rng.random() < 0.35:
        # A younger head living with one or both parents.
        father_age = min(95, head_age + rng.randint(22, 34))
        mother_age = max(18, father_age - rng.randint(0, 4))
        parents = [("M", father_age), ("F", mother_age)]
        if left == 1 or rng.random() < 0.4:
            parents = [rng.choice(parents)]
        members.extend(_Member(R.PARENT, gender, age) for gender, age in parents)
        left -= len(parents)
    low, high = max(0, head_age - 35), max(0, head_age - 20)
    members.extend(_Member(R.CHILD, rng.choice("MF"), rng.randint(low, high)) for _ in range(left))
    return members


def _surnames(rng: random.Random, names: _Names, members: list[_Member]) -> None:
    """Children take the father's surname; spouses, in-laws and mothers bring their own."""
    head = members[0]
    head.surname = names.surname(rng)
    line = head.surname
    for member in members[1:]:
        if member.relationship == R.SPOUSE:
            member.surname = names.surname(rng)
            if member.gender == "M":
                line = member.surname
        elif member.relationship == R.PARENT:
            member.surname = head.surname if member.gender == "M" else names.surname(rng)
        elif member.relationship == R.CHILD_IN_LAW:
            member.surname = names.surname(rng)
    married_child = next((m for m in members if m.relationship == R.CHILD_IN_LAW), None)
    for member in members[1:]:
        if member.relationship == R.CHILD:
            member.surname = line
        elif member.relationship == R.GRANDCHILD:
            member.surname = married_child.surname if married_child and married_child.gender == "M" else line


class _Generator:
    def __init__(self, county6: str, county_name: str, seed: int, today: datetime.date,
                 villages: list[Region], townships: dict[str, str], skills: dict[str, int],
                 used_ids: dict, next_household: dict[str, int], existing: int = 0):
        # An append run starts from a different state, so it makes different people.
        self.rng = random.Random(f"bangfu-people:{county6}:{seed}:{existing}")
        self.county6 = county6
        self.county_name = county_name
        self.today = today
        self.profile = _profile_for(county6)
        self.names = _Names(county6)
        self.ids = _Ids(county6, used_ids, random.Random(f"bangfu-ids:{county6}:{seed}:{existing}"))
        self.villages = villages
        village_weights = [self.rng.uniform(0.4, 1.6) for _ in villages]
        self.village_pick = _Weighted(list(zip(range(len(villages)), village_weights, strict=True)))
        self.townships = townships
        self.next_household = defaultdict(lambda: 1, next_household)
        self.skill_ids = skills
        self.skill_names = [s for s in c.STANDARD_SKILLS if s != "盲人按摩"]
        self.sizes = _Weighted(list(zip(HOUSEHOLD_SIZES, HOUSEHOLD_SIZE_WEIGHTS, strict=True)))
        self.employment = _Weighted(self.profile.employment)
        self.employed_only = _Weighted([(s, w) for s, w in self.profile.employment if s in EMPLOYED])
        self.monitoring = _Weighted(MONITORING_WEIGHTS)
        self.categories = _Weighted(list(zip(range(1, 8), DISABILITY_CATEGORY_WEIGHTS, strict=True)))
        self.grades = _Weighted(list(zip(range(1, 5), DISABILITY_GRADE_WEIGHTS, strict=True)))
        self.education = [(year, _Weighted(weights)) for year, weights in EDUCATION_BY_BIRTH]
        self.travel = _Weighted(TRAVEL_WEIGHTS)
        self.reasons = _Weighted(NOT_SEEKING_WEIGHTS)
        self.hours = _Weighted(HOURS_WEIGHTS)
        self.household_rows, self.person_rows = _Rows(Household), _Rows(Person)
        self.spells = _Spells(county6, seed, existing, today)
        # Who works at a workshop is drawn apart, so that the people are the same whatever the odds.
        self.workplace_rng = random.Random(f"bangfu-workplaces:{county6}:{seed}:{existing}")
        self.workshop_chances = self.profile.workshop_chances()
        province = county6[:2]
        table = divisions.county_level_divisions()
        # Work elsewhere in the province goes to its cities and urban districts.
        self.province_places = [name for code, (name, level) in table.items()
                                if code[:2] == province and level in (codes.CITY, codes.COUNTY)
                                and code != county6 and name.endswith(("市", "区"))] or [county_name]
        province_name = table.get(province + "0000", ("", 0))[0]
        self.out_places = [place for place in OUT_PROVINCE_PLACES if place[0] != province_name]
        township_names = list(townships.values()) or [county_name]
        self.sites = ["县城易地扶贫搬迁安置点", f"{township_names[0]}安置点",
                      *(f"{name}安置点" for name in township_names[1:3])]

    # --- households -------------------------------------------------------------------------

    def household(self, size: int) -> tuple[dict, list[_Member]]:
        rng = self.rng
        village = self.villages[self.village_pick.pick(rng)]
        sequence = self.next_household[village.code]
        if sequence > 9999:
            raise ValueError(_("村 %(code)s 的户编号已用完（每村最多 9999 户）") % {"code": village.code})
        self.next_household[village.code] = sequence + 1
        profile = self.profile
        draw = rng.random()
        monitoring = ""
        if draw < profile.formerly_poor:
            status, relocation_chance = P.FORMERLY_POOR, profile.relocated_if_poor
        elif draw < profile.formerly_poor + profile.monitored:
            status, relocation_chance = P.MONITORED, profile.relocated_if_poor / 2
            monitoring = self.monitoring.pick(rng)
        elif draw < profile.formerly_poor + profile.monitored + profile.low_income:
            status, relocation_chance = P.LOW_INCOME, profile.relocated_other * 2
        else:
            status, relocation_chance = P.NONE, profile.relocated_other
        relocated = rng.random() < relocation_chance
        site = ""
        if relocated:
            site = self.sites[0] if rng.random() < 0.5 else rng.choice(self.sites)
        township = self.townships.get(village.code[:9], "")
        household = {
            "number": f"{village.code}{sequence:04d}", "region_code": village.code,
            "address": f"{township}{village.name}{rng.randint(1, 12)}组{rng.randint(1, 99)}号",
            "poverty_status": status, "monitoring_category": monitoring, "relocated": relocated,
            "relocation_site": site,
        }
        members = _compose(rng, size)
        _surnames(rng, self.names, members)
        for member in members:
            self.person(member, household)
        self.employ(members, household)
        return household, members

    def employ(self, members: list[_Member], household: dict) -> None:
        rng = self.rng
        labour = [m for m in members if m.values["is_labour"]]
        if not labour:
            return
        if rng.random() < ZERO_EMPLOYMENT_SHARE:
            for member in members:
                if member.values["employment_status"] in EMPLOYED:
                    self.set_unemployed(member)
            return
        if any(m.values["employment_status"] in EMPLOYED for m in members):
            return
        # 一户一人以上就业: most households with labour have someone working.
        candidates = [m for m in labour if m.values["not_seeking_reason"] != N.STUDYING]
        if candidates and rng.random() < 0.7:
            self.set_employed(rng.choice(candidates), self.employed_only.pick(rng), household)

    # --- people -------------------------------------------------------------------------------

    def person(self, member: _Member, household: dict) -> None:
        rng = self.rng
        age = member.age
        birth = self.today - datetime.timedelta(days=int((age + rng.random()) * 365.2425))
        member.id_number, birth = self.ids.next(birth, member.gender)
        name = member.surname + self.names.given(rng, member.gender, birth.year)
        pinyin, initials = self.names.keys(name)
        category = grade = None
        if rng.random() < (0.015 if age < 16 else 0.045 if age < 60 else 0.16):
            category, grade = self.categories.pick(rng), self.grades.pick(rng)
            if rng.random() < DISABILITY_CARD_SHARE:
                member.card = f"{member.id_number}{category}{grade}"
        ability = self.ability(age, grade)
        is_labour = services.is_labour(birth, ability, self.today)
        if age >= 16 and (age < 70 and rng.random() < 0.92 or rng.random() < 0.4):
            member.phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
        member.values = {
            "relationship": member.relationship, "region_code": household["region_code"], "name": name,
            "name_pinyin": pinyin, "name_initials": initials, "gender": member.gender, "birth_date": birth,
            "education": self.schooling(rng, age, birth.year), "labour_ability": ability, "is_labour": is_labour,
            "poverty_status": household["poverty_status"], "monitoring_category": household["monitoring_category"],
            "relocated": household["relocated"], "relocation_site": household["relocation_site"],
            "disability_category": category, "disability_grade": grade,
            "employment_status": E.NOT_SEEKING, "employer_name": "", "not_seeking_reason": "",
            "wish_jobs": "", "wish_travel": "", "wish_pay": None, "wish_hours": "", "training_wishes": "",
            "service_needs": "",
        }
        if age >= 16:
            k = rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]
            names = rng.sample(self.skill_names, k)
            if category == c.DisabilityCategory.VISUAL and rng.random() < 0.4:
                names.append("盲人按摩")
            member.skills = [self.skill_ids[n] for n in names]
        self.first_status(member, household, age, ability, is_labour, category is not None)

    def ability(self, age: int, grade: int | None) -> str:
        if age < 16 or grade == 1 or age >= 70:
            return c.LabourAbility.NONE
        if grade == 2:
            return c.LabourAbility.NONE if age >= 60 else c.LabourAbility.PARTIAL
        if age >= 60 or grade or self.rng.random() < 0.03:  # old age, milder disability, illness
            return c.LabourAbility.PARTIAL
        return c.LabourAbility.FULL

    def schooling(self, rng: random.Random, age: int, birth_year: int) -> str:
        if age < 6:
            return ""
        if age < 12:
            return c.Education.PRIMARY
        if age < 15:
            return c.Education.JUNIOR
        if age < 18:
            return c.Education.SENIOR if rng.random() < 0.5 else c.Education.VOCATIONAL
        for before, weighted in self.education:
            if birth_year < before:
                return weighted.pick(rng)
        return c.Education.JUNIOR

    def first_status(self, member: _Member, household: dict, age: int, ability: str,
                     is_labour: bool, disabled: bool) -> None:
        rng = self.rng
        values = member.values
        if not is_labour:
            if age < 16:
                values["not_seeking_reason"] = N.STUDYING if age >= 6 else N.OTHER
            elif age >= 60:
                if ability != c.LabourAbility.NONE and rng.random() < 0.18:
                    status = rng.choice((E.PUBLIC_WELFARE, E.PUBLIC_WELFARE, E.FLEXIBLE, E.SELF_EMPLOYED))
                    self.set_employed(member, status, household)
                else:
                    values["not_seeking_reason"] = N.AGE
            else:
                values["not_seeking_reason"] = N.DISABILITY if disabled else N.ILLNESS
            return
        if age <= 22 and rng.random() < (0.7 if age <= 18 else 0.3):
            values["not_seeking_reason"] = N.STUDYING
            return
        status = self.employment.pick(rng)
        if status == E.OUT_PROVINCE and (age >= 50 or ability == c.LabourAbility.PARTIAL) and rng.random() < 0.6:
            status = rng.choice((E.IN_COUNTY, E.PUBLIC_WELFARE, E.FLEXIBLE))
        if status in EMPLOYED:
            self.set_employed(member, status, household)
        elif status == E.SEEKING:
            self.set_seeking(member)
        else:
            values["not_seeking_reason"] = N.DISABILITY if disabled else self.reasons.pick(rng)

    def set_employed(self, member: _Member, status: str, household: dict) -> None:
        rng = self.rng
        village = household["region_code"]
        township = self.townships.get(village[:9], "")
        member.where = self.county_name
        if status == E.IN_COUNTY:
            workshop, *others = (
                f"{township}{rng.choice(LOCAL_TRADES)}就业帮扶车间",
                f"{self.county_name}工业园区{rng.choice(FACTORY_KINDS)}",
                f"{township}{rng.choice(LOCAL_TRADES)}专业合作社",
                f"{self.county_name}县城务工",
            )
            place = self.in_county_place(rng.choice((workshop, *others)), workshop, others, household)
        elif status == E.OUT_COUNTY:
            member.where = rng.choice(self.province_places)
            place = f"{member.where}{rng.choice(FACTORY_KINDS)}"
        elif status == E.OUT_PROVINCE:
            province, city = rng.choice(self.out_places)
            member.where = f"{province}{city}"
            place = f"{province}{city}{rng.choice(FACTORY_KINDS)}"
        elif status == E.PUBLIC_WELFARE:
            place = f"{township}{rng.choice(PUBLIC_POSTS)}"
        elif status == E.SELF_EMPLOYED:
            place = rng.choice(SELF_WORK)
        else:
            place = rng.choice(FLEXIBLE_WORK)
        member.values.update(employment_status=status, employer_name=place, not_seeking_reason="")

    def in_county_place(self, drawn: str, workshop: str, others: list[str], household: dict) -> str:
        """The workshop by the chance of who the household is; else the place drawn, or another
        when the workshop was drawn (all three alike)."""
        rng = self.workplace_rng
        group = ("relocated" if household["relocated"]
                 else "poor" if household["poverty_status"] in (P.FORMERLY_POOR, P.MONITORED) else "other")
        if rng.random() < self.workshop_chances[group]:
            return workshop
        return drawn if drawn != workshop else rng.choice(others)

    def set_unemployed(self, member: _Member) -> None:
        values = member.values
        values.update(employer_name="")
        member.where = ""
        if values["is_labour"] and self.rng.random() < 0.6:
            self.set_seeking(member)
        else:
            values.update(employment_status=E.NOT_SEEKING,
                          not_seeking_reason=N.CARING if values["is_labour"] else N.AGE)

    def set_seeking(self, member: _Member) -> None:
        rng = self.rng
        jobs = rng.sample(WISH_JOBS, rng.choice((1, 1, 2)))
        member.values.update(
            employment_status=E.SEEKING, not_seeking_reason="", wish_jobs="、".join(jobs),
            wish_travel=self.travel.pick(rng), wish_pay=rng.randint(20, 60) * 100, wish_hours=self.hours.pick(rng),
            training_wishes="、".join(rng.sample(self.skill_names, rng.choice((1, 2)))) if rng.random() < 0.4 else "",
        )


class _Spells:
    """Job spells for the generated people: an open one for everyone employed, of their status
    (choices.spell_status gives it back), and for some an earlier job, ended before it; some
    people without work had a job that ended. A generator of its own: the people are the same
    with spells as without."""

    OUT_SUBSIDY = (300, 500, 600, 800, 1000)  # yuan a year, for work outside the county

    def __init__(self, county6: str, seed: int, existing: int, today: datetime.date):
        self.rng = random.Random(f"bangfu-spells:{county6}:{seed}:{existing}")
        self.month = today.replace(day=1)
        self.rows = _Rows(EmploymentSpell)

    def months_before(self, months: int) -> datetime.date:
        index = self.month.year * 12 + self.month.month - 1 - months
        return datetime.date(index // 12, index % 12 + 1, 1)

    def of(self, person: Person, member: _Member) -> list[EmploymentSpell]:
        rng = self.rng
        status = person.employment_status
        working_months = max(0, (member.age - 16) * 12)
        if status not in EMPLOYED:
            if person.is_labour and working_months > 24 and rng.random() < 0.1:  # lost or left a job
                end = rng.randint(1, 12)
                return [self.spell(person, min(end + rng.randint(3, 24), working_months), end,
                                   rng.choice(tuple(c.SpellPlace)),
                                   rng.choice((c.Channel.SELF_FOUND, c.Channel.ORGANISED)), "", "")]
            return []
        place, channel = c.STATUS_SPELL[status]
        if not channel:
            channel = (c.Channel.WORKSHOP if "车间" in person.employer_name
                       else c.Channel.ORGANISED if rng.random() < 0.3 else c.Channel.SELF_FOUND)
        start = rng.randint(0, min(60, working_months))
        spells = [self.spell(person, start, None, place, channel, member.where, person.employer_name)]
        if start + 12 < working_months and rng.random() < 0.15:
            end = start + rng.randint(1, 6)
            spells.append(self.spell(person, min(end + rng.randint(3, 36), working_months), end,
                                     rng.choice(tuple(c.SpellPlace)), c.Channel.SELF_FOUND, "", ""))
        return spells

    def spell(self, person: Person, start: int, end: int | None, place: str, channel: str, where: str,
              employer: str) -> EmploymentSpell:
        rng = self.rng
        outside = place != c.SpellPlace.IN_COUNTY
        return self.rows.make({
            "person_id": person.pk, "region_code": person.region_code, "start_month": self.months_before(start),
            "end_month": None if end is None else self.months_before(end), "place": place, "place_text": where,
            "channel": channel, "employer_name": employer,
            "monthly_income": rng.randint(15, 80 if outside else 50) * 100,
            "transport_subsidy": rng.choice(self.OUT_SUBSIDY) if outside else None,
            "source": c.SpellSource.IMPORT,
        })


def _existing_ids(county6: str) -> dict[tuple[datetime.date, str], int]:
    """How many people of the county were born on each day, by gender: where sequences resume."""
    rows = (Person.objects.filter(codes.within(county6)).values("birth_date", "gender")
            .annotate(n=Count("id")).order_by())
    return {(row["birth_date"], row["gender"]): row["n"] for row in rows}


def _next_household_numbers(county6: str) -> dict[str, int]:
    found: dict[str, int] = {}
    numbers = Household.objects.filter(codes.within(county6)).values_list("region_code", "number")
    for village, number in numbers.iterator(chunk_size=10_000):
        if number.startswith(village) and number[12:].isdigit() and len(number) == 16:
            found[village] = max(found.get(village, 1), int(number[12:]) + 1)
    return found


def _skills() -> dict[str, int]:
    Skill.objects.bulk_create([Skill(name=n, standard=True) for n in c.STANDARD_SKILLS], ignore_conflicts=True)
    return dict(Skill.objects.filter(name__in=c.STANDARD_SKILLS).values_list("name", "id"))


def _villages(county6: str, county_name: str) -> tuple[list[Region], dict[str, str]]:
    """The county's villages and township names; synthetic ones if the region table has none."""
    ensure_regions(divisions.county_path(county6))
    under = Region.objects.filter(codes.within(county6, "code"))
    if not under.filter(level=codes.VILLAGE).exists():
        ensure_regions(synthetic.county_nodes(county6, county_name=county_name))
    villages = list(under.filter(level=codes.VILLAGE).order_by("code"))
    townships = dict(under.filter(level=codes.TOWNSHIP).values_list("code", "name"))
    return villages, {code[:9]: name for code, name in sorted(townships.items())}


def _free_of_collisions(generator: _Generator, members: list[_Member], sealer: crypto.Sealer) -> None:
    """Hash every ID number; renumber the few that someone already holds (anywhere in the ledger)."""
    hashes = {id(m): sealer.hash(m.id_number) for m in members}
    pending = members
    while pending:
        taken: set[str] = set()
        wanted = [hashes[id(m)] for m in pending]
        for start in range(0, len(wanted), HASH_CHECK_CHUNK):
            chunk = wanted[start:start + HASH_CHECK_CHUNK]
            taken.update(Person.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", flat=True))
        pending = [m for m in pending if hashes[id(m)] in taken]
        for member in pending:
            member.id_number, birth = generator.ids.next(member.values["birth_date"], member.gender)
            member.values["birth_date"] = birth
            if member.card:
                member.card = member.id_number + member.card[18:]
            hashes[id(member)] = sealer.hash(member.id_number)


class _Rows:
    """Model instances from dicts through the positional constructor, several times faster than
    keyword arguments over a million rows; absent fields take their (immutable) defaults."""

    def __init__(self, model):
        self.model = model
        self.fields = [(f.attname, f.get_default()) for f in model._meta.concrete_fields]

    def make(self, values: dict):
        get = values.get
        return self.model(*[get(name, default) for name, default in self.fields])


def _insert(generator: _Generator, batch: list[tuple[dict, list[_Member]]], sealer: crypto.Sealer) -> int:
    members = [m for _household, people in batch for m in people]
    _free_of_collisions(generator, members, sealer)
    for household, people in batch:
        household.update(head_pinyin=people[0].values["name_pinyin"], head_initials=people[0].values["name_initials"],
                         number_tail=household["number"][-NUMBER_TAIL:])  # search keys (selectors)
        labour = sum(m.values["is_labour"] for m in people)
        employed = sum(m.values["employment_status"] in EMPLOYED for m in people)
        zero = services.is_zero_employment((m.values["is_labour"], m.values["employment_status"]) for m in people)
        household.update(member_count=len(people), labour_count=labour, employed_count=employed,
                         zero_employment=zero, head_name=people[0].values["name"])
    households = [generator.household_rows.make(household) for household, _people in batch]
    Household.objects.bulk_create(households)
    if households and households[0].pk is None:  # a database that cannot return the new keys
        ids = dict(Household.objects.filter(number__in=[h.number for h in households]).values_list("number", "id"))
        for household in households:
            household.pk = ids[household.number]
    make, people = generator.person_rows.make, []
    id_number, phone, card = Person.id_number, Person.phone, Person.disability_card
    for household, (_values, members_of) in zip(households, batch, strict=True):
        for m in members_of:
            values = m.values
            values["household_id"] = household.pk
            values.update(id_number.seal(m.id_number, sealer))
            values.update(phone.seal(m.phone, sealer))
            values.update(card.seal(m.card, sealer))
            people.append(make(values))
    Person.objects.bulk_create(people)
    EmploymentSpell.objects.bulk_create([spell for person, m in zip(people, members, strict=True)
                                         for spell in generator.spells.of(person, m)])
    links = Person.skills.through
    links.objects.bulk_create(
        [links(None, person.pk, skill) for person, m in zip(people, members, strict=True) for skill in m.skills]
    )
    return len(people)


def generate_county(county_code: str, people: int, seed: int = 1, stdout=None, *, append: bool = False,
                    today: datetime.date | None = None) -> GenerateResult:
    """Generate `people` synthetic people in households of the villages of a real county.

    Refuses a county that already has people unless `append` is given; appended people never
    collide with anyone's ID number or household number.
    """
    started = time.monotonic()
    county6 = (county_code or "")[:6]
    try:
        path = divisions.county_path(county6)
    except KeyError:
        raise ValueError(_("%(code)s 不是现行的县级区划代码") % {"code": county_code}) from None
    county_name = path[-1][1]
    if people < 1:
        raise ValueError(_("人数应为正整数"))
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date)
    result = GenerateResult(county_code=codes.full_code(county6), county_name=county_name)
    with transaction.atomic():
        existing = Person.objects.filter(codes.within(county6)).count()
        if existing and not append:
            raise CountyNotEmpty(
                _("%(name)s（%(code)s）已有 %(n)d 人；如需追加请使用 --append")
                % {"name": county_name, "code": county6, "n": existing}
            )
        villages, townships = _villages(county6, county_name)
        generator = _Generator(county6, county_name, seed, today, villages, townships, _skills(),
                               _existing_ids(county6) if existing else {}, _next_household_numbers(county6),
                               existing)
        sealer = crypto.Sealer()
        batch: list[tuple[dict, list[_Member]]] = []
        in_batch = 0
        reported = 0
        while result.people + in_batch < people:
            size = min(generator.sizes.pick(generator.rng), people - result.people - in_batch)
            household, members = generator.household(size)
            batch.append((household, members))
            in_batch += len(members)
            result.households += 1
            result.disabled += sum(m.values["disability_category"] is not None for m in members)
            if in_batch >= BATCH:
                result.people += _insert(generator, batch, sealer)
                batch, in_batch = [], 0
                if stdout is not None and result.people - reported >= 100_000:
                    reported = result.people
                    stdout.write(f"  {result.people:,} people ({time.monotonic() - started:.0f} s)\n")
        if batch:
            result.people += _insert(generator, batch, sealer)
        services.gather_statistics()
        services.refresh_households(Household.objects.filter(codes.within(county6)))
        figures.refresh(county6)
        result.villages = len(villages)
        result.zero_employment_households = Household.objects.filter(
            codes.within(county6), zero_employment=True).count()
        result.seconds = time.monotonic() - started
        log.record(None, Action.BULK, region_code=result.county_code, username="generator", detail={
            "generated": "people", "county": county6, "people": result.people, "households": result.households,
            "seed": seed, "append": append, "seconds": round(result.seconds, 1),
        })
    return result
