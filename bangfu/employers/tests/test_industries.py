from bangfu.employers.industries import load_industries, section_of
from bangfu.employers.models import Industry


def test_the_migration_loads_every_section_and_division(db):
    assert Industry.objects.filter(level=1).count() == 20
    assert Industry.objects.filter(level=2).count() == 97
    textiles = Industry.objects.get(code="17")
    assert (textiles.name, textiles.section, textiles.parent.code) == ("纺织业", "C", "C")


def test_it_places_each_division_in_its_section():
    assert [section_of(code) for code in ("01", "05", "06", "43", "44", "70", "96", "97")] == list("AABCDKST")
    assert section_of("98") is None


def test_it_loads_finer_classes_under_their_parents_in_any_order_and_is_rerunnable(db):
    rows = [(2, "1711", "棉纺纱加工"), (1, "171", "棉纺织及印染精加工")]
    assert load_industries(rows).loaded == 2
    assert Industry.objects.get(code="1711").parent.code == "171"
    assert load_industries(rows).loaded == 2
    assert Industry.objects.filter(code__startswith="171").count() == 2


def test_it_rejects_bad_rows_with_their_line_and_reason_and_keeps_the_good_ones(db):
    result = load_industries([(2, "0599", "无上级"), (3, "1X", "坏代码"), (4, "131", ""), (5, "132", "饲料加工")])
    assert result.loaded == 1
    assert [(line, code) for line, code, _reason in result.rejected] == [(2, "0599"), (3, "1X"), (4, "131")]
    assert "上级分类059不存在" in result.rejected[0][2]
    assert Industry.objects.filter(code="132").exists()
