"""Rows to records: a normalised row of a kind as the field values a later commit hands to the
registry's actions (registry/validation.py's clean_person / clean_household speak the same
names), with every problem found on the way as a CellError naming the row, the column as the file
heads it, the value as given and the reason in Chinese.

A record with errors is rejected whole (a commit never writes half a row). Merging across the
monitoring exports: people by 证件号码 (`merge`), households by 户编号 with their head by 与户主关系 =
户主 (`group_households`).
"""

import dataclasses
import datetime
import operator
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from bangfu.exchange.imports.columns import Recognition
from bangfu.exchange.imports.kinds import Field, Kind
from bangfu.exchange.imports.places import Places, work_area
from bangfu.exchange.imports.values import ValueProblem, is_blank, text
from bangfu.registry import choices as c

PLACE = ("county", "township", "village", "region_code")
# The keys of clean_person / clean_household a record may give (the commit passes these on).
PERSON_DATA = ("name", "id_number", "relationship", "region_code", "education", "labour_ability",
               "poverty_status", "monitoring_category", "employment_status", "not_seeking_reason", "phone",
               "relocated", "relocation_site", "notes")
HOUSEHOLD_DATA = ("region_code", "address", "poverty_status", "monitoring_category", "relocated", "relocation_site")


@dataclasses.dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the header as in the file; "" for a problem of the whole row
    value: str  # the cell as given, as text
    reason: str
    field: str = ""  # the field the column holds ("" for the whole row)


@dataclasses.dataclass
class Record:
    row: int
    kind: str
    values: dict  # field → normalised value (only cells that were filled, plus derived fields)
    cells: list  # the row as given (the error workbook writes it back)
    errors: list[CellError]
    source: str = ""  # the file (and sheet) it came from, when several are merged

    @property
    def ok(self) -> bool:
        return not self.errors


# What a column's cache answers besides a value: the cell is blank, or refused (with its reason).
_BLANK = object()
_MISSING = object()
CACHE_LIMIT = 50_000  # distinct values remembered per column (a county's birth dates fit)


class _Refused(str):
    """A reason a cell was refused, as its column's cache keeps it (one string per distinct bad value;
    each row that has it still gets its own CellError)."""


class _Column:
    """How one column of a table is read: its field, and for a field of few distinct values, the
    answer for each text it has met (a people export's 30 columns hold a few hundred words in all)."""

    __slots__ = ("index", "name", "required", "parse", "cache")

    def __init__(self, index: int, field: Field):
        self.index, self.name, self.required = index, field.name, field.required
        self.parse = field.reader() if field.reader else field.parse
        self.cache = {} if field.cached else None

    def answer(self, value):
        """The parsed value, _BLANK or a _Refused reason, remembered for the next row that has the
        same cell (under `key(value)`)."""
        if value is None or value == "" or is_blank(value):
            answer = _BLANK
        else:
            try:
                answer = self.parse(value)
            except ValueProblem as exc:
                answer = _Refused(exc)
        cache = self.cache
        if cache is not None and len(cache) < CACHE_LIMIT and type(answer) not in (list, dict, set):
            cache[key(value)] = answer  # (a list handed to two records would be shared)
        return answer


def key(value):
    """A cell as its column's cache keys it: a text as itself, anything else with its type (1, 1.0
    and True are one key to a dict, and read differently)."""
    return value if type(value) is str else (type(value), value)


