"""The import kinds and their fields: what a column may hold, the names and 人社 indicator codes it
is known by, how its cells are read, and what a template shows for it.

A field's `parse` turns a non-empty cell into the value the record keeps, or raises ValueProblem.
Fields with `stored=False` are recognised and checked (so their columns are not asked about in the
mapping step) but the ledger keeps nothing of them yet: the monitoring exports carry many such
columns (识别监测时间, 致贫/返贫风险1–5, the insurance columns …).
"""

import dataclasses
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from bangfu.exchange.imports import monitoring as m
from bangfu.exchange.imports import values as v


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: object  # the column name a template writes (the system's own where there is one)
    aliases: tuple[str, ...] = ()
    parse: Callable = v.text
    required: bool = False
    vocabulary: m.Vocabulary | None = None  # coded values: the template's drop-down list
    example: str = ""
    stored: bool = True
    # Reading a table: `cached`, each distinct text is parsed once (columns of few values: words, dates,
    # yes/no); False for the columns where nearly every row differs (names, numbers). `reader`, when
    # given, makes the parser one table uses in place of `parse` (same answers, with tables of its own).
    cached: bool = True
    reader: Callable[[], Callable] | None = None


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    label: object
    fields: tuple[Field, ...]
    key: str  # the field rows are matched on (merging rows of several files, add vs update)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]


def _coded(vocabulary: m.Vocabulary):
    return {"parse": vocabulary, "vocabulary": vocabulary}


def _capped_text(limit: int):
    def parse(value) -> str:
        text = v.text(value)
        if len(text) > limit:
            raise v.ValueProblem(_("不能超过 %(n)d 个字") % {"n": limit})
        return text
    return parse


# Where a row is: names (county, township, village) or a code; records.py resolves them together.
PLACE_FIELDS = (
    Field("county", _("县"), ("县(市、区、旗)", "县(市、区)", "县区", "县(区)", "县市区", "所在县", "区县"),
          example="从江县"),
    Field("township", _("乡"), ("乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)", "镇", "所在乡镇", "乡镇名称"),
          example="丙妹镇"),
    Field("village", _("村"), ("行政村", "村(社区)", "村(居)", "村名", "所在村", "村委会", "社区", "行政村名称"),
          example="大歹村"),
    Field("region_code", _("行政区划代码"), ("区划代码", "行政区划", "村代码", "所在村代码", "村级区划代码")),
)

PERSON_ID = Field("id_number", _("证件号码"), ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号",
                                             "身份证件号码", "社会保障号码"),
                  v.id_number, required=True, example="522633199001011233", cached=False, reader=v.id_number_reader)
NAME = Field("name", _("姓名"), ("名字", "户主姓名", "成员姓名", "人员姓名"), _capped_text(50),
             required=True, example="张三丰", cached=False)
HOUSEHOLD_NUMBER = Field("household_number", _("户编号"), ("户号", "家庭编号", "户编码"), _capped_text(30),
                         example="5226331010010001", cached=False)
PHONE = Field("phone", _("家庭成员联系电话"), ("联系电话", "手机号码", "手机号", "电话", "电话号码", "联系方式",
                                         "本人联系电话"), v.phone, example="13800138000", cached=False)

PERSON = Kind("person", _("人员信息"), key="id_number", fields=(
    *PLACE_FIELDS,
    HOUSEHOLD_NUMBER,
    NAME,
    PERSON_ID,
    Field("id_type", _("证件类型"), (), example="居民身份证", stored=False),
    Field("gender", _("性别"), (), **_coded(m.GENDER), example="男"),
    Field("birth_date", _("出生日期"), ("出生年月", "出生年月日"), v.date, example="1990-01-01"),
    Field("ethnicity", _("民族"), (), example="苗族", stored=False),
    Field("relationship", _("与户主关系"), ("家庭关系", "与户主的关系", "关系"),
          **_coded(m.RELATIONSHIP), required=True, example="户主"),
    Field("household_type", _("户类型"), ("人口类型", "贫困户属性", "户属性"), **_coded(m.HOUSEHOLD_TYPE),
          example="脱贫户"),
    Field("monitoring_category", _("监测对象类别"), ("监测类型", "监测对象类型", "监测户类型"),
          **_coded(m.MONITORING_CATEGORY)),
    Field("identified_on", _("识别监测时间"), ("纳入监测时间",), v.date, stored=False),
    Field("risk_cleared", _("风险是否已消除"), ("是否风险消除",), v.yes_no, stored=False),
    *(Field(f"risk_{n}", f"致贫/返贫风险{n}", (f"致贫返贫风险{n}", f"返贫致贫风险{n}"), stored=False)
      for n in range(1, 6)),
    Field("education", _("文化程度"), ("学历"), **_coded(m.EDUCATION), example="初中"),
    Field("student", _("在校生状况"), ("是否在校生", "在校情况", "在校状况"), **_coded(m.STUDENT),
          example="非在校生"),
    Field("health", _("健康状况"), ("身体状况", "健康情况"), **_coded(m.HEALTH), example="健康"),
    Field("labour_skill", _("劳动技能"), ("劳动能力", "劳动力状况"), **_coded(m.LABOUR_SKILL), example="普通劳动力"),
    PHONE,
    Field("channel", _("就业渠道（易地搬迁后扶使用）"), ("就业渠道",), m.channels),
    Field("relocated", _("是否易地扶贫搬迁"), ("是否易地搬迁", "易地扶贫搬迁户", "是否搬迁户", "易地搬迁"), v.yes_no,
          example="否"),
    Field("relocation_site", _("安置点"), ("安置点名称", "搬迁安置点"), _capped_text(100)),
    Field("public_welfare_post", _("公益性岗位"), ("是否公益性岗位", "是否公益岗位"), v.yes_no, example="否"),
    Field("public_welfare_months", _("公益性岗位(月数)"), ("公益性岗位月数", "公益岗位月数"),
          lambda value: v.whole_number(value, high=12)),
    Field("address", _("住址"), ("家庭住址", "地址", "现住址"), _capped_text(200), cached=False),
    Field("collector", _("信息采集人"), ("采集人",), stored=False),
    Field("insurance_medical", _("是否参加城乡居民基本医疗保险"), ("参加城乡居民基本医疗保险",), v.yes_no,
          stored=False),
    Field("insurance_pension", _("是否参加城乡居民基本养老保险"), ("参加城乡居民基本养老保险",), v.yes_no,
          stored=False),
    Field("minimum_living", _("是否享受农村最低生活保障"), ("是否享受低保", "是否低保"), v.yes_no, stored=False),
    Field("extreme_poverty", _("是否特困供养人员"), ("是否特困供养", "是否特困"), v.yes_no, stored=False),
    Field("notes", _("备注"), (), _capped_text(5000), cached=False),
))

