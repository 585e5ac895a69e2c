"""The township → village picker of the ledger's forms.

Two selects: `township` lists the townships within the user's reach, `region_code` the villages
of the chosen township. With JavaScript, htmx reloads the village options when the township
changes; without it, submitting a township whose villages do not include the chosen one
re-renders the form with that township's villages (and nothing is saved).
"""

from django import forms
from django.utils.translation import gettext as _

from bangfu.core.permissions import reach_of
from bangfu.regions import codes
from bangfu.regions.models import Region

# Above this many townships (a province-wide or national account) the picker would be unusable:
# the form keeps the 12-digit code box.
MAX_TOWNSHIPS = 1500
TOWNSHIP_DIGITS = codes.LEVEL_DIGITS[codes.TOWNSHIP]
BLANK = ("", "—")


def _reach(user) -> str | None:
    """The prefix the user may pick under (a village surveyor picks among their township's
    villages, but only their own)."""
    return reach_of(user).region_prefix


def townships(user) -> list[tuple[str, str]] | None:
    """(code, label) of the townships the user may pick, or None when there are too many."""
    prefix = _reach(user)
    if prefix is None:
        return []
    nodes = Region.objects.filter(level=codes.TOWNSHIP)
    if prefix:
        nodes = nodes.filter(codes.within(prefix[:TOWNSHIP_DIGITS], "code"))
    rows = list(nodes.order_by("code").values_list("code", "name")[: MAX_TOWNSHIPS + 1])
    if len(rows) > MAX_TOWNSHIPS:
        return None
    if len(prefix) >= codes.LEVEL_DIGITS[codes.COUNTY]:
        return rows
    # Above a county, two townships may share a name: say which county each is in.
    counties = dict(Region.objects.filter(code__in={codes.full_code(code[:6]) for code, _ in rows})
                    .values_list("code", "name"))
    return [(code, f"{counties.get(codes.full_code(code[:6]), '')} {name}".strip()) for code, name in rows]


def villages(user, township: str) -> list[tuple[str, str]]:
    """(code, name) of the villages of one township that the user may pick."""
    prefix = _reach(user)
    if prefix is None or not codes.is_valid_code(township) or codes.level_of(township) != codes.TOWNSHIP:
        return []
    nodes = Region.objects.filter(level=codes.VILLAGE, parent_code=township)
    if prefix:
        nodes = nodes.filter(codes.within(prefix, "code"))
    return list(nodes.order_by("code").values_list("code", "name"))


def attach(form: forms.Form, user, current: str = "", *, options_url: str = "") -> None:
    """Turn the form's `township` and `region_code` fields into the picker. `current` is the
    record's village (edits start from it); `options_url` answers a township's village options."""
    choices = townships(user)
    if choices is None:
        del form.fields["township"]
        return
    posted_village = (form.data.get("region_code") or "").strip() if form.is_bound else ""
    township = (form.data.get("township") or "").strip() if form.is_bound else ""
    township = township or (posted_village or current)[:TOWNSHIP_DIGITS]
    township = codes.full_code(township) if township else ""
    form.fields["township"].choices = [BLANK, *choices]
    if options_url:
        form.fields["township"].widget.attrs.update(
            {"hx-get": options_url, "hx-target": "#id_region_code", "hx-swap": "innerHTML"})
    form.fields["township"].initial = township
    form.initial["township"] = township
    village_field = form.fields["region_code"]
    village_field.widget = forms.Select(choices=[BLANK, *villages(user, township)])
    form.picked_township = township


def check_pick(form: forms.Form, value: str, required: bool) -> str:
    """The village field's own check: a village of the chosen township (the rules in
    validation check the rest: that the code exists and is within the user's reach)."""
    township = getattr(form, "picked_township", "")
    if township and value and not value.startswith(township[:TOWNSHIP_DIGITS]):
        raise forms.ValidationError(_("请在所选乡镇的村中选择所在村"))
    if township and not value and required:
        raise forms.ValidationError(_("请选择所在村"))
    return value
