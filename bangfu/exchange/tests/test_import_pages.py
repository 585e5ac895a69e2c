"""The import pages up to the preview: upload, the tables found, the mapping step (saved and applied
again to the next file of the same shape), refusals shown on the page, another user's job, the menu."""

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.conftest import valid_id
from bangfu.exchange.imports.tests.books import csv_bytes, xlsx
from bangfu.exchange.models import ImportJob, ImportMapping
from bangfu.exchange.tests.import_books import upload

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
    assert "缺少必填字段：证件号码" in page and "未识别" in page
    # The mapping step: one select per column, "ignore" first, the recognised ones chosen.
    assert 'name="column-3"' in page and "忽略此列" in page
    assert '<option value="name" selected>' in page
    assert reverse("import_mapping", args=[job.pk, 0]) in page
    # No preview before the mapping is made.
    assert '<button type="submit" class="primary" disabled>' in page


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
    assert "已套用保存的对应关系" in page and "缺少必填字段" not in page
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


@pytest.mark.parametrize(("username", "shown"), [
    ("alice", True), ("tom", True), ("dora", True), ("admin", True),
    ("sam", False), ("audrey", False), ("ed", False),
])
def test_the_menu_shows_import_to_those_who_edit_the_ledger(world, username, shown):
    client = client_of(getattr(world, username))
    home = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("import_upload")}"' in home) is shown
    assert client.get(reverse("import_upload")).status_code == (200 if shown else 403)
    assert client.get(reverse("import_jobs")).status_code == (200 if shown else 403)


def test_the_pages_need_a_login(db):
    for url in (reverse("import_upload"), reverse("import_jobs"), reverse("import_job", args=[1])):
        assert Client().get(url).status_code == 302
