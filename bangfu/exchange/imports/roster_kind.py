"""The import kind of the employer side: 月度用工花名册, a month's roster of an employer (who worked,
days, pay, accident insurance). Registered in kinds.KINDS; written by imports/rosters.py."""

from django.utils.translation import gettext_lazy as _

from bangfu.exchange.imports import values as v
from bangfu.exchange.imports.kinds import NAME, PERSON_ID, Field, Kind, _capped_text


def _count(value) -> int:
    # The month's own bound (28–31 days) is the roster rule's: here only a whole number.
    return v.whole_number(value, high=10**6)


ROSTER = Kind("roster", _("月度用工花名册"), key="id_number", fields=(
    PERSON_ID,
    Field("name", NAME.label, NAME.aliases, NAME.parse, required=True, example=NAME.example, cached=False),
    Field("month", _("月份"), ("用工月份", "年月", "所属月份", "工资月份", "报送月份"), v.month, required=True,
          example="2024年03月"),
    Field("days_worked", _("出勤天数"), ("出勤天数(天)", "出勤", "实际出勤天数", "工作天数", "务工天数", "出勤日数"),
          _count, required=True, example="22"),
    Field("pay", _("应发工资"), ("应发工资(元)", "工资", "月工资", "应发金额", "工资总额", "应发工资（元）"), v.money,
          required=True, example="2600"),
    Field("insurance", _("意外伤害保险"), ("意外伤害保险(元)", "意外险", "意外伤害保险费", "保险费",
                                          "意外伤害保险（元）"), v.money, example="15"),
    Field("workshop", _("车间"), ("车间名称", "所属车间", "帮扶车间"), _capped_text(200), example=""),
    Field("start_date", _("入职日期"), ("入职时间", "入职年月日", "用工开始日期"), v.date, example=""),
    Field("credit_code", _("统一社会信用代码"), ("单位信用代码", "信用代码", "用人单位信用代码"), _capped_text(18)),
))
