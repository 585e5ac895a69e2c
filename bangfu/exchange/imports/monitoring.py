"""The national monitoring system (全国防返贫监测信息系统): its vocabularies mapped onto the ledger's
choices, and the four exports it produces, recognised by their headers.

Every vocabulary is a closed table: a value not in it is reported for its cell, never guessed.
The ledger's own labels (registry/choices.py) are accepted beside the system's words, so a file
exported from bangfu reads back.
"""

import dataclasses
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.exchange.imports.values import ValueProblem, half_width, header_key
from bangfu.registry import choices as c


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """Words (as written in the files) → a ledger code. `label` names the column in messages;
    `offered` are the words a template's drop-down list offers."""

    label: object
    words: dict[str, object]
    offered: tuple[str, ...]

    def __call__(self, value):
        words = self.words
        if isinstance(value, str) and value in words:  # most cells: the word exactly as offered
            return words[value]
        word = _word(value)
        if word in words:
            return words[word]
        raise ValueProblem(_("%(label)s“%(v)s”不是可识别的值，可填：%(choices)s")
                           % {"label": self.label, "v": half_width(value), "choices": "、".join(self.offered)})


def _word(value) -> str:
    return re.sub(r"\s+", "", half_width(value if value is not None else ""))


def vocabulary(label, offered: dict[str, object], also: dict[str, object] | None = None,
               choices=None) -> Vocabulary:
    """`offered` (the system's words, shown in templates), `also` (synonyms officers write) and the
    ledger's own labels of `choices`."""
    words = {**offered, **(also or {})}
    if choices is not None:
        words |= {str(choice.label): choice.value for choice in choices}
    return Vocabulary(label, {_word(w): v for w, v in words.items()}, tuple(offered))


GENDER = vocabulary(gettext_lazy("性别"), {"男": "M", "女": "F"},
                    {"男性": "M", "女性": "F", "M": "M", "F": "F", "1": "M", "2": "F"})

RELATIONSHIP = vocabulary(gettext_lazy("与户主关系"), {
    "户主": c.Relationship.HEAD, "配偶": c.Relationship.SPOUSE, "之子": c.Relationship.CHILD,
    "之女": c.Relationship.CHILD, "之儿媳": c.Relationship.CHILD_IN_LAW, "之女婿": c.Relationship.CHILD_IN_LAW,
    "之孙子": c.Relationship.GRANDCHILD, "之孙女": c.Relationship.GRANDCHILD,
    "之外孙子": c.Relationship.GRANDCHILD, "之外孙女": c.Relationship.GRANDCHILD,
    "之父": c.Relationship.PARENT, "之母": c.Relationship.PARENT,
    "之兄弟姐妹": c.Relationship.SIBLING, "其他": c.Relationship.OTHER,
}, {
    "本人": c.Relationship.HEAD, "妻子": c.Relationship.SPOUSE, "丈夫": c.Relationship.SPOUSE,
    "妻": c.Relationship.SPOUSE, "夫": c.Relationship.SPOUSE, "子": c.Relationship.CHILD, "女": c.Relationship.CHILD,
    "儿子": c.Relationship.CHILD, "女儿": c.Relationship.CHILD, "长子": c.Relationship.CHILD,
    "次子": c.Relationship.CHILD, "长女": c.Relationship.CHILD, "次女": c.Relationship.CHILD,
    "子女": c.Relationship.CHILD, "儿媳": c.Relationship.CHILD_IN_LAW, "女婿": c.Relationship.CHILD_IN_LAW,
    "孙子": c.Relationship.GRANDCHILD, "孙女": c.Relationship.GRANDCHILD, "外孙子": c.Relationship.GRANDCHILD,
    "外孙女": c.Relationship.GRANDCHILD, "之孙子女": c.Relationship.GRANDCHILD,
    "之外孙子女": c.Relationship.GRANDCHILD, "父亲": c.Relationship.PARENT, "母亲": c.Relationship.PARENT,
    "之父母": c.Relationship.PARENT, "兄弟姐妹": c.Relationship.SIBLING, "兄": c.Relationship.SIBLING,
    "弟": c.Relationship.SIBLING, "姐": c.Relationship.SIBLING, "妹": c.Relationship.SIBLING,
    "之兄弟": c.Relationship.SIBLING, "之姐妹": c.Relationship.SIBLING,
}, c.Relationship)