class RowReader:
    """Reads the rows of one table (header + recognition) as records of its kind. Built once per
    table: each column's parser (and its cache) is chosen here, and where a row is (county, township,
    village, code) is resolved once per distinct combination."""

    def __init__(self, kind: Kind, headers: list[str], recognition: Recognition, places: Places,
                 county6: str = ""):
        self.kind = kind
        self.headers = headers
        self.columns = [(index, kind.field(name)) for index, name in sorted(recognition.fields.items())]
        self.column_of = {name: index for index, name in recognition.fields.items()}
        self.places = places
        # Work places are judged from the home county: the user's, or the one given.
        self.county6 = county6 or (places.prefix[:6] if len(places.prefix) >= 6 else "")
        # Place columns are read together (_place); no place field is required.
        # (index, field name, the cache's lookup or None, the column): the loop's unpacking is its cheapest read.
        self._plan = [(column.index, column.name, column.cache.get if column.cache is not None else None, column)
                      for column in (_Column(index, field) for index, field in self.columns if field.name not in PLACE)]
        self._empty = {field.name: _("%(label)s不能为空") % {"label": field.label}
                       for _index, field in self.columns if field.required}
        self._place_at = [(index, field.name) for index, field in self.columns if field.name in PLACE]
        indexes = [index for index, _name in self._place_at]
        self._place_cells = operator.itemgetter(*indexes) if len(indexes) > 1 else lambda cells: (cells[indexes[0]],)
        self._place_width = max((index for index, _name in self._place_at), default=-1) + 1
        self._place_answers: dict[tuple, tuple[str, str] | None] = {}
        self._per_kind = getattr(self, f"_{kind.name}", None)

    def read(self, number: int, cells: list) -> Record:
        record = Record(number, self.kind.name, {}, cells, [])
        values = record.values
        width = len(cells)
        for index, name, lookup, column in self._plan:
            value = cells[index] if index < width else None
            answer = lookup(value if type(value) is str else (type(value), value), _MISSING) if lookup is not None \
                else _MISSING  # (key(value), inlined: the loop's every cell)
            if answer is _MISSING:
                answer = column.answer(value)
            if answer is _BLANK:
                if column.required:
                    self.fail(record, name, self._empty[name])
            elif type(answer) is _Refused:
                self.fail(record, name, str(answer))
            else:
                values[name] = answer
        if self._place_at:
            self._place(record, cells, width)
        if self._per_kind is not None:
            self._per_kind(record)
        return record

    def fail(self, record: Record, field: str | None, reason: str) -> None:
        index = self.column_of.get(field) if field else None
        header = self.headers[index] if index is not None else ""
        value = record.cells[index] if index is not None and index < len(record.cells) else None
        record.errors.append(CellError(record.row, header, text(value), reason, field or ""))

    def _place(self, record: Record, cells: list, width: int) -> None:
        # The answer for a row's place cells as given: (field, code) or (field, reason); None when
        # the row gives no place. Only all-text keys are kept (see _Column.answer).
        key = self._place_cells(cells) if width >= self._place_width else tuple(
            cells[index] if index < width else None for index, _name in self._place_at)
        answer = self._place_answers.get(key, _MISSING)
        if answer is _MISSING:
            given = {name: cells[index] for index, name in self._place_at
                     if index < width and not is_blank(cells[index])}
            answer = self._resolve(given)
            if len(self._place_answers) < CACHE_LIMIT and all(type(c) is str or c is None for c in key):
                self._place_answers[key] = answer
        if answer is None:
            return
        field, result = answer
        if type(result) is _Refused:
            self.fail(record, field, str(result))
        else:
            record.values["region_code"] = result

    def _resolve(self, given: dict) -> tuple[str, str] | None:
        if not given:
            return None
        try:
            return "region_code", self.places.village(
                code=text(given.get("region_code", "")), county=text(given.get("county", "")),
                township=text(given.get("township", "")), village=text(given.get("village", "")))
        except ValueProblem as exc:
            field = "region_code" if "region_code" in given else "village" if "village" in given else (
                next(name for name in PLACE if name in given))
            return field, _Refused(exc)

    # --- per kind --------------------------------------------------------------------------------

    def _person(self, record: Record) -> None:
        values = record.values
        number = values.get("id_number")
        if number:  # a valid number (values.id_number checked it): its gender and birth date
            gender = "M" if int(number[16]) % 2 else "F"
            if values.get("gender", gender) != gender:
                self.fail(record, "gender", _("性别与身份证号不一致（身份证号为%(g)s性）")
                          % {"g": c.Gender(gender).label})
            if "birth_date" in values:
                birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                if values["birth_date"] != birth:
                    self.fail(record, "birth_date", _("出生日期与身份证号不一致（身份证号为 %(d)s）")
                              % {"d": birth.isoformat()})
        _poverty(values)
        if "labour_skill" in values:
            values["labour_ability"] = values["labour_skill"]
        if values.get("public_welfare_post"):
            values["employment_status"] = c.EmploymentStatus.PUBLIC_WELFARE
        elif values.get("student"):
            # A student is not labour seeking work (在校生状况).
            values["employment_status"] = c.EmploymentStatus.NOT_SEEKING
            values["not_seeking_reason"] = c.NotSeekingReason.STUDYING

    def _household(self, record: Record) -> None:
        _poverty(record.values)

    def _job_spell(self, record: Record) -> None:
        values = record.values
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            self.fail(record, "end", _("结束时间早于开始时间"))
        if values.get("working") is False:
            return  # 是否已务工 = 否: no job to record
        if "area" not in values and not self._failed(record, "area"):
            try:
                values["area"] = work_area(self.county6, place=values.get("work_county"))
            except ValueProblem as exc:
                self.fail(record, "work_county" if "work_county" in self.column_of else None, str(exc))

    def _failed(self, record: Record, field: str) -> bool:
        index = self.column_of.get(field)
        return index is not None and any(e.column == self.headers[index] for e in record.errors)


