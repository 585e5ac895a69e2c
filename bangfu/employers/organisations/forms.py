"""Page forms of employers, operators and quota parameters: they carry what was typed; the rules
(rules.clean_employer, rules.clean_quota_rule) say what is wrong, field by field, in one round."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bangfu.employers import choices as c
from bangfu.employers.industries import SECTIONS
from bangfu.employers.models import Employer, Industry, QuotaRule
from bangfu.employers.organisations.rules import clean_employer, clean_quota_rule
from bangfu.registry.forms import OneRound

BLANK = [("", "—")]


def industry_choices() -> list:
    """The 门类 as option groups, each holding itself and its 大类 (codes of other levels are typed)."""
    rows = list(Industry.objects.filter(level__lte=2).order_by("section", "code").values_list("code", "name",
                                                                                                 "section"))
    names = {code: name for code, name, _section in rows}
    groups = []
    for letter, _low, _high in SECTIONS:
        members = [(code, f"{code} {name}") for code, name, section in rows if section == letter]
        if members:
            groups.append((f"{letter} {names.get(letter, '')}", members))
    return BLANK + groups


class EmployerForm(OneRound):
    name = forms.CharField(label=_("单位名称"), required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), required=False)
    kind = forms.ChoiceField(label=_("单位类型"), required=False,
                             choices=[("", _("按统一社会信用代码识别")), *c.EmployerKind.choices])
    industry = forms.ChoiceField(label=_("所属行业"), required=False)
    industry_code = forms.CharField(label=_("或输入行业代码"), required=False,
                                    help_text=_("中类、小类等列表中没有的代码可直接输入，输入后以此为准"))
    township = forms.ChoiceField(label=_("乡镇"), required=False)
    region_code = forms.CharField(label=_("所在地"), required=False)
    address = forms.CharField(label=_("地址"), required=False)
    contact_name = forms.CharField(label=_("联系人"), required=False)
    contact_phone = forms.CharField(label=_("联系电话"), required=False)
    staff_count = forms.CharField(label=_("在职职工人数"), required=False)
    disabled_staff_count = forms.CharField(label=_("残疾职工人数"), required=False)
    average_wage = forms.CharField(label=_("上年职工年平均工资（元）"), required=False,
                                   help_text=_("计算残疾人就业保障金用；不填则按当地社会平均工资计算"))
    active = forms.BooleanField(label=_("在营"), required=False, initial=True)

    rule_fields = {"industry": "industry"}

    def __init__(self, *args, employer: Employer | None = None, own_only: bool = False, **kwargs):
        self.employer = employer
        if employer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(employer, name) for name in (
                    "name", "credit_code", "kind", "region_code", "address", "contact_name", "contact_phone",
                    "staff_count", "disabled_staff_count", "average_wage", "active")},
                "industry": employer.industry.code if employer.industry_id and employer.industry.level <= 2 else "",
                "industry_code": employer.industry.code if employer.industry_id and employer.industry.level > 2
                else "",
            }
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = industry_choices()
        if own_only:  # an operator keeps its organisation's record but does not move it
            del self.fields["township"], self.fields["region_code"]

    def clean(self):
        # A typed code is the one the rules judge: their word on the industry goes beside it.
        if (self.cleaned_data.get("industry_code") or "").strip():
            self.rule_fields = {"industry": "industry_code"}
        return super().clean()

    def data_for_rules(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name in self.fields}
        data.pop("township", None)
        typed = (data.pop("industry_code", "") or "").strip()
        data["industry"] = typed or data.get("industry") or ""
        return data

    def rules(self) -> None:
        clean_employer(self.data_for_rules(), self.employer)


class BindOperatorForm(forms.Form):
    username = forms.CharField(label=_("操作员账号"), max_length=150,
                               help_text=_("已开通的“企业/车间负责人”角色账号的用户名"))


class PercentField(forms.CharField):
    """A ratio or share typed as a percentage (1.5 for 1.5%) and handed on as a fraction (0.015)."""

    def to_python(self, value):
        text = super().to_python(value).replace("%", "").replace("％", "").strip()
        if not text:
            return ""
        try:
            return str(Decimal(text) / 100)
        except InvalidOperation:
            raise ValidationError(_("应为数字（百分比，如 1.5）"), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{(value * 100).normalize():f}"
        return value


class QuotaRuleForm(OneRound):
    region_prefix = forms.CharField(label=_("适用区划"), required=False,
                                    help_text=_("区划代码前缀，如 52（贵州省）、522633（从江县）；留空为全国"))
    year = forms.CharField(label=_("年度"), required=False)
    ratio = PercentField(label=_("安排比例（%）"), required=False, help_text=_("如 1.5"))
    local_average_wage = forms.CharField(label=_("当地社会平均工资（元/年）"), required=False)
    wage_cap_multiple = forms.CharField(label=_("工资计算上限（倍）"), required=False, initial="2",
                                        help_text=_("单位平均工资最多按当地社会平均工资的几倍计算"))
    exempt_up_to_staff = forms.CharField(label=_("免征人数上限"), required=False, initial="0",
                                         help_text=_("在职职工不超过此人数的单位暂免征收；0 为不免征"))
    reduced_from_ratio = PercentField(label=_("减征起点比例（%）"), required=False,
                                      help_text=_("实际安排比例达到此值时按减征比例征收；留空为不减征"))
    share_from_reduced = PercentField(label=_("达减征起点时征收比例（%）"), required=False, help_text=_("如 50"))
    share_below_reduced = PercentField(label=_("未达减征起点时征收比例（%）"), required=False,
                                       help_text=_("如 90；留空为全额征收"))
    retirement_age_male = forms.CharField(label=_("男职工退休年龄"), required=False, initial="60")
    retirement_age_female = forms.CharField(label=_("女职工退休年龄"), required=False, initial="50")
    note = forms.CharField(label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("文件名称和文号"))

    def __init__(self, *args, rule: QuotaRule | None = None, **kwargs):
        self.rule = rule
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(rule, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def data_for_rules(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}

    def rules(self) -> None:
        clean_quota_rule(self.data_for_rules(), self.rule)