# 户类型: the household's kind. 监测对象类别, when given, makes the person a monitored one.
HOUSEHOLD_TYPE = vocabulary(gettext_lazy("户类型"), {
    "脱贫户": c.PovertyStatus.FORMERLY_POOR, "一般农户": c.PovertyStatus.NONE,
    "监测户": c.PovertyStatus.MONITORED, "低收入户": c.PovertyStatus.LOW_INCOME,
}, {
    "一般户": c.PovertyStatus.NONE, "非贫困户": c.PovertyStatus.NONE, "建档立卡户": c.PovertyStatus.FORMERLY_POOR,
    "建档立卡贫困户": c.PovertyStatus.FORMERLY_POOR, "脱贫人口": c.PovertyStatus.FORMERLY_POOR,
    "监测对象": c.PovertyStatus.MONITORED, "低收入人口": c.PovertyStatus.LOW_INCOME,
    "一般人口": c.PovertyStatus.NONE,
}, c.PovertyStatus)

MONITORING_CATEGORY = vocabulary(gettext_lazy("监测对象类别"), {
    "脱贫不稳定户": c.MonitoringCategory.UNSTABLE, "边缘易致贫户": c.MonitoringCategory.MARGINAL,
    "突发严重困难户": c.MonitoringCategory.SUDDEN_HARDSHIP,
}, {
    "脱贫不稳定": c.MonitoringCategory.UNSTABLE, "边缘易致贫": c.MonitoringCategory.MARGINAL,
    "突发严重困难": c.MonitoringCategory.SUDDEN_HARDSHIP, "边缘户": c.MonitoringCategory.MARGINAL,
}, c.MonitoringCategory)

# 劳动技能 → labour ability. 技能劳动力 and 普通劳动力 are both full labour; the skill itself is
# recorded as the person's skills elsewhere.
LABOUR_SKILL = vocabulary(gettext_lazy("劳动技能"), {
    "普通劳动力": c.LabourAbility.FULL, "技能劳动力": c.LabourAbility.FULL,
    "弱劳动力或半劳动力": c.LabourAbility.PARTIAL, "无劳动力": c.LabourAbility.NONE,
    "丧失劳动力": c.LabourAbility.NONE,
}, {
    "弱劳动力": c.LabourAbility.PARTIAL, "半劳动力": c.LabourAbility.PARTIAL,
    "弱劳动力/半劳动力": c.LabourAbility.PARTIAL,
}, c.LabourAbility)

EDUCATION = vocabulary(gettext_lazy("文化程度"), {
    "文盲或半文盲": c.Education.NONE, "小学": c.Education.PRIMARY, "初中": c.Education.JUNIOR,
    "高中": c.Education.SENIOR, "中专": c.Education.VOCATIONAL, "大专": c.Education.COLLEGE,
    "本科及以上": c.Education.BACHELOR, "学龄前儿童": "",
}, {
    "文盲": c.Education.NONE, "半文盲": c.Education.NONE, "小学文化": c.Education.PRIMARY,
    "初中文化": c.Education.JUNIOR, "高中文化": c.Education.SENIOR, "普通高中": c.Education.SENIOR,
    "职业高中": c.Education.VOCATIONAL, "职高": c.Education.VOCATIONAL, "技校": c.Education.VOCATIONAL,
    "中职": c.Education.VOCATIONAL, "中专/技校": c.Education.VOCATIONAL, "中专（中技）": c.Education.VOCATIONAL,
    "中专(中技)": c.Education.VOCATIONAL, "高职": c.Education.COLLEGE, "大学专科": c.Education.COLLEGE,
    "本科": c.Education.BACHELOR, "大学本科": c.Education.BACHELOR, "研究生": c.Education.BACHELOR,
    "硕士": c.Education.BACHELOR, "博士": c.Education.BACHELOR, "学前教育": "", "学龄前": "",
}, c.Education)

# 在校生状况: True for a student (not labour seeking work), False otherwise.
STUDENT = vocabulary(gettext_lazy("在校生状况"), {
    "非在校生": False, "学前教育": True, "小学": True, "七年级": True, "八年级": True, "九年级": True,
    "高中一年级": True, "高中二年级": True, "高中三年级": True, "中职一年级": True, "中职二年级": True,
    "中职三年级": True, "高职一年级": True, "高职二年级": True, "高职三年级": True, "大专": True,
    "本科": True, "硕士及以上": True,
}, {
    "否": False, "不是": False, "非在校": False, "学龄前儿童": False, "已毕业": False, "辍学": False,
    "失学": False, "是": True, "在校生": True, "在校": True, "小学在读": True, "初中在读": True,
    "高中在读": True, "中职在读": True, "中专在读": True, "技校在读": True, "高职在读": True,
    "大专在读": True, "本科在读": True, "研究生在读": True, "一年级": True, "二年级": True, "三年级": True,
    "四年级": True, "五年级": True, "六年级": True, "初中": True, "高中": True, "中职": True, "高职": True,
})

HEALTH = vocabulary(gettext_lazy("健康状况"), {
    "健康": "healthy", "长期慢性病": "chronic", "患有大病": "serious", "残疾": "disabled",
}, {
    "良好": "healthy", "慢性病": "chronic", "大病": "serious", "重病": "serious", "残疾人": "disabled",
})

