"""Recognising a file's columns: by a field's name, its common aliases, or a 人社 indicator code,
compared case-, space- and width-insensitively (values.header_key). What is left unrecognised is
listed for the mapping step; a mapping the user makes is saved with the shape of the file (the
signature of its header) and applied again to the next file of the same shape.

Merged headers (致贫/返贫风险 over 1–5, 务工情况 over its sub-columns) arrive here as one name per
column, the parts joined by "/" (headers.py); a name that is not known whole is tried by its last
part, then with its parts run together.
"""

import dataclasses
import hashlib
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.exchange.imports.kinds import Kind
from bangfu.exchange.imports.values import header_key

# The 人社 indicator codes (public employment service systems, 就业监测基础数据库) that stand for a
# field of an import kind: code → (field, what the code means). A header may be the code alone
# (AAC003) or carry it beside a name (姓名(aac003)).
INDICATOR_CODES = {
    "aac003": ("name", gettext_lazy("姓名")),
    "aac147": ("id_number", gettext_lazy("证件号码")),
    "aac002": ("id_number", gettext_lazy("社会保障号码（即公民身份号码）")),
    "aac058": ("id_type", gettext_lazy("证件类型")),
    "aab301": ("region_code", gettext_lazy("行政区划代码")),
    "aac004": ("gender", gettext_lazy("性别")),
    "aac006": ("birth_date", gettext_lazy("出生日期")),
    "aac005": ("ethnicity", gettext_lazy("民族")),
    "aac011": ("education", gettext_lazy("文化程度")),
    "aae005": ("phone", gettext_lazy("联系电话")),
    "aae006": ("address", gettext_lazy("地址")),
    "aae013": ("notes", gettext_lazy("备注")),
    "abc913": ("start", gettext_lazy("劳动合同开始日期（务工开始时间）")),
    "abc914": ("end", gettext_lazy("劳动合同终止日期（务工结束时间）")),
}
_CODE = re.compile(r"(?<![a-z])(a[a-z]{2}\d{3})(?!\d)")


@dataclasses.dataclass
class Recognition:
    """Column index → field name for the recognised columns; the others with their header."""

    fields: dict[int, str]
    unrecognised: list[tuple[int, str]]
    duplicates: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)  # (index, header, field)

    def missing(self, kind: Kind) -> list[str]:
        """Labels of the required fields no column gives."""
        given = set(self.fields.values())
        return [str(f.label) for f in kind.required if f.name not in given]


def names_of(kind: Kind) -> dict[str, str]:
    """Every header key a kind's fields are known by → the field."""
    names: dict[str, str] = {}
    for field in kind.fields:
        for name in (str(field.label), *field.aliases, field.name):
            names.setdefault(header_key(name), field.name)
    return names


def field_for(header: str, kind: Kind, names: dict[str, str] | None = None) -> str | None:
    names = names if names is not None else names_of(kind)
    key = header_key(header)
    if not key:
        return None
    candidates = [key]
    if "/" in key:
        parts = [p for p in key.split("/") if p]
        candidates += [parts[-1], "".join(parts)] if parts else []
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    fields = {f.name for f in kind.fields}
    for code in _CODE.findall(key):
        field = INDICATOR_CODES.get(code, (None,))[0]
        if field in fields:
            return field
    bare = re.sub(r"\(.*?\)$", "", key)  # 务工月收入(元) → 务工月收入
    if bare != key and bare in names:
        return names[bare]
    return None


def recognise(headers: list[str], kind: Kind) -> Recognition:
    """Which field each column holds. A field given by two columns keeps the first; the second is
    listed in `duplicates` (the mapping step asks about it)."""
    names = names_of(kind)
    result = Recognition({}, [])
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = field_for(header, kind, names)
        if field is None:
            if header_key(header):
                result.unrecognised.append((index, header))
        elif field in taken:
            result.duplicates.append((index, header, field))
        else:
            result.fields[index] = field
            taken.add(field)
    return result


def score(headers: list[str], kind: Kind) -> int:
    """How many columns of a header row a kind recognises (choosing the kind of a free-form file)."""
    names = names_of(kind)
    return sum(field_for(h, kind, names) is not None for h in headers)


# --- saved mappings --------------------------------------------------------------------------------


def signature(headers: list[str]) -> str:
    """The shape of a file: a hash of its header keys in order (blank columns included, so a file
    with a column inserted has another shape)."""
    joined = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


class MappingError(ValueError):
    pass


def save_mapping(headers: list[str], kind: Kind, fields: dict[int, str]) -> dict:
    """A mapping to store (JSON): the shape, the kind and header key → field (or "" to ignore)."""
    known = {f.name for f in kind.fields}
    for field in fields.values():
        if field and field not in known:
            raise MappingError(_("“%(field)s”不是%(kind)s的字段") % {"field": field, "kind": kind.label})
    chosen = [f for f in fields.values() if f]
    if len(chosen) != len(set(chosen)):
        raise MappingError(_("同一字段只能对应一列"))
    return {"signature": signature(headers), "kind": kind.name,
            "columns": {header_key(headers[index]): field for index, field in fields.items()}}


def apply_mapping(mapping: dict, headers: list[str], kind: Kind) -> Recognition:
    """Recognition of a file by a saved mapping: the user's choices first, the automatic
    recognition for the columns the mapping does not name. Refused for a file of another shape."""
    if mapping.get("signature") != signature(headers) or mapping.get("kind") != kind.name:
        raise MappingError(_("保存的列对应关系不适用于此文件：文件的表头与保存时不同"))
    automatic = recognise(headers, kind)
    chosen = mapping.get("columns", {})
    result = Recognition({}, [])
    for index, header in enumerate(headers):
        key = header_key(header)
        if key in chosen:
            if chosen[key]:
                result.fields[index] = chosen[key]
        elif index in automatic.fields and automatic.fields[index] not in chosen.values():
            result.fields[index] = automatic.fields[index]
        elif key:
            result.unrecognised.append((index, header))
    return result
