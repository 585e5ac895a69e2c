import csv
import io

import pytest
from django.core.management import call_command

from bangfu.regions import codes, divisions, synthetic
from bangfu.regions.models import Region
from bangfu.regions.services import load_regions_file

GOOD = [
    ("520000000000", "贵州省", "1", ""),
    ("522600000000", "黔东南苗族侗族自治州", "2", "520000000000"),
    ("522633000000", "从江县", "3", "522600000000"),
    ("522633101000", "丙妹镇", "4", "522633000000"),
    ("522633101001", "大塘村", "5", "522633101000"),
    ("522632000000", "榕江县", "3", "522600000000"),
    ("522634000000", "雷山县", "3", "522600000000"),
]


def write(path, rows, header=True):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(synthetic.HEADER)
        writer.writerows(rows)
    return path


def test_it_loads_a_csv_and_a_rerun_changes_nothing(db, tmp_path):
    path = write(tmp_path / "regions.csv", GOOD)
    first = load_regions_file(path)
    rows = list(Region.objects.values_list("code", "name", "level", "parent_code"))
    second = load_regions_file(path)
    assert first.loaded == second.loaded == len(GOOD) and not first.rejected
    assert list(Region.objects.values_list("code", "name", "level", "parent_code")) == rows
    assert Region.objects.get(code="522633101001").parent_code == "522633101000"


def test_the_header_line_is_skipped(db, tmp_path):
    result = load_regions_file(write(tmp_path / "regions.csv", GOOD[:1]))
    assert result.loaded == 1 and not result.rejected
    headless = load_regions_file(write(tmp_path / "bare.csv", GOOD[1:2], header=False))
    assert headless.loaded == 1 and not headless.rejected


def test_bad_rows_are_rejected_with_line_numbers_and_good_rows_load(db, tmp_path):
    rows = [
        *GOOD[:3],
        ("52263310100", "短代码", "4", ""),  # line 5: 11 digits
        ("522633102000", "", "4", ""),  # line 6: no name
        ("522633103000", "洛香镇", "9", ""),  # line 7: no such level
        ("522633104000", "下江镇", "乡镇", "52263300000X"),  # line 8: bad parent
        ("522633105000", "宰便镇", "township", ""),
    ]
    path = write(tmp_path / "regions.csv", rows)
    out = io.StringIO()
    call_command("regions", "load", str(path), stdout=out)
    assert "loaded 4 regions" in out.getvalue() and "rejected 4 rows" in out.getvalue()
    assert set(Region.objects.values_list("code", flat=True)) == {
        "520000000000", "522600000000", "522633000000", "522633105000"}
    assert Region.objects.get(code="522633105000").parent_code == "522633000000"
    with (tmp_path / "regions.csv.rejects.csv").open(encoding="utf-8-sig") as handle:
        rejects = list(csv.reader(handle))
    assert rejects[0][0] == "line" and [row[0] for row in rejects[1:]] == ["5", "6", "7", "8"]
    assert all(row[-1].startswith(f"第 {row[0]} 行") for row in rejects[1:])
    assert "12 位数字" in rejects[1][-1] and "名称为空" in rejects[2][-1]


def test_the_rejects_file_can_be_named_and_is_absent_without_rejects(db, tmp_path):
    path = write(tmp_path / "regions.csv", [*GOOD, ("1", "坏", "1", "")])
    out = io.StringIO()
    call_command("regions", "load", str(path), "--rejects", str(tmp_path / "bad.csv"), stdout=out)
    assert (tmp_path / "bad.csv").exists() and "rejected 1 rows" in out.getvalue()
    clean = write(tmp_path / "clean.csv", GOOD)
    call_command("regions", "load", str(clean), stdout=io.StringIO())
    assert not (tmp_path / "clean.csv.rejects.csv").exists()


def test_within_finds_exactly_the_records_under_a_county(db, tmp_path):
    load_regions_file(write(tmp_path / "regions.csv", GOOD))
    under = Region.objects.filter(codes.within("522633", "code"))
    assert set(under.values_list("code", flat=True)) == {"522633000000", "522633101000", "522633101001"}
    assert Region.objects.filter(codes.within("", "code")).count() == len(GOOD)
    assert codes.code_range("522633101") == ("522633101000", "522633101999")


