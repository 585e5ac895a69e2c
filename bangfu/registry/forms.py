"""Page forms of the ledger: they parse what was typed; the rules live in validation.clean_person."""


from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.regions import village_picker
from bangfu.registry import choices as c
from bangfu.registry.identifiers import normalise_identifier
from bangfu.registry.models import Household, Person
from bangfu.registry.validation import DuplicatePerson, clean_household, clean_person, clean_spell

BLANK = [("", "—")]
# The statuses typed by hand; the employed ones follow the person's open job spell.
UNEMPLOYED_CHOICES = [(status.value, status.label) for status in c.UNEMPLOYED_STATUSES]
# <input type=date> only shows ISO dates, whatever the language's display format is.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OneRound(forms.Form):
    """All errors in one round: a form with field errors never reaches the action, so `clean` runs
    the validation layer's rules (`rules()`) on what did parse and adds what they say about the
    other fields. A rule's word on a field that has an error already, or on one whose check needs
    a field that has one (`rule_needs`), is left out; a duplicate is left to the action, which
    audits it."""

    rule_needs: dict[str, str] = {}  # field -> the field its rule needs
    rule_fields = {"household": "household_number"}  # the rules' name of a field -> the form's

    def rules(self) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self._errors:
            return cleaned  # the action runs the rules itself
        try:
            self.rules()
        except DuplicatePerson:
            pass
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                field = self.rule_fields.get(field, field)
                needs = self.rule_needs.get(field)
                if field in self.fields and field not in self._errors and needs not in self._errors:
                    for message in messages:
                        self.add_error(field, message)
        return cleaned


def _choice(label, options, required=False):
    return forms.ChoiceField(label=label, choices=(BLANK if not required else []) + list(options),
                             required=required)


class IdentifierField(forms.CharField):
    """An ID number, card number or phone, normalised before anything counts its length: spaces and
    full-width digits typed with a Chinese input method are not errors. No length limit of its own:
    the ledger's rule says what is wrong with a wrong length."""

    def to_python(self, value):
        return normalise_identifier(super().to_python(value))