def _poverty(values: dict) -> None:
    """户类型 and 监测对象类别 → the ledger's poverty status: a category makes a monitored person."""
    if values.get("monitoring_category"):
        values["poverty_status"] = c.PovertyStatus.MONITORED
    elif "household_type" in values:
        values["poverty_status"] = values["household_type"]  # 监测户 without a category: clean_person asks


def person_data(record: Record) -> dict:
    """What do_create_person / do_update_person get for a person record."""
    return {key: record.values[key] for key in PERSON_DATA if key in record.values}


def household_data(record: Record) -> dict:
    return {key: record.values[key] for key in HOUSEHOLD_DATA if key in record.values}


# --- merging ------------------------------------------------------------------------------------


def merge(records: Iterable[Record], kind: Kind) -> tuple[dict[str, Record], list[Record]]:
    """Records of one kind from several files, one per key (证件号码 or 户编号): later files fill
    what earlier ones left empty; a value that differs is an error on the later row. Records
    without a key (it was missing or refused) are returned apart, with their errors."""
    merged: dict[str, Record] = {}
    unkeyed: list[Record] = []
    for record in records:
        key = record.values.get(kind.key)
        if not key:
            unkeyed.append(record)
            continue
        first = merged.get(key)
        if first is None:
            merged[key] = dataclasses.replace(record, values=dict(record.values), errors=list(record.errors))
            continue
        for field, value in record.values.items():
            if field not in first.values:
                first.values[field] = value
            elif first.values[field] != value:
                label = str(kind.field(field).label) if field in {f.name for f in kind.fields} else field
                first.errors.append(CellError(record.row, label, text(value), _(
                    "与%(source)s第 %(row)d 行的“%(old)s”不一致") % {
                    "source": first.source, "row": first.row, "old": text(first.values[field])}, field))
        first.errors.extend(record.errors)
    return merged, unkeyed


@dataclasses.dataclass
class HouseholdGroup:
    number: str
    members: list[Record]
    head: Record | None
    problems: list[str]


def group_households(records: Iterable[Record]) -> tuple[list[HouseholdGroup], list[Record]]:
    """Person records by 户编号, the head found by 与户主关系 = 户主; a household with no head or
    several gets a problem, and so does one whose members are given in different villages.
    Records with no household number are returned apart."""
    by_number: dict[str, list[Record]] = defaultdict(list)
    loose = []
    for record in records:
        number = record.values.get("household_number")
        (by_number[number] if number else loose).append(record)
    groups = []
    for number, members in by_number.items():
        heads = [r for r in members if r.values.get("relationship") == c.Relationship.HEAD]
        problems = []
        if not heads:
            problems.append(_("户编号 %(n)s 没有户主（与户主关系 = 户主）") % {"n": number})
        elif len(heads) > 1:
            problems.append(_("户编号 %(n)s 有 %(k)d 个户主（第 %(rows)s 行）")
                            % {"n": number, "k": len(heads), "rows": "、".join(str(r.row) for r in heads)})
        villages = {r.values["region_code"] for r in members if r.values.get("region_code")}
        if len(villages) > 1:
            problems.append(_("户编号 %(n)s 的成员登记在不同的村：%(codes)s") % {"n": number,
                                                                      "codes": "、".join(sorted(villages))})
        groups.append(HouseholdGroup(number, members, heads[0] if len(heads) == 1 else None, problems))
    return groups, loose

