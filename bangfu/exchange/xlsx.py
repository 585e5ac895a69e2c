"""Excel exports of the ledger, scoped and masked exactly as the pages show them."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.registry import choices as c


def _workbook(title: str, header: list[str], rows, note: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A3"
    caption = WriteOnlyCell(sheet, value=note)
    caption.font = Font(italic=True, color="666666")
    sheet.append([caption])
    bold = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _note(user, count: int, limit: int) -> str:
    note = _("导出人：%(user)s　导出时间：%(at)s　共 %(n)d 行；证件号码与电话已脱敏") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "n": count}
    if count >= limit:
        note += _("（已达导出上限 %(limit)d 行，请缩小筛选范围）") % {"limit": limit}
    return note


def export_people(user, people, params, request=None) -> bytes:
    """The filtered, scoped people as xlsx; every export is written to the audit log."""
    limit = settings.EXPORT_ROW_LIMIT
    labels = {name: _labels(options) for name, options in (
        ("relationship", c.Relationship), ("education", c.Education), ("labour_ability", c.LabourAbility),
        ("poverty_status", c.PovertyStatus), ("monitoring_category", c.MonitoringCategory),
        ("disability_category", c.DisabilityCategory), ("disability_grade", c.DisabilityGrade),
        ("employment_status", c.EmploymentStatus), ("gender", c.Gender))}
    header = [_("编号"), _("姓名"), _("身份证号"), _("性别"), _("出生日期"), _("联系电话"), _("户编号"),
              _("与户主关系"), _("所在村代码"), _("文化程度"), _("劳动能力"), _("劳动力"), _("人口类型"),
              _("监测类型"), _("易地扶贫搬迁"), _("安置点"), _("残疾类别"), _("残疾等级"), _("就业状态"),
              _("就业单位/地点"), _("意向岗位"), _("期望月薪（元）")]
    fields = ["id", "name", "id_head", "id_tail", "gender", "birth_date", "phone_head", "phone_tail",
              "household__number", "relationship", "region_code", "education", "labour_ability", "is_labour",
              "poverty_status", "monitoring_category", "relocated", "relocation_site", "disability_category",
              "disability_grade", "employment_status", "employer_name", "wish_jobs", "wish_pay"]
    rows = list(people.order_by("region_code", "id").values_list(*fields)[:limit])
    yes, no = _("是"), _("否")

    def render(r):
        v = dict(zip(fields, r, strict=True))
        return [
            v["id"], v["name"], f"{v['id_head']}{'*' * 10}{v['id_tail']}", labels["gender"].get(v["gender"], ""),
            v["birth_date"], f"{v['phone_head']}****{v['phone_tail']}" if v["phone_tail"] else "",
            v["household__number"] or "", labels["relationship"].get(v["relationship"], ""), v["region_code"],
            labels["education"].get(v["education"], ""), labels["labour_ability"].get(v["labour_ability"], ""),
            yes if v["is_labour"] else no, labels["poverty_status"].get(v["poverty_status"], ""),
            labels["monitoring_category"].get(v["monitoring_category"], ""), yes if v["relocated"] else no,
            v["relocation_site"], labels["disability_category"].get(v["disability_category"], ""),
            labels["disability_grade"].get(v["disability_grade"], ""),
            labels["employment_status"].get(v["employment_status"], ""), v["employer_name"], v["wish_jobs"],
            v["wish_pay"],
        ]

    content = _workbook(_("人员台账"), header, (render(r) for r in rows), _note(user, len(rows), limit))
    log.record(user, Action.EXPORT, request=request, region_code=user.region.code if user.region_id else "",
               detail={"what": "people", "rows": len(rows), "filters": _filters(params)})
    return content


def export_households(user, households, params, request=None) -> bytes:
    limit = settings.EXPORT_ROW_LIMIT
    poverty = _labels(c.PovertyStatus)
    yes, no = _("是"), _("否")
    header = [_("户编号"), _("户主"), _("所在村代码"), _("住址"), _("户类型"), _("易地扶贫搬迁"), _("安置点"),
              _("人口数"), _("劳动力数"), _("就业人数"), _("零就业家庭")]
    rows = list(households.order_by("region_code", "id")[:limit])
    content = _workbook(
        _("家庭户台账"), header,
        ([h.number, h.head_name, h.region_code, h.address, poverty.get(h.poverty_status, ""),
          yes if h.relocated else no, h.relocation_site, h.member_count, h.labour_count, h.employed_count,
          yes if h.zero_employment else no] for h in rows),
        _note(user, len(rows), limit),
    )
    log.record(user, Action.EXPORT, request=request, region_code=user.region.code if user.region_id else "",
               detail={"what": "households", "rows": len(rows), "filters": _filters(params)})
    return content


def _labels(options) -> dict:
    return {value: str(label) for value, label in options.choices}


def _filters(params) -> dict:
    return {k: v for k, v in params.items() if v and k != "page"}

