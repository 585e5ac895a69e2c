"""`{{ pairs|options:selected }}`: the <option> elements of a select, built in Python.

A county officer's region filter offers some 350 townships and villages; written as a template loop
it was most of the time a list page spent rendering (each option a handful of template nodes).
Here each option is one formatted string, escaped as the template would.
"""

import functools

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def options(pairs, selected=""):
    """(value, label) pairs as options, the one whose value equals `selected` (compared as text)
    marked selected."""
    chosen = "" if selected is None else str(selected)
    parts = []
    for value, label in pairs:
        value = str(value)
        start, end = _option(value, str(label))
        parts.append(f"{start} selected{end}" if value == chosen and chosen != "" else start + end)
    return mark_safe("".join(parts))  # noqa: S308 (every value and label escaped in _option)


@functools.lru_cache(maxsize=8192)
def _option(value: str, label: str) -> tuple[str, str]:
    """An option's HTML, escaped, in two halves around where "selected" goes (the same few
    hundred places are offered on every page)."""
    return f'<option value="{conditional_escape(value)}"', f">{conditional_escape(label)}</option>"