class PersonForm(OneRound):
    """Create or edit a person. Identifier fields left empty on an edit keep the stored value."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = IdentifierField(label=_("身份证号"), required=False)
    phone = IdentifierField(label=_("联系电话"), required=False)
    household_number = forms.CharField(label=_("户编号"), max_length=30, required=False,
                                       help_text=_("属于已登记家庭户时填写；留空则按所在村登记"))
    relationship = _choice(_("与户主关系"), c.Relationship.choices, required=True)
    township = forms.ChoiceField(label=_("乡镇"), required=False)
    region_code = forms.CharField(label=_("所在村"), max_length=12, required=False)
    education = _choice(_("文化程度"), c.Education.choices)
    skills = forms.MultipleChoiceField(label=_("技能"), required=False, widget=forms.CheckboxSelectMultiple,
                                       choices=[(s, s) for s in c.STANDARD_SKILLS])
    other_skills = forms.CharField(label=_("其他技能"), required=False, max_length=200,
                                   help_text=_("多个技能用顿号或逗号分隔"))
    labour_ability = _choice(_("劳动能力"), c.LabourAbility.choices, required=True)
    poverty_status = _choice(_("人口类型"), c.PovertyStatus.choices, required=True)
    monitoring_category = _choice(_("监测类型"), c.MonitoringCategory.choices)
    relocated = forms.BooleanField(label=_("易地扶贫搬迁"), required=False)
    relocation_site = forms.CharField(label=_("安置点"), max_length=100, required=False)
    disability_category = forms.TypedChoiceField(label=_("残疾类别"), choices=BLANK + c.DisabilityCategory.choices,
                                                 coerce=int, empty_value=None, required=False)
    disability_grade = forms.TypedChoiceField(label=_("残疾等级"), choices=BLANK + c.DisabilityGrade.choices,
                                              coerce=int, empty_value=None, required=False)
    disability_card = IdentifierField(label=_("残疾人证号"), required=False)
    # Employed statuses follow the open job spell (recorded on the person's page), never typed here.
    employment_status = _choice(_("就业状态"), UNEMPLOYED_CHOICES, required=True)
    not_seeking_reason = _choice(_("无就业意愿原因"), c.NotSeekingReason.choices)
    wish_jobs = forms.CharField(label=_("意向岗位"), max_length=200, required=False)
    wish_travel = _choice(_("可接受务工范围"), c.TravelRange.choices)
    wish_pay = forms.IntegerField(label=_("期望月薪（元）"), min_value=0, max_value=1_000_000, required=False)
    wish_hours = _choice(_("工作时间意向"), c.Hours.choices)
    training_wishes = forms.CharField(label=_("培训意愿"), max_length=200, required=False)
    service_needs = forms.CharField(label=_("就业服务需求"), max_length=200, required=False,
                                    help_text=_("如：职业介绍、职业指导、技能培训、创业服务"))
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    IDENTIFIER_FIELDS = ("id_number", "phone", "disability_card")
    EMPLOYMENT_GROUP = _("就业情况")
    GROUPS = [
        (_("基本信息"), ["name", "id_number", "phone", "household_number", "relationship", "township",
                      "region_code", "education"]),
        (_("劳动能力与技能"), ["labour_ability", "skills", "other_skills"]),
        (_("帮扶身份"), ["poverty_status", "monitoring_category", "relocated", "relocation_site"]),
        (_("残疾情况"), ["disability_category", "disability_grade", "disability_card"]),
        (EMPLOYMENT_GROUP, ["employment_status", "not_seeking_reason"]),
        (_("就业与培训意愿"), ["wish_jobs", "wish_travel", "wish_pay", "wish_hours", "training_wishes", "service_needs",
                           "notes"]),
    ]

    def __init__(self, *args, person: Person | None = None, households=None, **kwargs):
        self.person = person
        self.households = households  # the user's scoped households, to resolve household_number
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(person)
        super().__init__(*args, **kwargs)
        self.open_spell = person.spells.filter(end_month__isnull=True).first() if person is not None else None
        if self.open_spell is not None:  # the status is the open spell's: the page shows it instead
            del self.fields["employment_status"], self.fields["not_seeking_reason"]
        if person is None:
            self.fields["id_number"].required = True
        else:
            for name, masked in (("id_number", person.id_number_masked), ("phone", person.phone_masked),
                                 ("disability_card", person.disability_card_masked)):
                self.fields[name].widget.attrs["placeholder"] = masked or ""
                self.fields[name].help_text = _("留空则不修改")

    def groups(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.GROUPS]

    def clean_household_number(self):
        number = self.cleaned_data["household_number"].strip()
        if not number:
            return None
        household = self.households.filter(number=number).first() if self.households is not None else None
        if household is None:
            raise forms.ValidationError(_("户编号 %(n)s 不存在或不在您的管辖范围内"), params={"n": number})
        return household

    def clean_region_code(self):
        required = not self.cleaned_data.get("household_number")
        return village_picker.check_pick(self, self.cleaned_data["region_code"].strip(), required)

    def ledger_data(self) -> tuple[dict, list[str]]:
        """The values for clean_person (blank identifiers on an edit mean "keep"), and the skills."""
        data = dict(self.cleaned_data)
        data["household"] = data.pop("household_number")
        data.pop("township", None)
        skills = list(data.pop("skills")) + [
            s.strip() for s in data.pop("other_skills").replace("，", "、").replace(",", "、").split("、") if s.strip()
        ]
        if self.person is not None:
            for name in self.IDENTIFIER_FIELDS:
                if not data[name]:
                    del data[name]
        return data, skills

    rule_needs = {"region_code": "household_number", "disability_card": "id_number"}

    def rules(self) -> None:
        # ledger_data() of the fields that parsed, the others taken as blank (their rules are not said)
        parsed = self.cleaned_data
        self.cleaned_data = {"household_number": None, "skills": [], "other_skills": "",
                             **dict.fromkeys(self.IDENTIFIER_FIELDS, ""), **parsed}
        try:
            data = self.ledger_data()[0]
        finally:
            self.cleaned_data = parsed
        clean_person(data, self.person)


def initial_for(person: Person) -> dict:
    skills = list(person.skills.values_list("name", flat=True))
    standard = set(c.STANDARD_SKILLS)
    initial = {name: getattr(person, name) for name in (
        "name", "relationship", "region_code", "education", "labour_ability", "poverty_status",
        "monitoring_category", "relocated", "relocation_site", "disability_category", "disability_grade",
        "employment_status", "employer_name", "not_seeking_reason", "wish_jobs", "wish_travel", "wish_pay",
        "wish_hours", "training_wishes", "service_needs", "notes")}
    initial["household_number"] = person.household.number if person.household_id else ""
    initial["skills"] = [s for s in skills if s in standard]
    initial["other_skills"] = "、".join(s for s in skills if s not in standard)
    return initial


class SurveyForm(forms.Form):
    """A door-to-door visit: what was found, and the person's fields as they are now."""

    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_INPUT)
    findings = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    employment_status = _choice(_("就业状态"), c.EmploymentStatus.choices, required=True)
    employer_name = forms.CharField(label=_("就业单位/地点"), max_length=200, required=False,
                                    help_text=_("在岗：登记从走访当月开始的务工经历（状态变了才新开一段）；"
                                                "未就业：结束在岗的务工经历"))
    not_seeking_reason = PersonForm.base_fields["not_seeking_reason"]
    labour_ability = PersonForm.base_fields["labour_ability"]
    phone = IdentifierField(label=_("联系电话"), required=False, help_text=_("留空则不修改"))
    wish_jobs = PersonForm.base_fields["wish_jobs"]
    wish_travel = PersonForm.base_fields["wish_travel"]
    wish_pay = PersonForm.base_fields["wish_pay"]
    wish_hours = PersonForm.base_fields["wish_hours"]
    training_wishes = PersonForm.base_fields["training_wishes"]
    service_needs = PersonForm.base_fields["service_needs"]

    def __init__(self, *args, person: Person, **kwargs):
        kwargs.setdefault("initial", {**initial_for(person), "visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def ledger_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("visited_on", "findings")}
        if not data["phone"]:
            del data["phone"]
        return data


class HouseholdForm(OneRound):
    """Create or edit a household; the rules live in validation.clean_household."""

    township = forms.ChoiceField(label=_("乡镇"), required=False)
    region_code = forms.CharField(label=_("所在村"), max_length=12)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    poverty_status = _choice(_("户类型"), c.HouseholdType.choices, required=True)
    monitoring_category = _choice(_("监测类型"), c.MonitoringCategory.choices)
    relocated = forms.BooleanField(label=_("易地扶贫搬迁户"), required=False)
    relocation_site = forms.CharField(label=_("安置点"), max_length=100, required=False)

    def rules(self) -> None:
        clean_household(self.ledger_data())  # as for a new one: only what was typed is judged

    def __init__(self, *args, household: Household | None = None, **kwargs):
        if household is not None and household.pk and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(household, name) for name in self.base_fields
                                 if name != "township"}
        super().__init__(*args, **kwargs)

    def clean_region_code(self):
        return village_picker.check_pick(self, self.cleaned_data["region_code"].strip(), required=True)

    def ledger_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "township"}


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    action = forms.ChoiceField(label=_("跟进措施"), choices=c.FollowUpAction.choices)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=True,
                           max_length=2000)


