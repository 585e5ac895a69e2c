"""The rules for an employer's record, the same for pages, API, CLI and imports (the actions call these)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bangfu.employers import choices as c
from bangfu.employers import uscc
from bangfu.employers.models import Employer, Industry
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry.validation import allowed, clean_text

TEXT_FIELDS = {"name": 200, "address": 200, "contact_name": 50, "contact_phone": 20}
COUNT_FIELDS = ("staff_count", "disabled_staff_count")
MAX_STAFF = 10_000_000
MAX_WAGE = 10_000_000  # yuan a year


def _whole(value, limit: int) -> tuple[int | None, str | None]:
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
        if kind not in allowed(c.EmployerKind):
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
            number, problem = _whole(data.get(field), MAX_STAFF)
            if problem:
                fail(field, problem)
            else:
                values[field] = number or 0
    if "average_wage" in data:
        number, problem = _whole(data.get("average_wage"), MAX_WAGE)
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
