"""The employer export: the list's filters and scope, read back from the workbook."""

import io

from django.test import Client
from python_calamine import CalamineWorkbook

from bangfu.employers.testing import make_employer


def _rows(response) -> list[list]:
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    start = next(index for index, row in enumerate(rows) if row[0] == "编号")  # below the title lines
    return [row for row in rows[start:] if row[1] != ""]


def test_it_exports_the_filtered_list_of_the_users_region(world):
    make_employer(world.alice, "522633101001", "大塘绣娘服饰有限公司", industry="18", average_wage=52_000)
    make_employer(world.alice, "522633102001", "干团茶叶专业合作社", kind="cooperative")
    make_employer(world.bob, "522631101001", "高屯木业有限公司")
    client = Client()
    client.force_login(world.alice)
    rows = _rows(client.get("/export/employers.xlsx"))
    header = rows[0]
    assert header[:4] == ["编号", "单位名称", "统一社会信用代码", "单位类型"]
    names = [row[1] for row in rows[1:]]
    assert "大塘绣娘服饰有限公司" in names and "干团茶叶专业合作社" in names and "高屯木业有限公司" not in names
    row = dict(zip(header, next(r for r in rows if r[1] == "大塘绣娘服饰有限公司"), strict=False))
    assert (row["行业代码"], row["所属行业"], row["乡镇（街道）"], row["村（社区）"]) == ("18", "纺织服装、服饰业",
                                                                                  "丙妹镇", "大塘村")
    assert row["上年职工年平均工资（元）"] == 52_000 and row["在职职工人数"] == 40
    filtered = _rows(client.get("/export/employers.xlsx?kind=cooperative"))
    assert [row[1] for row in filtered[1:]] == ["干团茶叶专业合作社"]


def test_the_surveyor_may_not_export_employers(world):
    client = Client()
    client.force_login(world.sam)
    assert client.get("/export/employers.xlsx").status_code in (403, 404)
