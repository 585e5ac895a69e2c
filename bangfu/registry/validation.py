"""The ledger's rules: checking and normalising what a user gives for a person, a household, a
survey or a follow-up, the same for pages, API, CLI and imports (the actions call these)."""

import dataclasses
import datetime
import functools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.audit import log
from bangfu.audit.models import Action, AuditEntry
from bangfu.core import crypto
from bangfu.core.errors import Duplicate, TooMany
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import choices as c
from bangfu.registry.identifiers import (
    IdentifierError,
    normalise_identifier,
    parse_disability_card,
    parse_resident_id,
    validate_phone,
)
from bangfu.registry.models import (
    EARLIEST_DAY,
    EARLIEST_MONTH,
    MAX_MONEY,
    EmploymentSpell,
    Household,
    Person,
    month_label,
)
from bangfu.registry.services import is_labour, pinyin_keys


class DuplicatePerson(Duplicate):
    """The ID number is on file already; `existing` is that person. Only a user who may see them
    (`visible`) is told who it is; anyone else learns just that the number is taken."""

    def __init__(self, existing: Person, visible: bool = True):
        if visible:
            message = _("该身份证号已登记：%(name)s（编号 %(pk)d），请打开已有记录") % {
                "name": existing.name, "pk": existing.pk}
        else:
            message = _("该身份证号已登记在您查看范围以外的台账中")
        super().__init__("id_number", message, existing, visible,
                         reverse("api:person", kwargs={"person_id": existing.pk}))


