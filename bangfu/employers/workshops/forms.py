"""Page forms of the workshops part: they parse what was typed; the rules are in rules.py and the actions."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.employers import choices as c
from bangfu.employers.models import Comparison, Purpose
from bangfu.employers.organisations import picker
from bangfu.employers.workshops import criteria as cr

BLANK = [("", "—")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkshopForm(forms.Form):
    """申报 (and 重新申报): an operator picks no employer (its own); an officer picks one of their region."""

    employer_q = picker.search_field()
    employer = forms.ModelChoiceField(label=_("经营主体"), queryset=None, required=True)
    name = forms.CharField(label=_("车间名称"), max_length=200)
    kind = forms.ChoiceField(label=_("车间类型"), choices=BLANK + list(c.WorkshopKind.choices))
    site = forms.ChoiceField(label=_("所在地类型"), choices=BLANK + list(c.WorkshopSite.choices))
    region_code = forms.CharField(label=_("所在地区划代码"), max_length=12, required=False,
                                  help_text=_("12 位乡镇或村级代码；不填则为经营主体所在地"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    products = forms.CharField(label=_("主要产品或业务"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("可吸纳就业岗位数"), min_value=0, required=False)
    start_date = forms.DateField(label=_("投产日期"), required=False, widget=DATE_INPUT)
    site_rent = forms.IntegerField(label=_("场地年租金（元）"), min_value=0, required=False)
    comment = forms.CharField(label=_("申报说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, employers=None, workshop=None, **kwargs):
        if workshop is not None:
            kwargs.setdefault("initial", {
                field: getattr(workshop, field) for field in (
                    "name", "kind", "site", "region_code", "address", "products", "capacity", "start_date",
                    "site_rent")})
        super().__init__(*args, **kwargs)
        if employers is None:
            del self.fields["employer"], self.fields["employer_q"]
        else:
            self.fields["employer"].queryset = employers

    def clean_employer(self):
        return picker.check_pick(self, self.cleaned_data.get("employer"))

    def workshop_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("employer", "employer_q", "comment")}
        if not data.get("region_code"):
            data.pop("region_code", None)
        return data


class MoveForm(forms.Form):
    """One lifecycle move: a comment, and the move's own fields."""

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if action == "certify":
            self.fields["certificate_number"] = forms.CharField(label=_("认定证书编号"), max_length=50)
            self.fields["certified_on"] = forms.DateField(label=_("认定日期"), initial=today, widget=DATE_INPUT)
            self.fields["level"] = forms.ChoiceField(label=_("认定层级"), choices=list(c.Level.choices),
                                                     initial=c.Level.COUNTY)
        if action.startswith("monitor_"):
            self.fields["on"] = forms.DateField(label=_("监测日期"), initial=today, widget=DATE_INPUT)
        if action == "upgrade":
            self.fields["on"] = forms.DateField(label=_("评估日期"), initial=today, widget=DATE_INPUT)
        required = action in ("comment", "return", "reject", "revoke")
        label = {"revoke": _("摘牌原因"), "return": _("退回原因"), "reject": _("不予认定的理由")}.get(
            action, _("意见"))
        self.fields["comment"] = forms.CharField(label=label, required=required, max_length=2000,
                                                 widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=9999)
    revenue = forms.IntegerField(label=_("年营业收入（元）"), min_value=0)
    wages_paid = forms.IntegerField(label=_("年发放工资总额（元）"), min_value=0, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CriteriaSetForm(forms.Form):
    region_prefix = forms.CharField(label=_("适用区划"), max_length=12, help_text=_("区划代码的前几位，如 45 为广西"))
    purpose = forms.ChoiceField(label=_("用途"), choices=list(Purpose.choices))
    name = forms.CharField(label=_("名称"), max_length=200)
    effective_from = forms.DateField(label=_("施行日期"), widget=DATE_INPUT)
    effective_to = forms.DateField(label=_("失效日期"), required=False, widget=DATE_INPUT)
    period_months = forms.IntegerField(label=_("统计期（月）"), min_value=1, max_value=36, initial=3)
    buffer_months = forms.IntegerField(label=_("整改缓冲期（月）"), min_value=1, max_value=36, required=False,
                                       help_text=_("动态监测标准必填"))
    note = forms.CharField(label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CriterionForm(forms.Form):
    measure = forms.ChoiceField(label=_("指标"), choices=[(m.key, m.label) for m in cr.MEASURES.values()])
    comparison = forms.ChoiceField(label=_("比较"), choices=list(Comparison.choices))
    threshold = forms.DecimalField(label=_("标准值"), max_digits=14, decimal_places=2)
    kinds = forms.MultipleChoiceField(label=_("适用车间类型"), choices=list(c.WorkshopKind.choices), required=False,
                                      widget=forms.CheckboxSelectMultiple, help_text=_("不选则适用于全部类型"))
    label = forms.CharField(label=_("条件"), max_length=200, required=False)


def _percentages(text: str) -> list[str]:
    """"0、0、0、50、50" (percent) as the fractions the rules take; a part that is not a number is
    passed on as typed, for the rules to name it."""
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p.strip()]
    shares = []
    for part in parts:
        try:
            shares.append(str(Decimal(part.strip().rstrip("%％")) / 100))
        except InvalidOperation:
            shares.append(part.strip())
    return shares


class RentRuleForm(forms.Form):
    """A site rent relief rule: what was typed; the rules (rules.clean_rent_rule) judge it."""

    region_prefix = forms.CharField(label=_("适用区划"), required=False, max_length=12,
                                    help_text=_("区划代码前缀，如 45（广西）、522633（从江县）；留空为全国"))
    name = forms.CharField(label=_("名称"), required=False, max_length=100, help_text=_("如 三免两减半"))
    effective_from = forms.CharField(label=_("施行日期"), required=False, widget=DATE_INPUT)
    effective_to = forms.CharField(label=_("失效日期"), required=False, widget=DATE_INPUT,
                                   help_text=_("不填为长期有效；此后投产的车间不再适用，已适用的车间不受影响"))
    shares = forms.CharField(label=_("各年应缴比例（%）"), required=False, max_length=300,
                             help_text=_("自投产日起每年应缴租金的百分比，用顿号或逗号分隔："
                                         "三免两减半为 0、0、0、50、50；所列年份以后全额缴纳"))
    note = forms.CharField(label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("文件名称和文号"))

    def __init__(self, *args, rule=None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "region_prefix": rule.region_prefix, "name": rule.name, "note": rule.note,
                "effective_from": rule.effective_from.isoformat(),
                "effective_to": rule.effective_to.isoformat() if rule.effective_to else "",
                "shares": "、".join(f"{(Decimal(str(s)) * 100).normalize():f}" for s in rule.shares)}
        super().__init__(*args, **kwargs)

    def data_for_rules(self) -> dict:
        data = dict(self.cleaned_data)
        data["shares"] = _percentages(data.get("shares") or "")
        return data