# 务工所在地 as the system writes it: in the county, elsewhere in the province, outside it.
AREA_IN_COUNTY, AREA_IN_PROVINCE, AREA_OUT_PROVINCE = (
    c.EmploymentStatus.IN_COUNTY, c.EmploymentStatus.OUT_COUNTY, c.EmploymentStatus.OUT_PROVINCE)
WORK_AREA = vocabulary(gettext_lazy("务工所在地"), {
    "县内": AREA_IN_COUNTY, "省内县外": AREA_IN_PROVINCE, "省外": AREA_OUT_PROVINCE,
}, {
    "县内务工": AREA_IN_COUNTY, "本县": AREA_IN_COUNTY, "本县内": AREA_IN_COUNTY, "乡镇内": AREA_IN_COUNTY,
    "本乡镇": AREA_IN_COUNTY, "本村": AREA_IN_COUNTY, "县外省内": AREA_IN_PROVINCE, "省内": AREA_IN_PROVINCE,
    "县外省内务工": AREA_IN_PROVINCE, "省内县外务工": AREA_IN_PROVINCE, "省外务工": AREA_OUT_PROVINCE,
    "外省": AREA_OUT_PROVINCE, "跨省": AREA_OUT_PROVINCE, "境外": AREA_OUT_PROVINCE,
}, c.EmploymentStatus)


# 就业渠道: the words that say how a job was found. Several may be written in one cell (、 , ，).
CHANNEL_PUBLIC_WELFARE, CHANNEL_WORKSHOP = "public_welfare", "workshop"
CHANNELS = {
    "公益岗位": CHANNEL_PUBLIC_WELFARE, "公益性岗位": CHANNEL_PUBLIC_WELFARE, "帮扶车间": CHANNEL_WORKSHOP,
    "就业帮扶车间": CHANNEL_WORKSHOP, "扶贫车间": CHANNEL_WORKSHOP, "龙头企业": "enterprise",
    "企业": "enterprise", "农民专业合作社": "cooperative", "合作社": "cooperative",
    "劳务协作": "labour_cooperation", "东西部协作": "labour_cooperation", "自主创业": "self_employed",
    "灵活就业": "flexible", "务工就业": "wage_work", "外出务工": "wage_work", "其他": "other",
}
CHANNEL_WORDS = ("公益岗位", "帮扶车间", "龙头企业", "农民专业合作社", "劳务协作", "自主创业", "灵活就业",
                 "务工就业", "其他")


def channels(value) -> list[str]:
    """就业渠道 as the list of channel codes its words name ('公益岗位、帮扶车间' gives both)."""
    words = [w for w in re.split(r"[、,，;；/\s]+", half_width(value)) if w]
    found, unknown = [], []
    for word in words:
        code = CHANNELS.get(word)
        if code is None:
            unknown.append(word)
        elif code not in found:
            found.append(code)
    if unknown:
        raise ValueProblem(_("就业渠道“%(v)s”不是可识别的值，可填：%(choices)s")
                           % {"v": "、".join(unknown), "choices": "、".join(CHANNEL_WORDS)})
    return found


# --- the exports --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Export:
    """A monitoring-system export: the import kind it feeds and the headers that tell it apart
    (all of `marks` present in the header row)."""

    name: str
    title: object
    kind: str
    marks: frozenset[str]


# In the order they are tried: the first whose marks all appear wins (a people export also has the
# household columns, so it comes before the household one).
EXPORTS = [
    Export("monitoring_people", gettext_lazy("（自定义）监测对象信息"), "person",
           frozenset(map(header_key, ("户编号", "证件号码", "与户主关系", "劳动技能", "在校生状况")))),
    Export("monitoring_jobs", gettext_lazy("（务工月监测）已外出务工信息"), "job_spell",
           frozenset(map(header_key, ("证件号码", "是否已务工", "务工所在地", "开始时间")))),
    Export("monitoring_plans", gettext_lazy("计划外出务工信息"), "job_plan",
           frozenset(map(header_key, ("证件号码", "是否计划务工")))),
    Export("monitoring_households", gettext_lazy("（乡村建设）户信息"), "household",
           frozenset(map(header_key, ("县(市、区、旗)", "乡(镇)", "行政村", "户编号")))),
]


def export_title(name: str) -> str:
    """The title of the export a job's table was recognised as (its name as the job keeps it)."""
    return next((str(export.title) for export in EXPORTS if export.name == name), name)


def recognise_export(headers: list[str]) -> Export | None:
    """Which export a header row is, if any."""
    keys = {header_key(h) for h in headers}
    return next((export for export in EXPORTS if export.marks <= keys), None)
