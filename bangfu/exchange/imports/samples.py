"""Realistic monitoring-system exports written from the ledger's synthetic generator
(registry/generator.py): the four workbooks a county downloads from 全国防返贫监测信息系统, with
their two title rows and the header on the third, in the system's vocabulary.

The tests read them back; the import benchmark writes 1,000,000 people with them. Everything
streams: households are generated one at a time and written at once (openpyxl write-only
workbooks, csv writers), so memory stays flat whatever the size. No database is touched: the
villages are the synthetic ones of regions/synthetic.py (the same the generator makes when a
county has none), so load those regions before importing the files.
"""

import contextlib
import csv
import datetime
import random
from pathlib import Path

import openpyxl

from bangfu.regions import codes, divisions, synthetic
from bangfu.regions.models import Region
from bangfu.registry import choices as c
from bangfu.registry import generator as g

PEOPLE_HEADERS = [
    "县", "乡", "村", "户编号", "姓名", "证件号码", "证件类型", "性别", "出生日期", "民族", "与户主关系", "户类型",
    "监测对象类别", "识别监测时间", "风险是否已消除", "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3",
    "致贫/返贫风险4", "致贫/返贫风险5", "文化程度", "在校生状况", "健康状况", "劳动技能", "家庭成员联系电话",
    "就业渠道（易地搬迁后扶使用）", "是否参加城乡居民基本医疗保险", "是否参加城乡居民基本养老保险",
    "是否享受农村最低生活保障", "是否特困供养人员", "公益性岗位", "公益性岗位(月数)", "信息采集人",
]
HOUSEHOLD_HEADERS = ["县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户主姓名", "证件号码", "户类型", "监测对象类别",
                     "家庭人口数", "是否易地扶贫搬迁", "安置点"]
JOB_HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "是否已务工", "务工所在县", "务工所在地", "就业渠道",
               "开始时间", "结束时间", "务工月收入", "年度交通费补助", "就业服务需求"]
PLAN_HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "是否计划务工", "就业服务需求"]
EXPORTS = {
    "people": ("（自定义）监测对象信息", PEOPLE_HEADERS),
    "households": ("（乡村建设）户信息", HOUSEHOLD_HEADERS),
    "jobs": ("（务工月监测）已外出务工信息", JOB_HEADERS),
    "plans": ("计划外出务工信息", PLAN_HEADERS),
}

R = c.Relationship
RELATIONSHIP_WORDS = {
    (R.HEAD, "M"): "户主", (R.HEAD, "F"): "户主", (R.SPOUSE, "M"): "配偶", (R.SPOUSE, "F"): "配偶",
    (R.CHILD, "M"): "之子", (R.CHILD, "F"): "之女", (R.PARENT, "M"): "之父", (R.PARENT, "F"): "之母",
    (R.GRANDCHILD, "M"): "之孙子", (R.GRANDCHILD, "F"): "之孙女", (R.SIBLING, "M"): "之兄弟姐妹",
    (R.SIBLING, "F"): "之兄弟姐妹", (R.CHILD_IN_LAW, "M"): "之女婿", (R.CHILD_IN_LAW, "F"): "之儿媳",
    (R.OTHER, "M"): "其他", (R.OTHER, "F"): "其他",
}
EDUCATION_WORDS = {"": "学龄前儿童", "none": "文盲或半文盲", "primary": "小学", "junior": "初中", "senior": "高中",
                   "vocational": "中专", "college": "大专", "bachelor": "本科及以上"}
CATEGORY_WORDS = {"unstable": "脱贫不稳定户", "marginal": "边缘易致贫户", "sudden": "突发严重困难户"}
AREA_WORDS = {c.EmploymentStatus.IN_COUNTY: "县内", c.EmploymentStatus.OUT_COUNTY: "省内县外",
              c.EmploymentStatus.OUT_PROVINCE: "省外", c.EmploymentStatus.PUBLIC_WELFARE: "县内"}
ETHNICITIES = ["汉族", "苗族", "侗族", "壮族", "瑶族", "水族"]


def county_regions(county6: str) -> list[tuple[str, str, int]]:
    """The (code, name, level) nodes the samples place people in: the county's path and its
    synthetic townships and villages (regions.services.ensure_regions loads them)."""
    path = divisions.county_path(county6)
    return [*path, *synthetic.county_nodes(county6, county_name=path[-1][1])]


class _Writer:
    """One export: title rows, header, then rows, to a write-only xlsx or a csv file."""

    def __init__(self, path: Path, title: str, headers: list[str], fmt: str, encoding: str, exported: str):
        self.path = path
        self.fmt = fmt
        if fmt == "xlsx":
            self.book = openpyxl.Workbook(write_only=True)
            self.sheet = self.book.create_sheet(title[:31].replace("（", "").replace("）", " "))
            self.add = self.sheet.append
        else:
            self.handle = path.open("w", newline="", encoding=encoding)
            self.add = csv.writer(self.handle).writerow
        self.add([title])
        self.add([f"导出时间：{exported}"])
        self.add(headers)

    def close(self):
        if self.fmt == "xlsx":
            self.book.save(self.path)
        else:
            self.handle.close()


class _Skipped:
    """An export not asked for: its rows are made (the generator's sequence stays the same) and dropped."""

    def add(self, row: list) -> None:
        pass


