"""A FilterSet: what it accepts, how it narrows, and the API schema it gives."""

import pytest
from django.db.models import Q
from pydantic import ValidationError

from bangfu.core.filters import Filter, FilterError, FilterSet, Search, yes_no
from bangfu.registry.models import Person

COLOURS = FilterSet(
    "colour",
    Filter("shade", "颜色", lambda v: Q(name=v), choices=(("red", "红"), ("blue", "蓝"))),
    Filter("code", "代码", lambda v: Q(region_code__startswith=v), pattern=r"[0-9]{1,6}", max_length=6),
    yes_no("flag", "标记", "relocated"),
    search=Search(lambda qs, text: qs.filter(name__startswith=text), max_length=5),
)


def test_it_keeps_the_given_values_and_ignores_the_rest():
    assert COLOURS.cleaned({"shade": "red", "code": " 52 ", "flag": "", "page": "3", "q": " 张 三 "}) == {
        "shade": "red", "code": "52", "q": "张三"}


@pytest.mark.parametrize(("params", "name"), [
    ({"shade": "green"}, "shade"), ({"code": "5a"}, "code"), ({"code": "1234567"}, "code"),
    ({"flag": "yes"}, "flag"), ({"q": "张三丰张三丰"}, "q"),
])
def test_it_refuses_a_value_it_does_not_accept(params, name):
    with pytest.raises(FilterError) as caught:
        COLOURS.cleaned(params)
    assert caught.value.name == name


def test_the_message_names_the_filter_and_the_value():
    with pytest.raises(FilterError, match="颜色.*green"):
        COLOURS.cleaned({"shade": "green"})


def test_apply_narrows_by_each_filter_and_the_search(world):
    people = Person.objects.all()
    assert set(COLOURS.apply(people, {"code": "522633"})) == {world.person, world.other_village_person}
    assert set(COLOURS.apply(people, {"code": "522633", "q": "李"})) == {world.other_village_person}
    assert list(COLOURS.apply(people, {"flag": "1"})) == []
    assert set(COLOURS.apply(people, {"flag": "0"})) == set(people)


def test_the_schema_takes_what_the_filters_take():
    schema = COLOURS.schema()
    assert schema(shade="red", code="52", flag="1", q="张").model_dump(exclude_none=True) == {
        "shade": "red", "code": "52", "flag": "1", "q": "张"}
    for bad in ({"shade": "green"}, {"code": "5a"}, {"flag": "2"}, {"q": "x" * 6}):
        with pytest.raises(ValidationError):
            schema(**bad)
