"""Villages found by name (with the township when two share a name) or by code, only inside the
importing user's region; where a job is relative to the home county."""

import pytest

from bangfu.conftest import REGIONS
from bangfu.exchange.imports.places import Places, work_area
from bangfu.exchange.imports.values import ValueProblem
from bangfu.regions.services import ensure_regions
from bangfu.registry import choices as c

TWINS = [("522633101003", "新寨村", 5), ("522633102002", "新寨村", 5)]


@pytest.fixture
def places(db):
    ensure_regions([*REGIONS, *TWINS])
    return Places("522633")


def test_it_finds_a_village_by_name_with_or_without_its_suffix(places):
    assert places.village(village="大塘村") == "522633101001"
    assert places.village(village="大塘") == "522633101001"
    assert places.village(county="从江县", township="丙妹", village="大塘村委会") == "522633101001"


def test_it_rejects_an_ambiguous_name_with_the_candidates(places):
    with pytest.raises(ValueProblem) as caught:
        places.village(village="新寨村")
    message = str(caught.value)
    assert "2 个同名村" in message
    assert "丙妹镇新寨村（522633101003）" in message and "贯洞镇新寨村（522633102002）" in message


def test_the_township_settles_an_ambiguous_name(places):
    assert places.village(township="贯洞镇", village="新寨村") == "522633102002"


def test_it_finds_a_village_by_code_and_refuses_one_outside_the_region(places):
    assert places.village(code="５２２６３３１０１００２") == "522633101002"
    with pytest.raises(ValueProblem, match="不在您的管辖范围内"):
        places.village(code="522631101001")
    with pytest.raises(ValueProblem, match="不存在"):
        places.village(code="522633101999")
    with pytest.raises(ValueProblem, match="12 位村级"):
        places.village(code="522633101000")


def test_a_village_of_another_county_is_not_found_by_name(places):
    with pytest.raises(ValueProblem, match="找不到“德凤街道高屯村”"):
        places.village(township="德凤街道", village="高屯村")
    assert Places("522631").village(village="高屯村") == "522631101001"


def test_a_wrong_county_name_finds_nothing(places):
    with pytest.raises(ValueProblem, match="找不到"):
        places.village(county="黎平县", village="大塘村")


@pytest.mark.parametrize(("place", "area"), [
    ("贵州省黔东南州从江县", c.EmploymentStatus.IN_COUNTY), ("从江县丙妹镇", c.EmploymentStatus.IN_COUNTY),
    ("贵州省贵阳市", c.EmploymentStatus.OUT_COUNTY), ("贵阳市", c.EmploymentStatus.OUT_COUNTY),
    ("广东省东莞市", c.EmploymentStatus.OUT_PROVINCE), ("浙江宁波", c.EmploymentStatus.OUT_PROVINCE),
    ("441900", c.EmploymentStatus.OUT_PROVINCE), ("522633", c.EmploymentStatus.IN_COUNTY),
])
def test_it_places_the_work_county_relative_to_home(place, area):
    assert work_area("522633", place=place) == area


def test_the_work_area_word_wins_and_an_unknown_place_is_reported():
    assert work_area("522633", area_word="省外", place="从江县") == c.EmploymentStatus.OUT_PROVINCE
    with pytest.raises(ValueProblem, match="无法判断"):
        work_area("522633", place="某工地")
    with pytest.raises(ValueProblem, match="不是可识别的值"):
        work_area("522633", area_word="外地")
