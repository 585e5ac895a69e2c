"""`{{ pairs|options:selected }}`: the <option> elements of a select, built in Python.

A county officer's region filter offers some 350 townships and villages; written as a template loop
it was most of the time a list page spent rendering (each option a handful of template nodes).
Here each option is one formatted string, escaped as the template would.
"""

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
        mark = " selected" if value == chosen and chosen != "" else ""
        parts.append(f'<option value="{conditional_escape(value)}"{mark}>{conditional_escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 (every value and label escaped above)
