"""The audit log as people read it: who (their name, the login name beside it), which record (a
link where the reader may open it), the place by name and the detail in words.

Everything shown goes through `redact()` again: no identifier is ever shown in clear, even from a
free-text field a record is shown by (a survey's findings).
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.audit.models import AuditEntry, detail_label, label_of, model_of
from bangfu.core import plugins
from bangfu.core.permissions import scope
from bangfu.core.sensitive import redact
from bangfu.regions import codes
from bangfu.regions.models import Region

SHOWN_CHARS = 24  # a record shown by free text (a survey's findings) is cut to this length
# Detail keys whose values are region codes (or their leading digits).
REGION_KEYS = {"county", "from", "region"}
# Names under which commands write entries without an account.
WRITERS = {"generator": gettext_lazy("数据生成程序"), "(command line)": gettext_lazy("命令行")}
# "what" of entries other than exports.
WHAT = {"refresh": gettext_lazy("重新计算劳动力与就业人数"), "people": gettext_lazy("人员")}


@dataclasses.dataclass(frozen=True)
class Link:
    """A record as the log shows it: its kind, how it is known, and its page if the reader may open it."""

    kind: str
    text: str
    url: str = ""


@dataclasses.dataclass
class Shown:
    entry: AuditEntry
    who: str
    login: str
    record: Link | None
    region: str
    details: list[tuple[str, str | Link]]


def describe(entries, reader) -> list[Shown]:
    """A page of entries for this reader, in a fixed number of queries."""
    entries = list(entries)
    links = _Links(reader)
    places = _Places()
    for entry in entries:
        if entry.object_type and entry.object_id.isdigit():
            links.want(model_of(entry.object_type), int(entry.object_id))
        places.want(entry.region_code)
        for key, value in entry.detail.items():
            related = model_of(key) if key != "fields" else None
            if related is not None and _is_pk(value):
                links.want(related, int(value))
            elif key in REGION_KEYS and isinstance(value, str):
                places.want(value)
            elif key == "filters" and isinstance(value, dict) and isinstance(value.get("region"), str):
                places.want(value["region"])
    links.fetch()
    places.fetch()
    return [_shown(entry, links, places) for entry in entries]


def detail_text(entry: AuditEntry) -> str:
    """One entry's detail as the log shows it, for a reader who may open no record (字段：意向岗位；原因：…)."""
    shown = describe([entry], reader=None)[0]
    return "；".join(f"{label}：{value.kind} {value.text}" if isinstance(value, Link) else f"{label}：{value}"
                    for label, value in shown.details)


