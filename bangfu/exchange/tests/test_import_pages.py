"""The import pages: upload, the tables found, the mapping step (saved and applied again to the next
file of the same shape), refusals shown on the page, another user's job, the menu; then the preview,
the commit, the result, the error workbook."""

import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.exchange.imports import jobs
from bangfu.exchange.imports.tests.books import csv_bytes, xlsx
from bangfu.exchange.models import ImportJob, ImportMapping
from bangfu.exchange.tests.import_books import upload
from bangfu.exchange.tests.test_background import _run_worker
from bangfu.registry.models import Person

# 身份号 is no name the person kind knows: the required 证件号码 must be mapped by hand.
HEADERS = ["乡镇", "村", "姓名", "身份号", "与户主关系", "备用列"]


def book(*rows) -> bytes:
    return xlsx([HEADERS, *rows])


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(world):
    return client_of(world.alice)


def test_the_upload_page_offers_the_kinds_and_the_templates(alice):
    page = alice.get(reverse("import_upload")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page and "multiple" in page
    for kind in ("person", "household", "job_spell", "job_plan"):
        assert reverse("import_template", args=[kind]) in page and f'value="{kind}"' in page


def test_an_upload_shows_the_tables_and_asks_for_the_missing_column(alice, world):
    response = upload(alice, ("乡镇台账.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_job", args=[job.pk])
    assert job.user == world.alice and job.files[0]["name"] == "乡镇台账.xlsx"
    page = alice.get(response["Location"]).content.decode()
    assert "乡镇台账.xlsx" in page and "人员信息" in page and "第 1 行" in page
    assert "约 1 行（含空行，预览后给出准确行数）" in page
    assert "缺少必填字段：证件号码" in page and "未识别" in page
    # The mapping step: one select per column, "ignore" first, the recognised ones chosen.
    assert 'name="column-3"' in page and "忽略此列" in page
    assert '<option value="name" selected>' in page
    assert reverse("import_mapping", args=[job.pk, 0]) in page
    # No preview before the mapping is made.
    assert '<button type="submit" disabled>预览</button>' in page


def test_the_mapping_is_saved_and_applied_to_the_next_file_of_the_same_shape(alice, world):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    columns = {f"column-{i}": field for i, field in enumerate(["township", "village", "name", "id_number",
                                                               "relationship", ""])}
    response = alice.post(reverse("import_mapping", args=[job.pk, 0]), {**columns, "remember": "on"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.tables[0]["missing"] == [] and job.tables[0]["fields"]["3"] == "id_number"
    assert ImportMapping.objects.filter(kind="person", user=world.alice, region_prefix="522633").count() == 1
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "列对应关系已保存" in page and "缺少必填字段" not in page
    assert '<button type="submit" class="primary">预览</button>' in page
    # Next month's file, the same headers, other rows: recognised with the saved mapping.
    upload(alice, ("二月.xlsx", book(["贯洞镇", "干团村", "李小三", valid_id(seq=33), "户主", "x"])))
    second = ImportJob.objects.latest("pk")
    assert second.tables[0]["mapped"] and second.tables[0]["fields"]["3"] == "id_number"
    assert not second.needs_mapping
    page = alice.get(reverse("import_job", args=[second.pk])).content.decode()
    assert "已按指定的列对应关系读取" in page and "缺少必填字段" not in page
    # bob's county has its own mappings: the same shape asks him again.
    bob = client_of(world.bob)
    upload(bob, ("黎平.xlsx", book(["德凤街道", "高屯村", "赵四", valid_id("522631", seq=35), "户主", ""])))
    assert ImportJob.objects.filter(user=world.bob).get().needs_mapping


def test_a_mapping_without_remember_is_not_kept(alice):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    alice.post(reverse("import_mapping", args=[job.pk, 0]), {"column-3": "id_number"})
    job.refresh_from_db()
    assert not job.needs_mapping and not ImportMapping.objects.exists()


def test_one_field_for_two_columns_is_refused_on_the_page(alice):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    response = alice.post(reverse("import_mapping", args=[job.pk, 0]),
                          {"column-3": "id_number", "column-5": "id_number", "remember": "on"})
    page = response.content.decode()
    assert response.status_code == 400 and "同一字段只能对应一列" in page
    # The choices as posted stay on the page to be corrected; nothing was saved.
    assert page.count('<option value="id_number" selected>') == 2
    job.refresh_from_db()
    assert job.needs_mapping and not ImportMapping.objects.exists()
    # Switching the language there reloads the address: the job's page.
    again = alice.get(reverse("import_mapping", args=[job.pk, 0]))
    assert again.status_code == 302 and again["Location"] == reverse("import_job", args=[job.pk]) + "#table-1"


def test_another_kind_is_chosen_for_a_table(alice):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    alice.post(reverse("import_mapping", args=[job.pk, 0]), {"kind": "job_plan", "change_kind": "1"})
    job.refresh_from_db()
    assert job.tables[0]["kind"] == "job_plan"
    assert "是否计划务工" in job.tables[0]["missing"]
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "计划外出务工信息" in page and 'value="plans_work"' in page


@pytest.mark.parametrize(("files", "message"), [
    ([], "请选择要导入的文件"),
    ([("照片.xlsx", b"\x89PNG not a workbook")], "无法读取该文件"),
    ([("空.csv", b"")], "文件中没有找到表头"),
])
def test_bad_uploads_show_the_message(alice, files, message):
    response = upload(alice, *files)
    assert response.status_code == 200 and message in response.content.decode()
    assert 'class="form-errors"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_unknown_kind_is_refused(alice):
    response = upload(alice, ("a.csv", csv_bytes([HEADERS])), kind="salaries")
    assert "没有“salaries”这种导入类型" in response.content.decode() and not ImportJob.objects.exists()


def test_uploads_go_to_temporary_files_whatever_the_request_limit(alice, settings, monkeypatch):
    from bangfu.exchange.imports import views

    opened = []
    real = views.jobs.open_job

    def spy(user, uploads, **kw):
        opened.extend(type(file).__name__ for _name, file in uploads)
        return real(user, uploads, **kw)

    monkeypatch.setattr(views.jobs, "open_job", spy)
    small = book(ROWS[0])  # Django would keep a file this small in memory by default
    rows = [["丙妹镇", "大塘村", f"王{n}", valid_id(seq=31), "户主", "y" * 40] for n in range(40_000)]
    big = csv_bytes([HEADERS, *rows])
    assert len(big) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the request body's limit is not the files'
    assert upload(alice, ("小.xlsx", small)).status_code == 302
    assert upload(alice, ("大.csv", big)).status_code == 302
    assert opened == ["TemporaryUploadedFile", "TemporaryUploadedFile"]
    assert ImportJob.objects.latest("pk").files[0]["size"] == len(big)


def test_a_file_over_the_limit_is_refused_before_it_is_read(alice, settings):
    settings.IMPORT_MAX_MB = 1
    big = csv_bytes([HEADERS] + [["丙妹镇", "大塘村", "王小二", "x" * 50, "户主", "y" * 50]] * 12_000)
    assert len(big) > 2**20
    response = upload(alice, ("大.csv", big))
    assert response.status_code == 413 and "不能超过 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_without_a_length_is_stopped_while_read(alice, settings, monkeypatch):
    from bangfu.exchange.imports import views

    monkeypatch.setattr(views, "ENVELOPE", 10 * 2**20)  # the request's length passes: the handler counts
    settings.IMPORT_MAX_MB = 1
    big = csv_bytes([HEADERS] + [["丙妹镇", "大塘村", "王小二", "x" * 50, "户主", "y" * 50]] * 12_000)
    response = upload(alice, ("大.csv", big))
    assert response.status_code == 413 and "不能超过 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_still_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = upload(client, ("a.csv", csv_bytes([HEADERS])))
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_another_users_job_is_404(alice, world):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    bob = client_of(world.bob)
    for name in ("import_job", "import_errors"):
        assert bob.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ("import_preview", "import_commit", "import_cancel"):
        assert bob.post(reverse(name, args=[job.pk])).status_code == 404
    assert bob.post(reverse("import_mapping", args=[job.pk, 0]), {"column-3": "id_number"}).status_code == 404
    assert "一月.xlsx" not in bob.get(reverse("import_jobs")).content.decode()
    job.refresh_from_db()
    assert job.needs_mapping  # bob changed nothing


def test_my_imports_lists_the_users_own_jobs(alice, world):
    upload(alice, ("一月.xlsx", book(["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""])))
    job = ImportJob.objects.get()
    page = alice.get(reverse("import_jobs")).content.decode()
    assert "一月.xlsx" in page and reverse("import_job", args=[job.pk]) in page and "待确认" in page
    # Before the preview: the rows the file declares (its one data row), nothing refused yet.
    assert '<td class="num">约 1</td>' in page and page.count('<td class="num">—</td>') == 1


def test_an_upload_expires_the_jobs_left_for_too_long(alice, settings):
    upload(alice, ("一月.xlsx", book(ROWS[0])))
    old = ImportJob.objects.get()
    folder = jobs.job_dir(old)
    assert folder.is_dir()
    ImportJob.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS + 1))
    upload(alice, ("二月.xlsx", book(ROWS[0])))
    old.refresh_from_db()
    assert old.status == "expired" and not folder.exists()
    assert "已过期删除" in alice.get(reverse("import_job", args=[old.pk])).content.decode()


@pytest.mark.parametrize(("username", "shown", "pages"), [
    ("alice", True, True), ("tom", True, True), ("dora", True, True), ("admin", True, True),
    ("sam", False, False), ("audrey", False, False),
    ("ed", False, True),  # an employer's operator imports its rosters (from the roster page), nothing else
])
def test_the_menu_shows_import_to_those_who_edit_the_ledger(world, username, shown, pages):
    client = client_of(getattr(world, username))
    home = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("import_upload")}"' in home) is shown
    assert client.get(reverse("import_upload")).status_code == (200 if pages else 403)
    assert client.get(reverse("import_jobs")).status_code == (200 if pages else 403)


def test_the_pages_need_a_login(db):
    for url in (reverse("import_upload"), reverse("import_jobs"), reverse("import_job", args=[1])):
        assert Client().get(url).status_code == 302


# --- preview, commit, result -----------------------------------------------------------------------

ROWS = [
    ["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主", ""],           # new
    ["丙妹镇", "大塘村", "王小三", "5226331985", "户主", ""],                # an ID number cut short
    ["丙妹镇", "大塘村", "张三丰", valid_id(seq=11), "之子", ""],             # 张三丰 is on file as the head
    ["德凤街道", "高屯村", "赵四", valid_id("522631", seq=35), "户主", ""],   # bob's county
]


def _previewed(alice) -> ImportJob:
    upload(alice, ("一月.xlsx", book(*ROWS)))
    job = ImportJob.objects.get()
    alice.post(reverse("import_mapping", args=[job.pk, 0]), {"column-3": "id_number", "remember": "on"})
    response = alice.post(reverse("import_preview", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "previewing"
    _run_worker()
    job.refresh_from_db()
    assert job.status == "previewed", job.error
    return job


def test_the_preview_shows_counts_updates_and_the_rejected_rows(alice, world):
    job = _previewed(alice)
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    counts = re.search(r'<table class="list counts">.*?</table>', page, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', counts) == ["1", "1", "0", "2"]  # 新增 更新 无变化 未通过
    assert "新增" in counts and "无变化" in counts and "人员信息" in counts
    assert "数据行" not in page  # the file's declared rows: counted by now
    changes = re.search(r'<table class="list changes">.*?</table>', page, re.S).group(0)
    assert "张三丰" in changes and "与户主关系" in changes and '<td class="old">户主</td>' in changes
    assert '<td class="new">子女</td>' in changes and "第 4 行" in changes
    assert "2 行未通过校验" in page and reverse("import_errors", args=[job.pk]) in page
    assert reverse("import_commit", args=[job.pk]) in page and "确认导入" in page
    assert not Person.objects.filter(name="王小二").exists()  # nothing written by a preview


def test_the_progress_part_polls_until_the_pass_ends(alice):
    upload(alice, ("一月.xlsx", book(*ROWS)))
    job = ImportJob.objects.get()
    alice.post(reverse("import_mapping", args=[job.pk, 0]), {"column-3": "id_number"})
    alice.post(reverse("import_preview", args=[job.pk]))
    url = reverse("import_job", args=[job.pk])
    part = alice.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="import-progress"') and 'hx-trigger="every 1s"' in part and "正在预览" in part
    # Before the pass has counted them, the bar counts towards the rows the file declares.
    assert f'<progress max="{len(ROWS)}" value="0">' in part and f"已处理 0 / 约 {len(ROWS)} 行（0%）" in part
    _run_worker()
    done = alice.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the page loads again, with the preview


def test_the_commit_writes_and_the_result_links_the_errors_and_the_checks(alice, world):
    job = _previewed(alice)
    assert alice.post(reverse("import_commit", args=[job.pk])).status_code == 302
    _run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.counts["commit"]["person"] == {"add": 1, "update": 1, "unchanged": 0, "rejected": 2}
    added = Person.objects.get(name="王小二")
    assert added.region_code == "522633101001"
    world.person.refresh_from_db()
    assert world.person.relationship == "child"
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "导入结果" in page and reverse("check_list") in page and "查看核查结果" in page
    assert job.counts["checks_run"] and reverse("import_errors", args=[job.pk]) in page
    response = alice.get(reverse("import_errors", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_id=str(job.pk))
    assert entry.user == world.alice and entry.detail == {"what": "import_errors", "rows": 2, "download": True}
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0)
    header, *rejected = rows.to_python()
    assert header[0] == "原行号" and header[-1] == "错误原因" and header[1:-1] == HEADERS
    by_name = {row[3]: row for row in rejected}
    assert set(by_name) == {"王小三", "赵四"}
    assert by_name["王小三"][0] == 3 and by_name["王小三"][-1].startswith("身份号：")  # the column as uploaded
    assert "管辖范围" in by_name["赵四"][-1]  # bob's village is outside alice's region
    # The same file again: the mapping is remembered, nothing is added.
    upload(alice, ("一月.xlsx", book(*ROWS)))
    again = ImportJob.objects.latest("pk")
    assert not again.needs_mapping
    alice.post(reverse("import_preview", args=[again.pk]))
    _run_worker()
    again.refresh_from_db()
    assert again.counts["preview"]["person"]["add"] == 0 and again.counts["preview"]["person"]["rejected"] == 2


def test_importing_the_same_file_twice_changes_nothing(alice):
    job = _previewed(alice)
    alice.post(reverse("import_commit", args=[job.pk]))
    _run_worker()
    upload(alice, ("一月.xlsx", book(*ROWS)))
    again = ImportJob.objects.latest("pk")
    alice.post(reverse("import_preview", args=[again.pk]))
    _run_worker()
    again.refresh_from_db()
    assert again.counts["preview"]["person"] == {"add": 0, "update": 0, "unchanged": 2, "rejected": 2}, again.changes


def test_steps_out_of_turn_are_refused_on_the_page(alice):
    upload(alice, ("一月.xlsx", book(*ROWS)))
    job = ImportJob.objects.get()
    response = alice.post(reverse("import_preview", args=[job.pk]), follow=True)
    assert "还有必填字段没有对应的列：证件号码" in response.content.decode()
    response = alice.post(reverse("import_commit", args=[job.pk]), follow=True)
    assert "请先预览" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_a_cancelled_import_stays_cancelled(alice):
    job = _previewed(alice)
    response = alice.post(reverse("import_cancel", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "导入已取消" in page and "台账没有改动" in page and "确认导入" not in page
    assert alice.post(reverse("import_commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and not Person.objects.filter(name="王小二").exists()


def test_several_files_at_once_and_a_column_given_twice(alice):
    spells = csv_bytes([["姓名", "证件号码", "开始时间", "结束时间", "务工所在地"],
                        ["王小二", valid_id(seq=31), "2023年05月", "", "省外"]], encoding="gbk")
    twice = xlsx([["村", "姓名", "证件号码", "与户主关系", "姓名"],
                  ["大塘村", "王小二", valid_id(seq=31), "户主", "王"]])
    response = upload(alice, ("务工.csv", spells), ("两个姓名.xlsx", twice))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and [f["name"] for f in job.files] == ["务工.csv", "两个姓名.xlsx"]
    assert [table["kind"] for table in job.tables] == ["job_spell", "person"]
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "表格 1" in page and "表格 2" in page and "务工信息" in page
    assert "与前面的“姓名”列重复" in page  # the second 姓名 is asked about
    assert reverse("import_mapping", args=[job.pk, 1]) in page


def test_a_commit_whose_worker_stopped_is_resumed_from_the_page(alice, world):
    job = _previewed(alice)
    alice.post(reverse("import_commit", args=[job.pk]))
    # The worker was killed before it began: the job says committing and has been silent for long.
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    page = alice.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "可能已停止" in page and reverse("import_resume", args=[job.pk]) in page
    assert "hx-trigger" not in page  # no polling of a job nobody works on
    alice.post(reverse("import_resume", args=[job.pk]))
    _run_worker()
    job.refresh_from_db()
    assert job.status == "done" and Person.objects.filter(name="王小二").count() == 1


def test_a_monitoring_export_is_named_by_its_title(alice, tmp_path):
    from bangfu.exchange.imports import samples

    paths = samples.write_exports(tmp_path, "522633", 5, fmt="csv", only=("people",))
    upload(alice, ("监测对象.csv", paths["people"].read_bytes()))
    page = alice.get(reverse("import_job", args=[ImportJob.objects.get().pk])).content.decode()
    assert "监测系统导出表“（自定义）监测对象信息”" in page and "monitoring_people" not in page
