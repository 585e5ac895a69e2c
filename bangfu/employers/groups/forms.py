"""Page forms of sites and cooperatives: they collect the values; the rules (groups.rules) decide,
so the pages, the API and the CLI refuse alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.employers import choices as c
from bangfu.employers.models import Programme
from bangfu.employers.organisations import picker

DATE = forms.DateInput(attrs={"type": "date"})


class PicksEmployer:
    """A form with the employer picker (organisations.picker): its search box is not data for the
    rules, and a search typed with no employer chosen is refused by the picker."""

    def clean_employer(self):
        return picker.check_pick(self, self.cleaned_data.get("employer") or "")

    def data_for_rules(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "employer_q"}


def _blank(choices):
    return [("", "—"), *choices]


class SiteForm(PicksEmployer, forms.Form):
    name = forms.CharField(label=_("名称"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_blank(c.SiteKind.choices))
    level = forms.ChoiceField(label=_("命名层级"), required=False, choices=_blank(c.Level.choices))
    region_code = forms.ChoiceField(label=_("所在地"), required=False)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    employer_q = picker.search_field()
    employer = forms.CharField(label=_("运营单位"), required=False, max_length=18,
                               help_text=_("已登记的用人单位，可不选"))
    named_on = forms.CharField(label=_("命名日期"), required=False, widget=DATE)
    named_by = forms.CharField(label=_("命名单位"), required=False, max_length=100)
    programmes = forms.MultipleChoiceField(label=_("所属项目"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = _blank(places)
        self.fields["programmes"].choices = [(str(p.pk), p.name) for p in Programme.objects.order_by("name")]


class CooperativeForm(PicksEmployer, forms.Form):
    name = forms.CharField(label=_("合作社名称"), required=False, max_length=200)
    region_code = forms.ChoiceField(label=_("所在地"), required=False)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    employer_q = picker.search_field()
    employer = forms.CharField(label=_("登记主体"), required=False, max_length=18,
                               help_text=_("合作社登记为用人单位时，选择该单位"))
    chair = forms.CharField(label=_("理事长"), required=False, max_length=50)
    founded_on = forms.CharField(label=_("成立日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = _blank(places)


class SiteMemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("关系"), required=False, choices=_blank(c.SiteRelation.choices))
    start_date = forms.CharField(label=_("开始日期"), required=False, widget=DATE)
    end_date = forms.CharField(label=_("结束日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class CoopMemberForm(forms.Form):
    joined_on = forms.CharField(label=_("入社日期"), required=False, widget=DATE)


class EndForm(forms.Form):
    end = forms.CharField(label=_("结束日期"), required=False, widget=DATE)


class LeaderForm(forms.Form):
    member = forms.ChoiceField(label=_("成员"), required=False)
    start_date = forms.CharField(label=_("任职日期"), required=False, widget=DATE)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _blank(members)


class DispatchForm(PicksEmployer, forms.Form):
    leader = forms.ChoiceField(label=_("带队劳务队长"), required=False)
    destination = forms.ChoiceField(label=_("输出去向"), required=False, choices=_blank(c.Destination.choices))
    city = forms.CharField(label=_("协作城市"), required=False, max_length=100,
                           help_text=_("东西部协作城市，如 杭州市萧山区"))
    city_code = forms.CharField(label=_("城市区划代码"), required=False, max_length=12)
    employer_q = picker.search_field()
    employer = forms.CharField(label=_("用人单位"), required=False, max_length=18,
                               help_text=_("去向为已登记的用人单位时选择"))
    employer_name = forms.CharField(label=_("用人单位名称"), required=False, max_length=200,
                                    help_text=_("单位未登记时填写名称"))
    start_date = forms.CharField(label=_("出发日期"), required=False, widget=DATE)
    end_date = forms.CharField(label=_("返回日期"), required=False, widget=DATE)
    planned_months = forms.CharField(label=_("计划务工月数"), required=False, max_length=3)
    people = forms.MultipleChoiceField(label=_("输出人员"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(self, *args, leaders=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = _blank(leaders)
        self.fields["people"].choices = list(members)


class AppraisalForm(forms.Form):
    region_code = forms.ChoiceField(label=_("区划"), required=False)
    year = forms.CharField(label=_("年度"), required=False, max_length=4)
    half = forms.ChoiceField(label=_("半年"), required=False,
                             choices=(("", "—"), ("1", _("上半年")), ("2", _("下半年"))))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = _blank(regions)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), required=False, max_length=50)
    description = forms.CharField(label=_("说明"), required=False, max_length=200)