def _is_pk(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit()


def _shown(entry: AuditEntry, links: "_Links", places: "_Places") -> Shown:
    if entry.user is not None:
        who, login = entry.user.get_full_name() or entry.username, entry.username
    else:
        who, login = str(WRITERS.get(entry.username, entry.username)), ""
    record = None
    if entry.object_type:
        model = model_of(entry.object_type)
        record = links.get(model, int(entry.object_id)) if entry.object_id.isdigit() else None
        record = record or Link(entry.object_label(), f"#{entry.object_id}")
    details = []
    if entry.field:
        details.append((_("字段"), entry.field_label()))
    model = model_of(entry.object_type) if entry.object_type else None
    details += [(detail_label(key, model), _detail(entry, key, value, links, places))
                for key, value in entry.detail.items()]
    return Shown(entry, redact(who), redact(login if login != who else ""), record,
                 places.name(entry.region_code) if entry.region_code else "", details)


def _detail(entry: AuditEntry, key: str, value, links: "_Links", places: "_Places") -> str | Link:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    related = model_of(key) if key != "fields" else None
    if related is not None and _is_pk(value):
        return links.get(related, int(value)) or Link(str(related._meta.verbose_name), f"#{value}")
    if key == "fields" and isinstance(value, list):
        model = model_of(entry.object_type)
        return "、".join(label_of(str(name), model) for name in value) or "—"
    if key in ("what", "generated"):
        return _what(str(value))
    if key == "filters" and isinstance(value, dict):
        return _filters(entry, value, places) or _("无")
    if key in REGION_KEYS and isinstance(value, str):
        return places.name(value)
    if key == "role":
        return str(dict(get_user_model()._meta.get_field("role").choices).get(value, value))
    if isinstance(value, list):
        return redact("、".join(str(v) for v in value))
    if isinstance(value, dict):
        return redact("，".join(f"{k}：{v}" for k, v in value.items()))
    return redact(str(value))


def _what(name: str) -> str:
    export = plugins.exports().get(name)
    if export is not None:
        return str(export.title)
    if name in WHAT:
        return str(WHAT[name])
    model = model_of(name)
    return str(model._meta.verbose_name) if model is not None else redact(name)


def _filters(entry: AuditEntry, values: dict, places: "_Places") -> str:
    """An export's filters with the labels and value labels its filter set declares."""
    export = plugins.exports().get(str(entry.detail.get("what", "")))
    declared = export.filters.filters if export is not None else {}
    parts = []
    for name, value in values.items():
        if name == "q":
            parts.append(f"{_('搜索')}：{value}")
            continue
        flt = declared.get(name)
        label = str(flt.label) if flt is not None else name
        if name == "region" and isinstance(value, str):
            shown = places.name(value)
        elif flt is not None and flt.choices:
            shown = str(dict(flt.choices).get(value, value))
        else:
            shown = str(value)
        parts.append(f"{label}：{shown}")
    return redact("，".join(parts))


class _Links:
    """The records a page of entries names, fetched per model through the reader's scope: a record
    the reader may not read is shown by its kind and number only."""

    def __init__(self, reader):
        self.reader = reader
        self.wanted: dict[type, set[int]] = {}
        self.found: dict[tuple[type, int], Link] = {}

    def want(self, model, pk: int) -> None:
        if model is not None:
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self) -> None:
        if self.reader is None:
            return
        surfaces = plugins.surfaces()
        for model, pks in self.wanted.items():
            surface = surfaces.get(model)
            if surface is None or model is AuditEntry:
                continue
            kind = str(model._meta.verbose_name)
            for record in scope(self.reader, model.objects.filter(pk__in=pks), surface.perm):
                text = redact(str(surface.shown_as(record)))
                if len(text) > SHOWN_CHARS:
                    text = text[:SHOWN_CHARS] + "…"
                self.found[(model, record.pk)] = Link(kind, text or f"#{record.pk}", _url(surface, record))

    def get(self, model, pk: int) -> Link | None:
        return self.found.get((model, pk))


def _url(surface, record) -> str:
    if surface.page:
        return reverse(surface.page, args=[record.pk])
    if callable(surface.list_page):
        return surface.list_page(record)
    return reverse(surface.list_page) if surface.list_page else ""


class _Places:
    """Region codes (or leading digits) as names, all looked up in one query: a village with its
    township (丙妹镇 大塘村)."""

    def __init__(self):
        self.codes: set[str] = set()
        self.names: dict[str, str] = {}

    @staticmethod
    def _full(code: str) -> str | None:
        return codes.full_code(code) if code.isdigit() and len(code) <= codes.CODE_LENGTH else None

    def want(self, code: str) -> None:
        full = self._full(code)
        if full:
            self.codes.update({full, codes.full_code(full[:9])})

    def fetch(self) -> None:
        if self.codes:
            self.names = dict(Region.objects.filter(code__in=self.codes).values_list("code", "name"))

    def name(self, code: str) -> str:
        full = self._full(code)
        if full is None:
            return redact(code)
        name = self.names.get(full)
        if name is None:
            return code
        if codes.level_of(full) == codes.VILLAGE and (township := self.names.get(codes.full_code(full[:9]))):
            return f"{township} {name}"
        return name
