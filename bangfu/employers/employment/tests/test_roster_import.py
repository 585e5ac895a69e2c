"""The roster through the importer: a workbook made here with every kind of bad row; the good rows
land, the bad ones come back in the error workbook with the column and the reason."""

import datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from bangfu.conftest import valid_id
from bangfu.employers.employment import actions
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.exchange.imports import jobs
from bangfu.exchange.imports.jobs import ImportRefused

HEADERS = ["证件号码", "姓名", "月份", "出勤天数", "应发工资", "意外伤害保险", "车间", "入职日期"]


def workbook(tmp_path, rows, name="花名册.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["从江县绣娘服饰有限公司 2024年4月 用工花名册"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_the_good_rows_land_and_every_bad_row_comes_back_in_the_error_workbook(world, shop, workers, tmp_path):
    employer, workshop = shop
    (zhao, zhao_id), (qian, qian_id), (sun, sun_id), (zhou, zhou_id), (wu, wu_id) = workers
    actions.do_start_employment(world.ed, employer, {"id_number": wu_id, "name": "吴五",
                                                     "start_date": datetime.date(2024, 6, 1)})
    future = "2099年01月"
    rows = [
        [zhao_id, "赵一", "2024年04月", 22, 2600, 15, "", ""],                       # 3 good
        [qian_id, "钱二", "2024-04", 20, "2,400元", "", "岜沙刺绣车间", "2024-04-08"],   # 4 good, in the workshop
        [sun_id, "孙三", "2024年04月", 21, 2500, 15, "", ""],                         # 5 good
        ["522633198503091234", "某某", "2024年04月", 20, 2000, 15, "", ""],          # 6 check digit
        [valid_id("522633", datetime.date(1990, 1, 1), 77), "查无", "2024年04月", 20, 2000, 15, "", ""],  # 7 unknown
        [zhou_id, "周三", "2024年04月", 20, 2000, 15, "", ""],                        # 8 name does not match
        [valid_id("522633", datetime.date(1985, 3, 9), 11), "张三丰", "2024年04月", 31, 2000, 15,
         "", ""],                                                                  # 9 April has 30 days
        [valid_id("522633", datetime.date(1985, 3, 9), 13), "李四", "2024年04月", 20, -100, 15, "", ""],  # 10 pay < 0
        [zhou_id, "周四", "2024年02月", 20, 5_000_000, 15, "", ""],                   # 11 absurd pay
        [zhou_id, "周四", "2024年05月", 20, 2000, -1, "", ""],                        # 12 insurance < 0
        [zhou_id, "周四", future, 20, 2000, 15, "", ""],                             # 13 month in the future
        [wu_id, "吴五", "2024年04月", 20, 2000, 15, "", ""],                          # 14 before the employment
        [sun_id, "孙三", "2024年04月", 5, 500, 15, "", ""],                           # 15 same person, other figures
        [zhou_id, "周四", "2024年03月", 20, 2000, 15, "无此车间", ""],                  # 16 unknown workshop
    ]
    job = jobs.import_files(world.ed, [("花名册.xlsx", workbook(tmp_path, rows))])
    assert job.tables[0]["kind"] == "roster"
    counts = job.counts["commit"]["roster"]
    assert (counts["add"], counts["rejected"]) == (3, 11)
    assert MonthlyRecord.objects.filter(month=datetime.date(2024, 4, 1)).count() == 3
    assert Employment.objects.get(person=qian).workshop == workshop
    assert Employment.objects.get(person=qian).start_date == datetime.date(2024, 4, 8)
    # One submission per month the rows name, with every refused row of that month: the roster rule's,
    # the reader's (row 6) and the repeated one's (row 15); row 13's month could not be read.
    assert sorted(RosterSubmission.objects.values_list("month", "source", "added", "refused")) == [
        (datetime.date(2024, month, 1), "import", added, refused)
        for month, added, refused in ((2, 0, 1), (3, 0, 1), (4, 3, 7), (5, 0, 1))]
    april = RosterSubmission.objects.get(month=datetime.date(2024, 4, 1))
    assert [refusal["row"] for refusal in april.refusals] == [6, 7, 8, 9, 10, 14, 15]
    assert next(iter(april.refusals[0]["errors"])) == "证件号码" and april.refusals[0]["who"] == "某某"
    assert "第 5 行" in april.refusals[-1]["errors"]["整行"][0] and april.refusals[-1]["who"].startswith("孙三（")
    sheet = CalamineWorkbook.from_path(str(jobs.errors_path(job))).get_sheet_by_index(0).to_python()
    header, *refused = sheet
    assert header[0] == "原行号" and header[-1] == "错误原因"
    reasons = {int(row[0]): row[-1] for row in refused}
    assert sorted(reasons) == list(range(6, 17))
    assert reasons[6].startswith("证件号码：")
    assert reasons[7].split("：", 1)[1] == reasons[8].split("：", 1)[1]  # unknown and mismatched read alike
    assert reasons[9].startswith("出勤天数：") and "30" in reasons[9]
    assert reasons[10].startswith("应发工资：")
    assert reasons[11].startswith("应发工资：") and "超出" in reasons[11]
    assert reasons[12].startswith("意外伤害保险：")
    assert reasons[13].startswith("月份：")
    assert reasons[14].startswith("月份：") and "入职" in reasons[14]
    assert "第 5 行" in reasons[15]
    assert reasons[16].startswith("车间：")


def test_an_import_of_the_same_roster_again_changes_nothing(world, shop, workers, tmp_path):
    employer, _workshop = shop
    rows = [[number, person.name, "2024年04月", 20, 2000, 15, "", ""] for person, number in workers]
    jobs.import_files(world.ed, [("a.xlsx", workbook(tmp_path, rows, "a.xlsx"))])
    history = MonthlyRecord.history.count()
    job = jobs.import_files(world.ed, [("b.xlsx", workbook(tmp_path, rows, "b.xlsx"))])
    assert job.counts["commit"]["roster"]["unchanged"] == 5
    assert MonthlyRecord.history.count() == history


def test_an_operator_imports_rosters_only_and_only_for_its_own_organisation(world, shop, workers, tmp_path):
    employer, _workshop = shop
    person, number = workers[0]
    with pytest.raises(ImportRefused):
        jobs.open_job(world.ed, [("人员.xlsx", workbook(tmp_path, []))], kind="person")
    book = openpyxl.Workbook()
    book.active.append(HEADERS + ["统一社会信用代码"])
    book.active.append([number, person.name, "2024年04月", 20, 2000, 15, "", "", "91522633MA0000999X"])
    book.save(tmp_path / "x.xlsx")
    job = jobs.import_files(world.ed, [("x.xlsx", tmp_path / "x.xlsx")])
    assert job.counts["commit"]["roster"]["rejected"] == 1
    assert not MonthlyRecord.objects.exists()


def test_an_officer_names_the_employer_by_its_credit_code(world, shop, workers, tmp_path):
    employer, _workshop = shop
    person, number = workers[0]
    book = openpyxl.Workbook()
    book.active.append(HEADERS + ["统一社会信用代码"])
    book.active.append([number, person.name, "2024年04月", 20, 2000, 15, "", "", employer.credit_code])
    book.active.append([workers[1][1], workers[1][0].name, "2024年04月", 20, 2000, 15, "", "", ""])
    book.save(tmp_path / "x.xlsx")
    job = jobs.import_files(world.alice, [("x.xlsx", tmp_path / "x.xlsx")], kind="roster")
    assert (job.counts["commit"]["roster"]["add"], job.counts["commit"]["roster"]["rejected"]) == (1, 1)
    # bob, of another county, does not reach the employer: his row is refused.
    job = jobs.import_files(world.bob, [("x.xlsx", tmp_path / "x.xlsx")], kind="roster")
    assert job.counts["commit"]["roster"]["rejected"] == 2
