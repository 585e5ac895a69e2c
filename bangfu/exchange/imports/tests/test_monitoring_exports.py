"""The four monitoring-system exports, as samples.py writes them from the synthetic generator, read
back with no mapping: every row a clean record in the ledger's vocabulary."""

import datetime

import pytest

from bangfu.exchange.imports import samples
from bangfu.exchange.imports.places import Places
from bangfu.exchange.imports.records import group_households, person_data
from bangfu.exchange.imports.tables import read_tables
from bangfu.regions.services import ensure_regions
from bangfu.registry import choices as c

COUNTY = "522633"
TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return samples.write_exports(tmp_path_factory.mktemp("exports"), COUNTY, 300, today=TODAY)


@pytest.fixture
def exports(db, files):
    ensure_regions(samples.county_regions(COUNTY))
    return files


def _records(path, prefix=COUNTY):
    table = read_tables(path)[0]
    return table, list(table.records(Places(prefix)))


def test_it_recognises_each_export_by_its_headers_below_two_title_rows(exports):
    for name, export in [("people", "monitoring_people"), ("households", "monitoring_households"),
                         ("jobs", "monitoring_jobs"), ("plans", "monitoring_plans")]:
        table = read_tables(exports[name])[0]
        assert table.export.name == export
        assert table.header.row == 3
        assert not table.needs_mapping
        assert not table.recognition.unrecognised, table.recognition.unrecognised


def test_it_reads_every_person_of_the_people_export_cleanly(exports):
    table, records = _records(exports["people"])
    assert len(records) == 300
    assert [r.errors for r in records if r.errors] == []
    assert records[0].row == 4
    assert {r.values["region_code"][:6] for r in records} == {COUNTY}
    statuses = {r.values["poverty_status"] for r in records}
    assert statuses <= set(c.PovertyStatus.values) and c.PovertyStatus.FORMERLY_POOR in statuses
    assert {r.values["labour_ability"] for r in records} == set(c.LabourAbility.values)
    data = person_data(records[0])
    assert set(data) >= {"name", "id_number", "relationship", "region_code", "labour_ability", "poverty_status"}


def test_it_groups_the_people_into_households_with_one_head_each(exports):
    _table, people = _records(exports["people"])
    _table, households = _records(exports["households"])
    groups, loose = group_households(people)
    assert loose == []
    assert len(groups) == len(households)
    assert all(g.head is not None and not g.problems for g in groups)
    heads = {g.number: g.head.values["id_number"] for g in groups}
    assert heads == {h.values["household_number"]: h.values["id_number"] for h in households}


def test_it_reads_job_spells_with_their_area_and_open_end(exports):
    _table, jobs = _records(exports["jobs"])
    assert jobs and all(r.ok for r in jobs), [r.errors for r in jobs if r.errors][:3]
    assert {r.values["area"] for r in jobs} <= {c.EmploymentStatus.IN_COUNTY, c.EmploymentStatus.OUT_COUNTY,
                                                   c.EmploymentStatus.OUT_PROVINCE}
    assert all(r.values["start"].day == 1 and "end" not in r.values for r in jobs)


def test_the_same_exports_read_alike_as_gbk_csv(db, tmp_path):
    ensure_regions(samples.county_regions(COUNTY))
    paths = samples.write_exports(tmp_path, COUNTY, 60, fmt="csv", encoding="gbk", today=TODAY, seed=2)
    assert paths["people"].read_bytes()[:3] != b"\xef\xbb\xbf"
    table, records = _records(paths["people"])
    assert table.export.name == "monitoring_people" and table.header.row == 3
    assert len(records) == 60 and all(r.ok for r in records)


def test_an_xls_export_with_its_two_title_rows_reads_the_same(db, files, tmp_path):
    from python_calamine import CalamineWorkbook

    from bangfu.exchange.imports.tests.books import xls

    ensure_regions(samples.county_regions(COUNTY))
    rows = CalamineWorkbook.from_path(str(files["jobs"])).get_sheet_by_index(0).to_python()[:12]
    path = tmp_path / "jobs.xls"
    path.write_bytes(xls(rows))
    table, records = _records(path)
    assert table.export.name == "monitoring_jobs"
    assert [r.row for r in records] == list(range(4, 13))
    assert all(r.ok for r in records), [r.errors for r in records]


def test_it_writes_only_the_exports_asked_for_with_the_same_people(exports, tmp_path):
    paths = samples.write_exports(tmp_path, COUNTY, 300, fmt="xlsx", today=TODAY, only=("people",))
    assert list(paths) == ["people"] and [p.name for p in tmp_path.iterdir()] == [paths["people"].name]
    assert [r.cells for r in _records(paths["people"])[1]] == [r.cells for r in _records(exports["people"])[1]]