class ProbeLimited(TooMany):
    """The user has been told too often that an ID number is registered elsewhere (guard_id_probe)."""

    def __init__(self):
        super().__init__(_("您在 %(minutes)d 分钟内已 %(limit)d 次填写已登记在您查看范围以外的身份证号。"
                           "为防止借此查探他人信息，暂不能新增人员或修改身份证号，请稍后再试，或联系系统管理员") % {
            "minutes": settings.ID_PROBE_WINDOW_SECONDS // 60, "limit": settings.ID_PROBE_LIMIT})


def _probed_number(data: dict, person: Person | None) -> str | None:
    """The ID number a write of `data` would look up among all people, if any (normalised): none when
    it gives no number or the person's own."""
    number = normalise_identifier(data.get("id_number"))
    if not number or (person is not None and Person.id_number.holds(person, number)):
        return None
    return number


def recent_probes(user) -> int:
    """How many times the user was told, within the window, that a number is registered elsewhere."""
    since = timezone.now() - datetime.timedelta(seconds=settings.ID_PROBE_WINDOW_SECONDS)
    return AuditEntry.objects.filter(user=user, action=Action.DUPLICATE_PROBE, at__gte=since).count()


def guard_id_probe(user, data: dict, person: Person | None, write, *, request=None):
    """Run `write` (creating `person`, or changing it, from `data`) under the existence-probe rule.

    "Registered in another region" tells anyone with edit rights whether a number is in any
    ledger, so each such answer is written to the audit log (the number masked), and a user told so
    `ID_PROBE_LIMIT` times in the window may not write an ID number again until it has passed. The
    refusal comes before the lookup, whatever the number: it tells nothing about it.
    `write` runs its own transaction: these entries stay when it rolls back."""
    number = _probed_number(data, person)
    if number is None:
        return write()
    where = {"obj": person or Person(), "field": "id_number", "request": request,
             "region_code": person.region_code if person else (user.region_id or ""),
             "detail": {"id_number": Person.id_number.mask_text(number)}}
    if recent_probes(user) >= settings.ID_PROBE_LIMIT:
        log.record(user, Action.PROBE_LIMITED, **where)
        raise ProbeLimited
    try:
        return write()
    except DuplicatePerson as exc:
        if not exc.visible:
            log.record(user, Action.DUPLICATE_PROBE, **where)
        raise


# Direction overrides, embeddings and isolates make a name show otherwise than it is stored (and
# spoof a list or an export); zero-width characters hide inside one and defeat search and duplicates.
HIDDEN_IN_NAMES = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
# Below 32 except tab, line feed and carriage return: what PostgreSQL cannot store or no keyboard types.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value, limit: int, *, name_of=None) -> tuple[str, str | None]:
    """Trimmed text and the reason it is refused, if it is (too long, or control characters that
    PostgreSQL cannot store or that no keyboard types). A name (`name_of` its field's label) may
    hold no direction or zero-width character either."""
    text = (value or "").strip()
    if len(text) > limit:
        return text, _("不能超过 %(n)d 个字") % {"n": limit}
    if CONTROL_CHARACTERS.search(text):
        return text, _("含有不可见的控制字符")
    if name_of is not None and HIDDEN_IN_NAMES.search(text):
        return text, _("%(field)s含有不可见的文字方向控制符或零宽字符（常随从网页、文档复制的文字带入），"
                       "请删除后重新输入") % {"field": name_of}
    return text, None


def _label(field: str):
    """The field's label, translated when it is read (it names the field only in messages)."""
    return Person._meta.get_field(field).verbose_name


NAME_LABEL = gettext_lazy("姓名")


# Free-text fields that hold a name (of a workplace, a resettlement site): no hidden characters.
NAME_FIELDS = frozenset({"employer_name", "relocation_site"})


@functools.cache
def allowed(choices) -> frozenset:
    """The values of a choices class (Django builds `.values` anew at every access)."""
    return frozenset(choices.values)


@dataclasses.dataclass(frozen=True)
class Known:
    """What a bulk write (an import) looked up once for many rows, so that clean_person asks the
    database nothing per row: the villages that exist among those named, and who holds each ID
    number hash among those given."""

    villages: frozenset[str]
    holders: dict[str, Person]  # id_number_hash (under any active key) → the person holding it
    _hashes: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    _sealer: crypto.Sealer = dataclasses.field(default_factory=crypto.Sealer)

    def hashes(self, number: str) -> list[str]:
        """crypto.lookup_hashes of the number, computed once."""
        hashes = self._hashes.get(number)
        if hashes is None:
            hashes = self._hashes[number] = self._sealer.lookup_hashes(number)
        return hashes

    def holder(self, number: str) -> Person | None:
        return next((self.holders[h] for h in self.hashes(number) if h in self.holders), None)


def clean_person(data: dict, person: Person | None = None, sealer: crypto.Sealer | None = None,
                 known: Known | None = None) -> dict:
    """Model field values for a new or changed person, or ValidationError naming each bad field.

    `data` holds the plain fields of the person form (id_number, phone and disability_card in
    clear text). Keys not in `data` keep the person's current values. `known` answers the lookups
    of a bulk write.
    """
    sealer = sealer or crypto.Sealer()
    errors: dict[str, list[str]] = {}
    values: dict = {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(message)

    name, problem = clean_text(data.get("name", person.name if person else ""), 50, name_of=NAME_LABEL)
    if not name:
        fail("name", _("姓名不能为空"))
    elif problem:
        fail("name", problem)
    else:
        values["name"] = name
        if person is not None and name == person.name:  # the keys it has (pypinyin is slow)
            values["name_pinyin"], values["name_initials"] = person.name_pinyin, person.name_initials
        else:
            values["name_pinyin"], values["name_initials"] = pinyin_keys(name)

    resident = None
    if "id_number" in data or person is None:
        try:
            resident = parse_resident_id(data.get("id_number") or "")
        except IdentifierError as exc:
            fail("id_number", str(exc))
        else:
            if known is not None:
                existing = known.holder(resident.number)
                if existing is not None and person is not None and existing.pk == person.pk:
                    existing = None
            else:
                existing = (Person.objects.filter(Person.id_number.lookup(resident.number))
                            .exclude(pk=person.pk if person else None).first())
            if existing is not None:
                raise DuplicatePerson(existing)
            sealed = Person.id_number.seal(resident.number, sealer)
            if person is not None and Person.id_number.holds(person, resident.number):
                sealed = {}  # unchanged (under any active key): keep the stored ciphertext
            values.update(sealed, gender=resident.gender, birth_date=resident.birth_date)
    if (resident and person and person.disability_card_hash and "disability_card" not in data
            and values.get("id_number_hash", person.id_number_hash) != person.id_number_hash):
        fail("disability_card", _("身份证号已更改，残疾人证号须一并更新"))
    id_number = resident.number if resident else (Person.id_number.decrypt(person) if person else "")

    if "phone" in data:
        phone = (data.get("phone") or "").strip()
        if not phone:
            values.update(Person.phone.seal(""))
        else:
            try:
                phone = validate_phone(phone)
            except IdentifierError as exc:
                fail("phone", str(exc))
            else:
                if not (person and Person.phone.holds(person, phone)):  # unchanged: keep what is stored
                    values.update(Person.phone.seal(phone, sealer))

    household = data.get("household", person.household if person else None)
    if isinstance(household, int):
        household = Household.objects.filter(pk=household).first()
        if household is None:
            fail("household", _("家庭户不存在"))
    values["household"] = household
    if household:
        # A person's village follows their household: a different one asked for is refused, not
        # dropped (the village the record had before may stand, as a form posts it back unchanged).
        asked = (data.get("region_code") or "").strip()
        if asked and asked not in (household.region_code, person.region_code if person else None):
            fail("region_code", _("所在村随家庭户（户编号 %(number)s）：如需搬迁，请修改该户的所在村，"
                                  "或先将此人移出该户") % {"number": household.number})
        region_code = household.region_code
    else:
        region_code = data.get("region_code") or (person.region_code if person else "")
    region_code = _village(region_code, fail, known.villages if known is not None else None)
    if region_code:
        values["region_code"] = region_code

    def choice(field: str, options, required=False):
        if field not in data:
            return
        value = data.get(field) or ""
        if value and value not in allowed(options):
            fail(field, _("“%(v)s”不是可选的值") % {"v": value})
        elif required and not value:
            fail(field, _("此项必填"))
        else:
            values[field] = value

    choice("relationship", c.Relationship, required=True)
    choice("education", c.Education)
    choice("labour_ability", c.LabourAbility, required=True)
    choice("poverty_status", c.PovertyStatus, required=True)
    choice("monitoring_category", c.MonitoringCategory)
    choice("employment_status", c.EmploymentStatus, required=True)
    choice("not_seeking_reason", c.NotSeekingReason)
    choice("wish_travel", c.TravelRange)
    choice("wish_hours", c.Hours)
    for field, limit in (("relocation_site", 100), ("employer_name", 200), ("wish_jobs", 200),
                         ("training_wishes", 200), ("service_needs", 200), ("notes", 5000)):
        if field in data:
            text, problem = clean_text(data.get(field), limit, name_of=_label(field) if field in NAME_FIELDS else None)
            if problem:
                fail(field, problem)
            values[field] = text
    if "relocated" in data:
        values["relocated"] = bool(data.get("relocated"))
    if "wish_pay" in data:
        pay = data.get("wish_pay")
        if pay in (None, ""):
            values["wish_pay"] = None
        elif not isinstance(pay, int) or not 0 <= pay <= 1_000_000:
            fail("wish_pay", _("期望月薪应为 0 到 1,000,000 之间的整数（元）"))
        else:
            values["wish_pay"] = pay

    merged = {**_current(person), **values}
    if merged.get("poverty_status") == c.PovertyStatus.MONITORED and not merged.get("monitoring_category"):
        fail("monitoring_category", _("监测对象须选择监测类型"))
    if merged.get("poverty_status") != c.PovertyStatus.MONITORED and "poverty_status" in values:
        values["monitoring_category"] = ""
    if merged.get("relocated") and not merged.get("relocation_site"):
        fail("relocation_site", _("搬迁户须填写安置点"))
    if merged.get("employment_status") == c.EmploymentStatus.NOT_SEEKING and not merged.get("not_seeking_reason"):
        fail("not_seeking_reason", _("暂无就业意愿须说明原因"))
    if merged.get("employment_status") != c.EmploymentStatus.NOT_SEEKING and "employment_status" in values:
        values["not_seeking_reason"] = ""

    _clean_disability(data, person, id_number, values, fail, sealer)
    if "birth_date" in merged and merged.get("labour_ability"):
        values["is_labour"] = is_labour(merged["birth_date"], merged["labour_ability"])

    if errors:
        raise ValidationError(errors)
    return values


def _current(person: Person | None) -> dict:
    """The person's stored values; for a new one, what the model will store for fields not given
    (an import without a 劳动技能 column still gets the labour flag its default ability gives)."""
    if person is None:
        return _new_defaults()
    return {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}


@functools.cache
def _new_defaults() -> dict:
    return {f.attname: f.get_default() for f in Person._meta.concrete_fields if f.has_default()}


def _clean_disability(data, person, id_number, values, fail, sealer) -> None:
    if not any(k in data for k in ("disability_category", "disability_grade", "disability_card")):
        return
    category = _int_or_none(data.get("disability_category"))
    grade = _int_or_none(data.get("disability_grade"))
    card = (data.get("disability_card") or "").strip()
    if person is not None and not card:
        # A partial edit (the API's PATCH) keeps the category and grade it does not name.
        if "disability_category" not in data:
            category = person.disability_category
        if "disability_grade" not in data:
            grade = person.disability_grade
    if category is not None and category not in allowed(c.DisabilityCategory):
        fail("disability_category", _("残疾类别应为 1–7"))
        return
    if grade is not None and grade not in allowed(c.DisabilityGrade):
        fail("disability_grade", _("残疾等级应为 1–4"))
        return
    if card:
        try:
            card, card_category, card_grade = parse_disability_card(card, id_number)
        except IdentifierError as exc:
            fail("disability_card", str(exc))
            return
        if category not in (None, card_category) or grade not in (None, card_grade):
            fail("disability_card", _("残疾人证号中的类别、等级与所填的残疾类别、等级不一致"))
            return
        category, grade = card_category, card_grade
        if not (person and Person.disability_card.holds(person, card)):  # unchanged: keep what is stored
            values.update(Person.disability_card.seal(card, sealer))
    elif "disability_card" in data or category is None:
        values.update(Person.disability_card.seal(""))
    elif person is not None and person.disability_card_hash and (category, grade) != (
            person.disability_category, person.disability_grade):
        fail("disability_card", _("残疾类别或等级已更改，请一并更新残疾人证号"))
        return
    if (category is None) != (grade is None):
        fail("disability_grade" if grade is None else "disability_category", _("残疾类别与残疾等级须同时填写"))
        return
    values.update(disability_category=category, disability_grade=grade)


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- households, surveys, follow-ups -------------------------------------------------------------

HOUSEHOLD_FIELDS = ("region_code", "address", "poverty_status", "monitoring_category", "relocated",
                    "relocation_site")


def _village(region_code, fail, villages: frozenset[str] | None = None) -> str | None:
    code = (region_code or "").strip()
    if not codes.is_valid_code(code) or codes.level_of(code) != codes.VILLAGE:
        fail("region_code", _("所在村应为 12 位村级区划代码"))
    elif code not in villages if villages is not None else not Region.objects.filter(code=code).exists():
        fail("region_code", _("区划代码 %(code)s 不存在") % {"code": code})
    else:
        return code
    return None


def _day(value, field: str, fail, label) -> datetime.date | None:
    if not isinstance(value, datetime.date):
        fail(field, _("请填写%(label)s") % {"label": label})
    elif value > timezone.localdate():
        fail(field, _("%(label)s不能晚于今天") % {"label": label})
    elif value < EARLIEST_DAY:
        fail(field, _("%(label)s不能早于 %(day)s") % {"label": label, "day": EARLIEST_DAY.isoformat()})
    else:
        return value
    return None


def _collector():
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(message)

    return errors, fail


def clean_household(data: dict, household: Household | None = None, known: Known | None = None) -> dict:
    """Field values for a new or changed household, or ValidationError naming each bad field.
    Keys not in `data` keep the household's current values."""
    errors, fail = _collector()
    values: dict = {}
    current = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS} if household else {}
    if "region_code" in data or household is None:
        code = _village(data.get("region_code"), fail, known.villages if known is not None else None)
        if code:
            values["region_code"] = code
    if "address" in data:
        text, problem = clean_text(data.get("address"), 200)
        if problem:
            fail("address", problem)
        values["address"] = text
    for field, options, required in (("poverty_status", c.PovertyStatus, True),
                                     ("monitoring_category", c.MonitoringCategory, False)):
        if field in data or (household is None and required):
            value = data.get(field) or ("" if not required else c.PovertyStatus.NONE)
            if value and value not in allowed(options):
                fail(field, _("“%(v)s”不是可选的值") % {"v": value})
            else:
                values[field] = value
    if "relocated" in data:
        values["relocated"] = bool(data.get("relocated"))
    if "relocation_site" in data:
        text, problem = clean_text(data.get("relocation_site"), 100, name_of=_label("relocation_site"))
        if problem:
            fail("relocation_site", problem)
        values["relocation_site"] = text
    merged = {**current, **values}
    if merged.get("poverty_status") == c.PovertyStatus.MONITORED and not merged.get("monitoring_category"):
        fail("monitoring_category", _("监测对象须选择监测类型"))
    if merged.get("poverty_status") != c.PovertyStatus.MONITORED and merged.get("monitoring_category"):
        values["monitoring_category"] = ""
    if merged.get("relocated") and not merged.get("relocation_site"):
        fail("relocation_site", _("搬迁户须填写安置点"))
    if errors:
        raise ValidationError(errors)
    return values


def clean_survey(visited_on, findings) -> tuple[datetime.date, str]:
    errors, fail = _collector()
    day = _day(visited_on, "visited_on", fail, _("走访日期"))
    text, problem = clean_text(findings, 5000)
    if not text:
        fail("findings", _("请填写走访情况"))
    elif problem:
        fail("findings", problem)
    if errors:
        raise ValidationError(errors)
    return day, text


def clean_follow_up(done_on, action, note) -> tuple[datetime.date, str, str]:
    errors, fail = _collector()
    day = _day(done_on, "done_on", fail, _("跟进日期"))
    if action not in allowed(c.FollowUpAction):
        fail("action", _("“%(v)s”不是可选的跟进措施") % {"v": action})
    text, problem = clean_text(note, 2000)
    if not text:
        fail("note", _("请填写说明（做了什么、结果如何）"))
    elif problem:
        fail("note", problem)
    if errors:
        raise ValidationError(errors)
    return day, action, text


# --- job spells ----------------------------------------------------------------------------------

SPELL_FIELDS = ("start_month", "end_month", "place", "place_text", "channel", "employer_name",
                "monthly_income", "transport_subsidy", "source")


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _month(value, field: str, fail, label, *, required: bool) -> datetime.date | None:
    """The month of a date (its first day), within EARLIEST_MONTH and this month."""
    if value in (None, ""):
        if required:
            fail(field, _("请填写%(label)s") % {"label": label})
        return None
    if not isinstance(value, datetime.date):
        fail(field, _("%(label)s应为年月，如 2023-05") % {"label": label})
        return None
    month = value.replace(day=1)
    if month > this_month():
        fail(field, _("%(label)s不能晚于本月") % {"label": label})
    elif month < EARLIEST_MONTH:
        fail(field, _("%(label)s不能早于 %(month)s") % {"label": label, "month": month_label(EARLIEST_MONTH)})
    else:
        return month
    return None


def _money(value, field: str, fail) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MONEY:
        fail(field, _("应为 0 到 1,000,000 之间的整数（元）"))
        return None
    return value


def clean_spell(data: dict, spell: EmploymentSpell | None = None) -> dict:
    """Field values for a new or changed job spell, or ValidationError naming each bad field.
    Keys not in `data` keep the spell's current values. (Whether it fits among the person's other
    spells is spell_conflict's question.)"""
    errors, fail = _collector()
    values: dict = {}
    new = spell is None
    if "start_month" in data or new:
        month = _month(data.get("start_month"), "start_month", fail, _("开始年月"), required=True)
        if month:
            values["start_month"] = month
    if "end_month" in data:
        values["end_month"] = _month(data.get("end_month"), "end_month", fail, _("结束年月"), required=False)
    if "place" in data or new:
        place = data.get("place") or ""
        if not place:
            fail("place", _("请选择务工地域（县内、县外省内或省外）"))
        elif place not in allowed(c.SpellPlace):
            fail("place", _("“%(v)s”不是可选的值") % {"v": place})
        else:
            values["place"] = place
    for field, options in (("channel", c.Channel), ("source", c.SpellSource)):
        if field in data:
            value = data.get(field) or ""
            if value and value not in allowed(options):
                fail(field, _("“%(v)s”不是可选的值") % {"v": value})
            elif value or field == "channel":
                values[field] = value
    for field, limit in (("place_text", 100), ("employer_name", 200)):
        if field in data:
            label = str(EmploymentSpell._meta.get_field(field).verbose_name)
            text, problem = clean_text(data.get(field), limit, name_of=label)
            if problem:
                fail(field, problem)
            values[field] = text
    for field in ("monthly_income", "transport_subsidy"):
        if field in data:
            values[field] = _money(data.get(field), field, fail)
    start = values.get("start_month", spell.start_month if spell else None)
    end = values.get("end_month", spell.end_month if spell else None)
    if start and end and end < start and "start_month" not in errors and "end_month" not in errors:
        fail("end_month" if "end_month" in values else "start_month",
             _("结束年月（%(end)s）不能早于开始年月（%(start)s）") % {
                 "end": month_label(end), "start": month_label(start)})
    if errors:
        raise ValidationError(errors)
    return values


def _overlaps(start: datetime.date, end: datetime.date | None, other: EmploymentSpell) -> bool:
    """Whether two spells share a month beyond a handover: the next job may start in the month the
    last one ended, as people change jobs within a month."""
    far = datetime.date.max
    return start < (other.end_month or far) and other.start_month < (end or far)


def spell_conflict(person: Person, start: datetime.date, end: datetime.date | None,
                   spell: EmploymentSpell | None = None) -> tuple[EmploymentSpell | None, ValidationError | None]:
    """How a spell from `start` to `end` (None: open) fits among the person's other spells: the open
    spell that a new open one closes (a change of job), and the refusal if it overlaps another."""
    others = list(EmploymentSpell.objects.filter(person=person).exclude(pk=spell.pk if spell else None))
    current = next((other for other in others if other.end_month is None), None)
    closing = None
    if end is None and current is not None:
        if start < current.start_month:
            return None, ValidationError({"start_month": [
                _("已有 %(spell)s 的在岗务工经历，新的在岗经历不能早于它开始：请先修改或结束那一段") % {
                    "spell": _described(current)}]})
        closing = current
    for other in others:
        if other is closing:
            continue  # it ends in the month the new one starts
        if _overlaps(start, end, other):
            field = "end_month" if end is not None and other.start_month >= start else "start_month"
            return None, ValidationError({field: [_("与务工经历 %(spell)s 的时间重叠，请核对开始和结束年月") % {
                "spell": _described(other)}]})
    return closing, None


def _described(spell: EmploymentSpell) -> str:
    where = spell.employer_name or spell.place_text or spell.get_place_display()
    return f"{spell.months_label}（{where}）"