class MonthField(forms.DateField):
    """A month typed as 2023-05 (<input type=month>), or as the monitoring system writes it, 2023年05月."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y年%m月", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("请填写年月，如 2023-05")}


def _money(label):
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, required=False)


class SpellForm(OneRound):
    """Record or edit a job spell; the rules live in validation.clean_spell."""

    start_month = MonthField(label=_("开始年月"))
    end_month = MonthField(label=_("结束年月"), required=False, help_text=_("仍在岗则留空"))
    place = forms.ChoiceField(label=_("务工地域"), choices=c.SpellPlace.choices, widget=forms.RadioSelect)
    place_text = forms.CharField(label=_("务工所在地"), max_length=100, required=False,
                                 help_text=_("如：广东省东莞市"))
    channel = _choice(_("就业渠道"), c.Channel.choices)
    employer_name = forms.CharField(label=_("就业单位"), max_length=200, required=False)
    monthly_income = _money(_("务工月收入（元）"))
    transport_subsidy = _money(_("年度交通费补助（元）"))

    def __init__(self, *args, spell=None, **kwargs):
        self.spell = spell
        if spell is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(spell, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def ledger_data(self) -> dict:
        return dict(self.cleaned_data)

    def rules(self) -> None:
        clean_spell(self.ledger_data(), self.spell)


class EndSpellForm(forms.Form):
    end_month = MonthField(label=_("结束年月"), help_text=_("最后一个在岗的月份"))
    employment_status = _choice(_("结束后的就业状态"), UNEMPLOYED_CHOICES, required=True)
    not_seeking_reason = _choice(_("无就业意愿原因"), c.NotSeekingReason.choices)

    def then(self) -> dict:
        return {"employment_status": self.cleaned_data["employment_status"],
                "not_seeking_reason": self.cleaned_data["not_seeking_reason"]}
