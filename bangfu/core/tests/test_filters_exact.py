"""Exact behaviour of core.filters that users and API clients see: the messages of a refused value,
the length limits, the schema's names and patterns, and the audited search by a whole identifier."""

import pytest
from django.db.models import Q
from ninja import Schema
from pydantic import ValidationError

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.core import filters
from bangfu.core.filters import Filter, FilterError, FilterSet, Search, yes_no
from bangfu.registry.models import Household, Person
from bangfu.registry.permissions import Perm

SHADE = Filter("shade", "颜色", lambda v: Q(name=v), choices=(("red", "红"), ("blue", "蓝")))
CODE = Filter("code", "代码", lambda v: Q(region_code__startswith=v), pattern=r"[0-9]+", max_length=6,
              description="区划代码的开头")
NAME = Filter("name", "姓名", lambda v: Q(name=v), max_length=3)


def whole_id_number(text):
    return Person.id_number if len(text) == 18 else None


PEOPLE = FilterSet(
    "person_list", SHADE, CODE, NAME, yes_no("moved", "搬迁", "relocated"),
    search=Search(lambda qs, text: qs.filter(Q(name=text) | Person.id_number.lookup(text)),
                  description="姓名或身份证号", max_length=18, whole_identifier=whole_id_number,
                  reveal_perm=Perm.REVEAL_IDENTIFIER),
)


def refusal(params) -> FilterError:
    with pytest.raises(FilterError) as caught:
        PEOPLE.cleaned(params)
    return caught.value


def test_each_refusal_names_the_filter_and_the_value():
    error = refusal({"shade": "green"})
    assert (error.name, error.message, str(error)) == ("shade", "筛选条件“颜色”的值“green”不是可选的值",
                                                       "筛选条件“颜色”的值“green”不是可选的值")
    assert refusal({"code": "52a"}).message == "筛选条件“代码”的值“52a”格式不正确"
    assert refusal({"code": "5226331"}).message == "筛选条件“代码”过长"
    assert refusal({"q": "张" * 19}).message == "搜索内容过长" and refusal({"q": "张" * 19}).name == "q"


def test_the_length_limits_are_inclusive_and_count_after_trimming():
    assert PEOPLE.cleaned({"code": " 522633 ", "name": "张三丰"}) == {"code": "522633", "name": "张三丰"}
    assert refusal({"name": "张三丰四"}).name == "name"
    assert PEOPLE.cleaned({"q": " 张 三\t丰 " * 6}) == {"q": "张三丰" * 6}  # 18 after the spaces go


def test_a_pattern_must_match_the_whole_value():
    assert refusal({"code": "a52"}).name == "code"
    assert PEOPLE.cleaned({"code": "52"}) == {"code": "52"}


def test_a_blank_value_is_no_filter():
    assert PEOPLE.cleaned({"name": "   ", "code": "", "shade": None, "q": "  "}) == {}
    assert FilterSet("plain", NAME).cleaned({"q": "张三"}) == {}  # no search box: q is not a filter


def test_yes_no_is_one_for_yes_and_zero_for_no():
    moved = yes_no("moved", "搬迁", "relocated")
    assert [(v, str(label)) for v, label in moved.choices] == [("1", "是"), ("0", "否")]
    assert moved.to_q("1") == Q(relocated=True) and moved.to_q("0") == Q(relocated=False)
    error = refusal({"moved": "2"})
    assert (error.name, error.message) == ("moved", "筛选条件“搬迁”的值“2”不是可选的值")
    assert yes_no("moved", "搬迁", "relocated", description="是否易地搬迁").description == "是否易地搬迁"


def test_a_search_without_a_whole_identifier_rule_or_text_names_none():
    assert Search(lambda qs, text: qs).identifier_in(valid_id()) is None
    assert PEOPLE.search.identifier_in("") is None
    assert PEOPLE.search.identifier_in(valid_id()) is Person.id_number