HOUSEHOLD = Kind("household", _("户信息"), key="household_number", fields=(
    *PLACE_FIELDS,
    Field("household_number", HOUSEHOLD_NUMBER.label, HOUSEHOLD_NUMBER.aliases, HOUSEHOLD_NUMBER.parse,
          required=True, example=HOUSEHOLD_NUMBER.example, cached=False),
    Field("head_name", _("户主姓名"), ("户主",), _capped_text(50), example="张三丰", cached=False),
    Field("id_number", _("证件号码"), ("户主证件号码", "户主身份证号", "户主身份证号码", *PERSON_ID.aliases),
          v.id_number, example=PERSON_ID.example, cached=False, reader=v.id_number_reader),
    Field("household_type", _("户类型"), ("贫困户属性", "户属性"), **_coded(m.HOUSEHOLD_TYPE), example="脱贫户"),
    Field("monitoring_category", _("监测对象类别"), ("监测类型", "监测户类型"), **_coded(m.MONITORING_CATEGORY)),
    Field("members", _("家庭人口数"), ("人口数", "家庭人数", "户人口数"), lambda value: v.whole_number(value, high=50),
          stored=False),
    Field("relocated", _("是否易地扶贫搬迁"), ("是否易地搬迁", "易地扶贫搬迁户", "是否搬迁户"), v.yes_no, example="否"),
    Field("relocation_site", _("安置点"), ("安置点名称", "搬迁安置点"), _capped_text(100)),
    Field("address", _("住址"), ("家庭住址", "地址"), _capped_text(200), cached=False),
    Field("phone", _("联系电话"), PHONE.aliases, v.phone, stored=False, cached=False),
))


def _income(value):
    amount = v.money(value)
    if amount > 1_000_000:
        raise v.ValueProblem(_("金额 %(v)s 元超出合理范围") % {"v": amount})
    return amount


JOB_SPELL = Kind("job_spell", _("务工信息"), key="id_number", fields=(
    *PLACE_FIELDS,
    HOUSEHOLD_NUMBER,
    Field("name", NAME.label, NAME.aliases, NAME.parse, example=NAME.example, cached=False),
    PERSON_ID,
    Field("working", _("是否已务工"), ("是否务工", "是否外出务工"), v.yes_no, example="是"),
    Field("work_county", _("务工所在县"), ("务工县", "务工地县"), _capped_text(100), example="广东省东莞市"),
    Field("area", _("务工所在地"), ("务工地点", "务工地域", "务工区域"), **_coded(m.WORK_AREA), example="省外"),
    Field("channel", _("就业渠道"), ("就业方式", "务工渠道"), m.channels, example="务工就业"),
    Field("employer_name", _("就业单位"), ("务工单位", "就业单位名称", "务工单位名称", "工作单位", "用工单位"),
          _capped_text(200), example="东莞市某电子厂"),
    Field("start", _("开始时间"), ("务工开始时间", "开始务工时间", "务工开始月份"), v.month,
          required=True, example="2023年05月"),
    Field("end", _("结束时间"), ("务工结束时间", "结束务工时间", "务工结束月份"), v.month),
    Field("monthly_income", _("务工月收入"), ("月收入", "月工资", "月收入(元)", "务工月收入(元)"), _income,
          example="3500"),
    Field("transport_subsidy", _("年度交通费补助"), ("交通费补助", "交通补助", "年度交通费补助(元)"), _income),
    Field("service_needs", _("就业服务需求"), ("服务需求",), _capped_text(200)),
))

JOB_PLAN = Kind("job_plan", _("计划外出务工信息"), key="id_number", fields=(
    *PLACE_FIELDS,
    HOUSEHOLD_NUMBER,
    Field("name", NAME.label, NAME.aliases, NAME.parse, example=NAME.example, cached=False),
    PERSON_ID,
    Field("plans_work", _("是否计划务工"), ("是否计划外出务工", "计划务工"), v.yes_no, required=True, example="是"),
    Field("area", _("计划务工地"), ("计划务工地点", "计划务工所在地"), **_coded(m.WORK_AREA), example="县内"),
    Field("service_needs", _("就业服务需求"), ("服务需求",), _capped_text(200), example="职业介绍"),
))

KINDS = {kind.name: kind for kind in (PERSON, HOUSEHOLD, JOB_SPELL, JOB_PLAN)}

# The employer side's kind (月度用工花名册), declared in its own module.
from bangfu.exchange.imports.roster_kind import ROSTER  # noqa: E402

KINDS[ROSTER.name] = ROSTER
