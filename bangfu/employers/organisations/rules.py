"""The rules for an employer's record, the same for pages, API, CLI and imports (the actions call these)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bangfu.employers import choices as c
from bangfu.employers import uscc
from bangfu.employers.models import Employer, Industry, QuotaRule
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry.validation import allowed, clean_text

TEXT_FIELDS = {"name": 200, "address": 200, "contact_name": 50, "contact_phone": 20}
COUNT_FIELDS = ("staff_count", "disabled_staff_count")
MAX_STAFF = 10_000_000
MAX_WAGE = 10_000_000  # yuan a year


def whole(value, limit: int) -> tuple[int | None, str | None]:
    """A whole number from 0 to `limit` (thousands separators allowed), or the reason it is not one."""
    if value in (None, ""):
        return None, None
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        return None, _("应为整数")
    if number < 0:
        return None, _("不能为负数")
    if number > limit:
        return None, _("不能超过 %(n)s") % {"n": f"{limit:,}"}
    return number, None


def clean_region(value, fail, field: str = "region_code") -> str | None:
    """A 12-digit code of a township or village on file (an employer, a workshop is somewhere in a county)."""
    code = (value or "").strip()
    if not codes.is_valid_code(code) or codes.level_of(code) < codes.TOWNSHIP:
        fail(field, _("所在地应为 12 位乡镇或村级区划代码"))
    elif not Region.objects.filter(code=code).exists():
        fail(field, _("区划代码 %(code)s 不存在") % {"code": code})
    else:
        return code
    return None


def collector():
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(str(message))

    return errors, fail


def clean_employer(data: dict, employer: Employer | None = None) -> dict:
    """Field values for a new or changed employer, or ValidationError naming each bad field. Keys not
    in `data` keep the employer's values."""
    errors, fail = collector()
    values: dict = {}
    new = employer is None
    for field, limit in TEXT_FIELDS.items():
        if field in data or (new and field == "name"):
            text, problem = clean_text(data.get(field), limit, name_of=_("单位名称") if field == "name" else None)
            if problem:
                fail(field, problem)
            elif field == "name" and not text:
                fail(field, _("请填写单位名称"))
            else:
                values[field] = text
    if "credit_code" in data or new:
        try:
            code = uscc.validate(data.get("credit_code") or "")
        except ValidationError as exc:
            fail("credit_code", exc.messages[0])
        else:
            taken = Employer.objects.filter(credit_code=code).exclude(pk=getattr(employer, "pk", None)).first()
            if taken is not None:
                fail("credit_code", _("该统一社会信用代码已登记：%(name)s") % {"name": taken.name})
            values["credit_code"] = code
    if "kind" in data or new:
        kind = data.get("kind") or uscc.kind_of(values.get("credit_code", "")) or ""
        if not kind and "credit_code" in errors:
            pass  # nothing to read the kind from: the credit code's own message says what is wrong
        elif kind not in allowed(c.EmployerKind):
            fail("kind", _("请选择单位类型") if not kind else _("“%(v)s”不是可选的值") % {"v": kind})
        else:
            values["kind"] = kind
    if "region_code" in data or new:
        code = clean_region(data.get("region_code"), fail)
        if code:
            values["region_code"] = code
    if "industry" in data:
        values["industry"] = _industry(data.get("industry"), fail)
    for field in COUNT_FIELDS:
        if field in data:
            number, problem = whole(data.get(field), MAX_STAFF)
            if problem:
                fail(field, problem)
            else:
                values[field] = number or 0
    if "average_wage" in data:
        number, problem = whole(data.get("average_wage"), MAX_WAGE)
        if problem:
            fail("average_wage", problem)
        else:
            values["average_wage"] = number
    if "active" in data:
        values["active"] = bool(data.get("active"))
    staff = values.get("staff_count", getattr(employer, "staff_count", 0))
    disabled = values.get("disabled_staff_count", getattr(employer, "disabled_staff_count", 0))
    if "staff_count" not in errors and "disabled_staff_count" not in errors and disabled > staff:
        fail("disabled_staff_count",
             _("残疾职工人数（%(d)d）不能多于在职职工人数（%(s)d）") % {"d": disabled, "s": staff})
    if errors:
        raise ValidationError(errors)
    return values


def _industry(value, fail) -> Industry | None:
    if value in (None, ""):
        return None
    if isinstance(value, Industry):
        return value
    code = str(value).strip().upper()
    industry = Industry.objects.filter(code=code).first()
    if industry is None:
        fail("industry", _("行业代码 %(code)s 不在国民经济行业分类中") % {"code": code})
    return industry


# --- the quota parameters (QuotaRule) -------------------------------------------------------------

QUOTA_YEARS = (2000, 2100)
RETIREMENT_AGES = (40, 75)
MAX_EXEMPT_STAFF = 100_000
QUOTA_REQUIRED = ("region_prefix", "year", "ratio", "local_average_wage")


def _decimal(value, places: int) -> tuple[Decimal | None, str | None]:
    if value in (None, ""):
        return None, None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None, _("应为数字")
    if not number.is_finite():
        return None, _("应为数字")
    if number != number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):
        return None, _("最多保留 %(n)d 位小数") % {"n": places}
    return number, None


def _fraction(value, places: int, fail, field: str, label, *, whole_allowed: bool) -> Decimal | None:
    """A share or ratio given as a fraction (0.015 for 1.5%)."""
    number, problem = _decimal(value, places)
    if problem:
        fail(field, problem)
        return None
    if number is None:
        return None
    if number <= 0 or number > 1 or (number == 1 and not whole_allowed):
        fail(field, _("%(label)s应大于 0%%且%(bound)s 100%%") % {
            "label": label, "bound": _("不超过") if whole_allowed else _("小于")})
        return None
    return number