def test_a_whole_identifier_search_needs_the_reveal_permission(world):
    number = valid_id(seq=11)
    with pytest.raises(FilterError) as caught:
        PEOPLE.apply(Person.objects.all(), {"q": number}, user=world.sam)
    assert caught.value.name == "q"
    assert caught.value.message == "按完整的身份证号查找须有查看完整号码的权限，请按姓名或后四位查找"
    with pytest.raises(FilterError):
        PEOPLE.apply(Person.objects.all(), {"q": number})  # no user: refused, not let through
    without_perm = FilterSet("x", search=Search(PEOPLE.search.apply, whole_identifier=whole_id_number))
    with pytest.raises(FilterError):
        without_perm.apply(Person.objects.all(), {"q": number}, user=world.alice)
    assert not AuditEntry.objects.filter(action=Action.REVEAL).exists()


def test_each_record_a_whole_identifier_search_finds_is_an_audited_reveal(world):
    number = valid_id(seq=11)
    found = PEOPLE.apply(Person.objects.all(), {"q": number}, user=world.alice)
    assert list(found) == [world.person]
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.field, entry.object_id) == ("alice", "id_number", str(world.person.pk))
    assert entry.detail == {"reason": "按完整号码查找"}
    # A search by name reveals nothing.
    assert list(PEOPLE.apply(Person.objects.all(), {"q": "张三丰"}, user=world.sam)) == [world.person]
    assert AuditEntry.objects.filter(action=Action.REVEAL).count() == 1


def test_a_whole_identifier_search_announces_at_most_fifty_records(world, monkeypatch):
    announced = []
    monkeypatch.setattr(filters.identifier_revealed, "send", lambda **kwargs: announced.append(kwargs))
    Household.objects.bulk_create(Household(number=f"5226331010019{i:03d}", region_code="522633101001")
                                  for i in range(51))
    every = FilterSet("x", search=Search(lambda qs, text: qs.order_by("pk"), whole_identifier=whole_id_number,
                                         reveal_perm=Perm.REVEAL_IDENTIFIER))
    found = every.apply(Household.objects.all(), {"q": valid_id()}, user=world.admin, request="req")
    assert found.count() == 51
    assert [a["obj"] for a in announced] == list(Household.objects.order_by("pk")[:50])
    assert {(a["sender"], a["user"], a["field"], a["request"]) for a in announced} == {
        (Household, world.admin, "id_number", "req")}


def test_the_audit_log_keeps_a_whole_identifier_masked_and_anything_else_as_given():
    number = valid_id(seq=11)
    assert PEOPLE.for_log({"q": number, "code": "52"}) == {"q": Person.id_number.mask_text(number), "code": "52"}
    assert PEOPLE.for_log({"q": "张三丰"}) == {"q": "张三丰"}
    assert PEOPLE.for_log({"code": "52"}) == {"code": "52"}
    assert FilterSet("plain", CODE).for_log({"code": "52"}) == {"code": "52"}


def test_the_schema_is_named_for_the_list_and_describes_each_parameter():
    schema = PEOPLE.schema()
    assert schema.__name__ == "PersonListFilters" and issubclass(schema, Schema)
    assert schema().model_dump() == dict.fromkeys(["shade", "code", "name", "moved", "q"])  # all optional
    properties = schema.model_json_schema()["properties"]
    assert properties["code"]["description"] == "区划代码的开头"
    assert properties["shade"]["description"] == "颜色"  # the label when there is no description
    assert properties["q"]["description"] == "姓名或身份证号"
    assert schema(code="522633", name="张三丰", q="张" * 18).code == "522633"
    for bad in ({"code": "5226331"}, {"code": "a52"}, {"code": "52a"}, {"name": "张三丰四"}, {"name": "张\n"},
                {"q": "张" * 19}, {"q": "张\x00"}, {"moved": "yes"}):
        with pytest.raises(ValidationError):
            schema(**bad)


def test_a_filter_and_a_search_take_fifty_characters_unless_told_otherwise():
    text = Filter("text", "文本", lambda v: Q(name=v))
    assert text.parse("字" * 50) == "字" * 50
    with pytest.raises(FilterError, match="筛选条件“文本”过长"):
        text.parse("字" * 51)
    plain = FilterSet("plain", search=Search(lambda qs, t: qs))
    assert plain.cleaned({"q": "字" * 50}) == {"q": "字" * 50}
    with pytest.raises(FilterError, match="搜索内容过长"):
        plain.cleaned({"q": "字" * 51})
    schema = plain.schema()
    assert schema(q="字" * 50).q == "字" * 50
    with pytest.raises(ValidationError):
        schema(q="字" * 51)