def write_exports(directory: Path, county6: str, people: int, *, seed: int = 1, fmt: str = "xlsx",
                  encoding: str = "utf-8-sig", today: datetime.date | None = None,
                  only: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write the four exports for `people` synthetic people of a county into `directory`
    (fmt "xlsx" or "csv"; csv in `encoding`, e.g. "gbk"), or those named in `only` (the benchmark
    wants the people alone). Returns export name → path."""
    today = today or datetime.date(2026, 6, 30)
    nodes = county_regions(county6)
    county_name = nodes[len(divisions.county_path(county6)) - 1][1]
    villages = [Region(code=code, name=name, level=level) for code, name, level in nodes if level == codes.VILLAGE]
    townships = {code[:9]: name for code, name, level in nodes if level == codes.TOWNSHIP}
    skills = {name: i for i, name in enumerate(c.STANDARD_SKILLS, start=1)}
    generator = g._Generator(county6, county_name, seed, today, villages, townships, skills, {}, {})
    names = dict((code, name) for code, name, _level in nodes)
    rng = random.Random(f"bangfu-samples:{county6}:{seed}")
    directory.mkdir(parents=True, exist_ok=True)
    chosen = {name: export for name, export in EXPORTS.items() if only is None or name in only}
    paths = {name: directory / f"{title}.{fmt}" for name, (title, _headers) in chosen.items()}
    with contextlib.ExitStack() as stack:
        writers = dict.fromkeys(EXPORTS, _Skipped())
        for name, (title, headers) in chosen.items():
            writer = _Writer(paths[name], title, headers, fmt, encoding, today.isoformat())
            stack.callback(writer.close)
            writers[name] = writer
        written = 0
        while written < people:
            size = min(generator.sizes.pick(generator.rng), people - written)
            household, members = generator.household(size)
            written += len(members)
            place = [county_name, townships.get(household["region_code"][:9], ""), names[household["region_code"]]]
            _write_household(writers, place, household, members, rng, today)
    return paths


def _write_household(writers, place, household, members, rng, today) -> None:
    number = household["number"]
    category = CATEGORY_WORDS.get(household["monitoring_category"], "")
    kind = "脱贫户" if household["poverty_status"] == c.PovertyStatus.FORMERLY_POOR or (
        household["monitoring_category"] == "unstable") else "一般农户"
    head = members[0]
    writers["households"].add([*place, number, head.values["name"], head.id_number, kind, category, len(members),
                               "是" if household["relocated"] else "否", household["relocation_site"]])
    for member in members:
        values = member.values
        status = values["employment_status"]
        age = g.services.age_on(values["birth_date"], today)
        writers["people"].add([
            *place, number, values["name"], member.id_number, "居民身份证", "男" if member.gender == "M" else "女",
            values["birth_date"].isoformat(), rng.choice(ETHNICITIES), RELATIONSHIP_WORDS[(values["relationship"],
                                                                                       member.gender)],
            kind, category, "2021-06-01" if category else "", "否" if category else "", "", "", "", "", "",
            EDUCATION_WORDS[values["education"]], _student(values, age), _health(values, age),
            _skill(values, member), member.phone, "", "是", "是" if age >= 16 else "否", "否", "否",
            "是" if status == c.EmploymentStatus.PUBLIC_WELFARE else "否",
            12 if status == c.EmploymentStatus.PUBLIC_WELFARE else "", "张信息员",
        ])
        if status in AREA_WORDS:
            start = datetime.date(today.year - rng.randint(0, 3), rng.randint(1, 12), 1)
            public = status == c.EmploymentStatus.PUBLIC_WELFARE
            channel = "公益岗位" if public else "帮扶车间" if "帮扶车间" in values["employer_name"] else "务工就业"
            writers["jobs"].add([
                *place, number, values["name"], member.id_number, "是", values["employer_name"][:12],
                AREA_WORDS[status], channel, f"{start.year}年{start.month:02d}月", "",
                rng.randint(15, 60) * 100, 500 if status == c.EmploymentStatus.OUT_PROVINCE else "",
                rng.choice(("", "职业介绍", "技能培训")),
            ])
        elif status == c.EmploymentStatus.SEEKING:
            writers["plans"].add([*place, number, values["name"], member.id_number, "是",
                                  rng.choice(("职业介绍", "技能培训", "职业指导"))])


def _student(values: dict, age: int) -> str:
    if values["not_seeking_reason"] != c.NotSeekingReason.STUDYING or age < 6:
        return "非在校生"
    if age < 12:
        return "小学"
    if age < 15:
        return ("七年级", "八年级", "九年级")[age - 12]
    if age < 18:
        return ("高中一年级", "高中二年级", "高中三年级")[age - 15]
    return "本科"


def _health(values: dict, age: int) -> str:
    if values["disability_category"] is not None:
        return "残疾"
    return "长期慢性病" if age >= 60 and values["labour_ability"] == c.LabourAbility.PARTIAL else "健康"


def _skill(values: dict, member) -> str:
    ability = values["labour_ability"]
    if ability == c.LabourAbility.FULL:
        return "技能劳动力" if member.skills else "普通劳动力"
    if ability == c.LabourAbility.PARTIAL:
        return "弱劳动力或半劳动力"
    return "丧失劳动力" if values["disability_grade"] == 1 else "无劳动力"
