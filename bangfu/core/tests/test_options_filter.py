"""The options filter: every value and label escaped, the chosen one marked, compared as text."""

from django.template import Context, Template


def _render(pairs, selected):
    return Template("{% load options %}{{ pairs|options:selected }}").render(Context({"pairs": pairs,
                                                                                        "selected": selected}))


def test_it_marks_the_chosen_value_and_escapes_everything():
    html = _render([("a", "甲"), ('"><script>', "<b>乙</b>")], "a")
    assert html == ('<option value="a" selected>甲</option>'
                    '<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;乙&lt;/b&gt;</option>')


def test_values_compare_as_text_and_nothing_is_chosen_for_an_empty_value():
    assert _render([(1, "一"), (2, "二")], "2") == '<option value="1">一</option><option value="2" selected>二</option>'
    assert "selected" not in _render([("", "全部"), ("x", "X")], "")
    assert "selected" not in _render([("", "全部")], None)
