"""What the region picker keeps between pages is forgotten when regions change in this process."""

from bangfu.regions import picker
from bangfu.regions.models import Region
from bangfu.regions.services import load_regions


def test_a_renamed_village_shows_its_new_name_on_the_next_page(world):
    assert picker.village_labels(["522633101001"])["522633101001"] == "丙妹镇 大塘村"
    Region.objects.filter(code="522633101001").update(name="新塘村")  # no signal: still the kept name
    assert picker.village_labels(["522633101001"])["522633101001"] == "丙妹镇 大塘村"
    load_regions([(1, ["522633101001", "新塘村", "5"])])
    assert picker.village_labels(["522633101001"])["522633101001"] == "丙妹镇 新塘村"


def test_region_options_follow_a_saved_region(world):
    assert ("522633101", "丙妹镇") in picker.region_options(world.alice)
    region = Region.objects.get(code="522633101000")
    region.name = "丙妹街道"
    region.save()
    assert ("522633101", "丙妹街道") in picker.region_options(world.alice)


def test_what_is_kept_expires(world, monkeypatch):
    picker.village_labels(["522633101001"])
    Region.objects.filter(code="522633101001").update(name="新塘村")
    monkeypatch.setattr(picker, "KEEP_SECONDS", -1)
    assert picker.village_labels(["522633101001"])["522633101001"] == "丙妹镇 新塘村"


def test_a_townships_own_code_is_named_once(world):
    labels = picker.village_labels(["522633101000", "522633101001"])
    assert labels == {"522633101000": "丙妹镇", "522633101001": "丙妹镇 大塘村"}
