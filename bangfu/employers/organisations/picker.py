"""The employer picker of the forms that name an employer (a site's operator, a cooperative's
registered body, a dispatch's employer), shaped like the ledger's village picker.

Two fields: `<field>_q`, a search box (a part of the name, or the leading characters of the
unified social credit code, as the employer list searches), and `<field>`, a select of the
employers found among those the user may see. With JavaScript, htmx reloads the select's options
as the user types; without it, a search submitted with no employer chosen re-renders the form
with the matches in the select (and nothing is saved). Either way the rules check the employer
chosen again (groups.actions._employer: absent and "not yours" alike).
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.employers.models import Employer
from bangfu.employers.organisations import filters, selectors

MAX_OPTIONS = 20
BLANK = ("", "—")


def search_field(**kwargs) -> forms.CharField:
    return forms.CharField(label=gettext_lazy("查找用人单位"), required=False, max_length=50,
                           help_text=gettext_lazy("输入单位名称的一部分或统一社会信用代码的前几位"), **kwargs)


def label(employer: Employer) -> str:
    return f"{employer.name}（{employer.credit_code}）"


def matching(user, text: str, limit: int = MAX_OPTIONS, among=None) -> list[Employer]:
    """The employers the user sees (or those of `among`) whose name holds the text or whose credit
    code starts with it."""
    text = (text or "").strip()[:50]
    if not text:
        return []
    found = filters.search_employers(selectors.employers_for_user(user) if among is None else among, text)
    return list(found.order_by("name", "id")[:limit])


def visible(user, value, among=None) -> Employer | None:
    """The employer of this id if the user sees it (a form re-shown keeps its name in the select)."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 18):
        return None
    return (selectors.employers_for_user(user) if among is None else among).filter(pk=int(value)).first()


def attach(form: forms.Form, user, current: Employer | None = None, *, options_url: str,
           field: str = "employer", among=None) -> None:
    """Make `field` the select and `<field>_q` its search box. `current` is the record's employer
    (an edit starts from it); `options_url` answers the options of a search (htmx); `among`, the
    employers to offer when not all those the user sees."""
    query = f"{field}_q"
    form.fields[query].widget = forms.TextInput(attrs={
        "type": "search", "autocomplete": "off", "placeholder": _("单位名称或信用代码"),
        "hx-get": options_url, "hx-trigger": "input changed delay:300ms, search",
        "hx-target": f"#id_{field}", "hx-swap": "innerHTML"})
    text = (form.data.get(query) or "").strip() if form.is_bound else ""
    chosen = visible(user, form.data.get(field) if form.is_bound else getattr(current, "pk", ""), among)
    found = matching(user, text, among=among)
    shown = ([chosen] if chosen else []) + [e for e in found if e != chosen]
    form.fields[field].widget = forms.Select(choices=[BLANK, *((e.pk, label(e)) for e in shown)])
    form.fields[field].initial = getattr(current, "pk", "")
    form.employer_search = (text, found)


def check_pick(form: forms.Form, value: str) -> str:
    """The select's own check (from the form's clean_<field>): a search typed but nothing chosen
    says what was found rather than saving the record without an employer."""
    text, found = getattr(form, "employer_search", ("", []))
    if text and not value:
        if not found:
            raise forms.ValidationError(_("没有找到与“%(q)s”匹配的、您可查看的用人单位") % {"q": text})
        raise forms.ValidationError(_("请在列表中选择与“%(q)s”匹配的用人单位") % {"q": text})
    return value