def clean_quota_rule(data: dict, rule: QuotaRule | None = None) -> dict:
    """Values for a new or changed QuotaRule (ratios and shares as fractions), or ValidationError
    naming each bad field. Keys not in `data` keep the rule's values."""
    errors, fail = collector()
    values: dict = {}
    new = rule is None

    def given(field: str) -> bool:
        # A new rule's other fields left out take the model's defaults (cap 2, no exemption, 60/50).
        return field in data or (new and field in QUOTA_REQUIRED)

    if given("region_prefix"):
        prefix = str(data.get("region_prefix") or "").strip()
        if prefix and not (prefix.isascii() and prefix.isdigit() and len(prefix) in codes.LEVEL_DIGITS.values()):
            fail("region_prefix", _("适用区划应为 2、4、6、9 或 12 位区划代码前缀（留空为全国）"))
        elif prefix and not Region.objects.filter(code=codes.full_code(prefix)).exists():
            fail("region_prefix", _("区划 %(code)s 不存在") % {"code": prefix})
        else:
            values["region_prefix"] = prefix
    if given("year"):
        year, problem = whole(data.get("year"), QUOTA_YEARS[1])
        if problem or year is None or year < QUOTA_YEARS[0]:
            fail("year", problem or _("请填写 %(low)d–%(high)d 之间的年度") % {"low": QUOTA_YEARS[0],
                                                                                "high": QUOTA_YEARS[1]})
        else:
            values["year"] = year
    if given("ratio"):
        ratio = _fraction(data.get("ratio"), 4, fail, "ratio", _("安排比例"), whole_allowed=False)
        if ratio is None and "ratio" not in errors:
            fail("ratio", _("请填写安排比例"))
        elif ratio is not None:
            values["ratio"] = ratio
    if given("local_average_wage"):
        wage, problem = whole(data.get("local_average_wage"), MAX_WAGE)
        if problem or not wage:
            fail("local_average_wage", problem or _("请填写当地社会平均工资（大于 0 的整数，元/年）"))
        else:
            values["local_average_wage"] = wage
    if given("wage_cap_multiple"):
        multiple, problem = _decimal(data.get("wage_cap_multiple"), 2)
        if problem or multiple is None or not (1 <= multiple <= 10):
            fail("wage_cap_multiple", problem or _("工资计算上限应为 1 到 10 倍"))
        else:
            values["wage_cap_multiple"] = multiple
    if given("exempt_up_to_staff"):
        exempt, problem = whole(data.get("exempt_up_to_staff"), MAX_EXEMPT_STAFF)
        if problem:
            fail("exempt_up_to_staff", problem)
        else:
            values["exempt_up_to_staff"] = exempt or 0
    if given("reduced_from_ratio"):
        values["reduced_from_ratio"] = _fraction(data.get("reduced_from_ratio"), 4, fail, "reduced_from_ratio",
                                                 _("减征起点比例"), whole_allowed=False)
    for field, label in (("share_from_reduced", _("达减征起点时征收比例")),
                         ("share_below_reduced", _("未达减征起点时征收比例"))):
        if given(field):
            values[field] = _fraction(data.get(field), 2, fail, field, label, whole_allowed=True)
    for field, label in (("retirement_age_male", _("男职工退休年龄")), ("retirement_age_female", _("女职工退休年龄"))):
        if given(field):
            age, problem = whole(data.get(field), RETIREMENT_AGES[1])
            if problem or age is None or age < RETIREMENT_AGES[0]:
                fail(field, problem or _("%(label)s应在 %(low)d–%(high)d 岁之间") % {
                    "label": label, "low": RETIREMENT_AGES[0], "high": RETIREMENT_AGES[1]})
            else:
                values[field] = age
    if given("note"):
        text, problem = clean_text(data.get("note"), 200)
        if problem:
            fail("note", problem)
        else:
            values["note"] = text

    def final(field):
        return values.get(field, getattr(rule, field, None))

    reduced = final("reduced_from_ratio")
    ratio = final("ratio")
    if not {"reduced_from_ratio", "ratio"} & set(errors) and reduced is not None and ratio is not None \
            and reduced >= ratio:
        fail("reduced_from_ratio", _("减征起点比例（%(from)s）应低于安排比例（%(ratio)s）") % {
            "from": percent(reduced), "ratio": percent(ratio)})
    if reduced is None and "reduced_from_ratio" not in errors:
        for field in ("share_from_reduced", "share_below_reduced"):
            if final(field) is not None and field not in errors:
                fail(field, _("未填写减征起点比例时不能填写征收比例"))
    elif reduced is not None and final("share_from_reduced") is None and "share_from_reduced" not in errors:
        fail("share_from_reduced", _("填写了减征起点比例，请填写达到该比例时的征收比例"))
    if not {"region_prefix", "year"} & set(errors):
        taken = QuotaRule.objects.filter(region_prefix=final("region_prefix"), year=final("year")) \
            .exclude(pk=getattr(rule, "pk", None))
        if taken.exists():
            fail("year", _("区划 %(prefix)s 的 %(year)d 年参数已录入，请修改原记录") % {
                "prefix": final("region_prefix") or _("全国"), "year": final("year")})
    if errors:
        raise ValidationError(errors)
    return values


def percent(fraction, places: int = 4) -> str:
    """0.0150 → "1.5%" (at most `places` decimals of the percentage)."""
    value = (Decimal(fraction) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP).normalize()
    return f"{value:f}%"