@pytest.mark.parametrize(("code", "level", "prefix"), [
    ("520000000000", codes.PROVINCE, "52"),
    ("522600000000", codes.CITY, "5226"),
    ("522633000000", codes.COUNTY, "522633"),
    ("522633101000", codes.TOWNSHIP, "522633101"),
    ("522633101001", codes.VILLAGE, "522633101001"),
])
def test_level_and_prefix_are_read_from_the_code(code, level, prefix):
    assert codes.level_of(code) == level
    assert codes.prefix_of(code) == prefix
    assert codes.full_code(prefix) == code


def test_divisions_know_congjiang_and_its_parents():
    table = divisions.county_level_divisions()
    assert table["522633"] == ("从江县", codes.COUNTY)
    names = [name for _code, name, _level in divisions.county_path("522633")]
    assert names == ["贵州省", "黔东南苗族侗族自治州", "从江县"]
    assert divisions.county_path("522633")[1][0] == "522600000000"
    with pytest.raises(KeyError):
        divisions.county_path("522600")


def test_synthetic_county_nodes_are_deterministic_and_shaped_like_real_codes():
    nodes = synthetic.county_nodes("522633")
    assert nodes == synthetic.county_nodes("522633") != synthetic.county_nodes("522633", seed=2)
    townships = [n for n in nodes if n[2] == codes.TOWNSHIP]
    villages = [n for n in nodes if n[2] == codes.VILLAGE]
    assert townships[0][:2] == ("522633101000", "丙妹镇")
    assert all(name.endswith(("镇", "乡", "街道")) for _code, name, _level in townships)
    assert all(name.endswith(("村", "社区")) for _code, name, _level in villages)
    assert all(codes.level_of(code) == level and code.startswith("522633") for code, _name, level in nodes)
    assert all(code[9:] < "200" for code, name, _level in villages if name.endswith("村"))
    assert len({code for code, _name, _level in nodes}) == len(nodes)


def test_the_national_csv_has_the_right_shape_on_one_province(tmp_path):
    path = tmp_path / "guizhou.csv"
    count = synthetic.write_national_csv(path, provinces=["52"])
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == synthetic.HEADER and len(rows) == count + 1
    by_code = {row[0]: row for row in rows[1:]}
    assert len(by_code) == count
    levels = [int(row[2]) for row in rows[1:]]
    counties = levels.count(codes.COUNTY)
    assert counties == sum(1 for code, (_n, lv) in divisions.county_level_divisions().items()
                           if code.startswith("52") and lv == codes.COUNTY)
    assert 10 < levels.count(codes.TOWNSHIP) / counties < 18
    assert 12 < levels.count(codes.VILLAGE) / levels.count(codes.TOWNSHIP) < 22
    for code, _name, level, parent in rows[1:]:
        assert codes.is_valid_code(code) and codes.level_of(code) == int(level)
        if level != "1":
            assert parent in by_code and by_code[parent][2] == str(int(level) - 1)


def test_every_real_division_has_its_parent():
    table = divisions.county_level_divisions()
    assert "522300" in table and "210200" in table
    orphans = [code for code, (_name, level) in table.items() if level == codes.COUNTY and code[:4] + "00" not in table]
    assert orphans == []


def test_the_national_csv_can_stop_early_and_loads(db, tmp_path):
    path = tmp_path / "sample.csv"
    assert synthetic.write_national_csv(path, limit=500) == 500
    result = load_regions_file(path)
    assert result.loaded == 500 and not result.rejected
    assert Region.objects.filter(level=codes.VILLAGE).exists()


def test_the_synth_command_writes_a_file(tmp_path):
    out = io.StringIO()
    call_command("regions", "synth", "--out", str(tmp_path / "x.csv"), "--province", "65", stdout=out)
    assert "wrote" in out.getvalue() and (tmp_path / "x.csv").stat().st_size > 10_000
