"""The forms of the employment pages (the rules are the actions'; these only parse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.employers import choices as c


class DateInput(forms.DateInput):
    input_type = "date"


class StartForm(forms.Form):
    employer = forms.TypedChoiceField(label=_("用人单位"), coerce=int)
    workshop = forms.TypedChoiceField(label=_("车间"), coerce=int, required=False, empty_value=None)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    start_date = forms.DateField(label=_("入职日期"), widget=DateInput)
    job_title = forms.CharField(label=_("岗位"), max_length=100, required=False)
    agreement = forms.ChoiceField(label=_("用工形式"), choices=c.Agreement.choices)
    agreement_months = forms.IntegerField(label=_("合同期限（月）"), required=False)
    weekly_hours = forms.IntegerField(label=_("每周工时"), required=False)

    def __init__(self, *args, employers=(), workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]
        self.fields["workshop"].choices = [("", _("（不属于车间）")),
                                           *((w.pk, f"{w.employer.name} · {w.name}") for w in workshops)]

    def data_for_action(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("employer")
        return data


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("离职日期"), widget=DateInput)
