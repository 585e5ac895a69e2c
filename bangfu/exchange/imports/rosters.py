"""The roster import (月度用工花名册): each chunk's rows grouped by employer and month and handed to
the employer side's set-based roster function (employers.employment.actions.roster_outcomes), the
same one the roster form uses. The engine makes one RosterPass per pass and calls it through its
table of writers: `row` and `write` for each chunk (a commit on PostgreSQL: `plan`, whose writing
the engine does beside the next chunk's check), `answered` for the rows the engine answered before
they reach it, `finish` once every table has been read.

An operator imports its own organisation's rosters (a 统一社会信用代码 column, if given, must be
its own); an officer names the employer of each row by that column. A row naming a workshop by
name (车间) starts new employments there.

An import is one submission (RosterSubmission, source 导入, one audit entry) per employer and month
it holds, as a submission of the month from the form is: made by the first chunk that writes to that
month, in the chunk's transaction, and added to by each later chunk's (and the finishing step's), so
that a commit killed midway and resumed counts each row once. `reference` ("import:<job id>") is how
a later transaction finds the import's submission; a new import of the same file is a new
submission. Rows the engine answered before they reach `write` count in it too, when their employer
and month could be read: refused (a cell the reader could not read, a repeated row saying something
else) or unchanged (a repeated row saying the same as the first).

An import replaces each month it holds, as a submission of the whole month does: for every
(employer, month) of its rows, the records of that month of people the file does not name at all
are removed (with history rows, counted in the month's submission). A file comes in chunks, so this
is the finishing step, run when every row has been read: in the commit's last transaction, and in
the preview, which lists them. Never is a record lost because of a bad row:

- a person whose row was refused (bad days, a name that does not match, a hidden row …) is named
  all the same and keeps their record;
- a refused row whose person cannot be known (its ID number missing or invalid) keeps that whole
  month as it is (every month of the employer when its month is unreadable, of every employer when
  its employer is), with a warning: fixed and imported again, the month is replaced;
- the error workbook of an earlier import (原行号 … 错误原因) holds only the rows it refused: uploaded
  again with those rows fixed, it adds and updates them and removes nothing.
"""

import collections
import dataclasses

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.permissions import reach_of, scope
from bangfu.employers.employment import actions as employment
from bangfu.employers.employment import rules
from bangfu.employers.models import Employer, RosterSubmission, Workshop
from bangfu.employers.permissions import Perm
from bangfu.exchange.imports.records import Record
from bangfu.exchange.imports.values import header_key
from bangfu.registry import bulk
from bangfu.registry.models import Person, month_label

ANY = None  # the employer or month of a refused row that could not be read: it stands for every one
UNKNOWN_LISTED = 5  # rows named in the warning about a month kept whole
NOBODY_KNOWN = object()  # the person of a refused row whose ID number could not be read
COUNTS = ("added", "updated", "unchanged", "refused", "started", "removed")  # a submission's counts


def is_error_workbook(headers: list) -> bool:
    """The header of an import's error workbook (原行号 first, 错误原因 last), in either language."""
    names = [header_key(h) for h in headers if str(h or "").strip()]
    if len(names) < 3:
        return False
    firsts, lasts = {header_key("原行号")}, {header_key("错误原因")}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            firsts.add(header_key(_("原行号")))
            lasts.add(header_key(_("错误原因")))
    return names[0] in firsts and names[-1] in lasts


@dataclasses.dataclass
class Part:
    """What one transaction adds to the import's submission of an employer's month: counts (COUNTS)
    and refused rows (as RosterSubmission.refusals holds them)."""

    employer: Employer
    counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    refusals: list[dict] = dataclasses.field(default_factory=list)

    def refuse(self, row: int, who: str, errors: dict[str, list[str]]) -> None:
        self.counts["refused"] += 1
        self.refusals.append({"row": row, "who": who, "errors": errors})

    def add(self, result: employment.RosterResult) -> None:
        for name, action in (("added", employment.ADD), ("updated", employment.UPDATE),
                             ("unchanged", employment.UNCHANGED), ("refused", employment.REJECTED)):
            self.counts[name] += result.count(action)
        self.counts["started"] += result.started
        self.refusals += employment._refusals(result)


@dataclasses.dataclass
class Finished:
    """What the finishing step did (or, in the preview, would do): the records removed, each with
    where it was (employer · month), and the warnings."""

    removed: list[tuple[str, employment.Removal]]
    warnings: list[str]


class RosterPass:
    """One pass over an import's roster tables: writes each chunk, and remembers which months of
    which employers the file holds and whom it names there, for the finishing step."""

    removes = True  # its counts have a "remove" besides add, update, unchanged and rejected

    def __init__(self, user, job):
        self.user = user
        self.reference = f"import:{job.pk}"  # the import's submissions (RosterSubmission.reference)
        # (employer id, month) → rows answered before `write`, which the next transaction that writes
        # adds to the submission (the chunk's own, or the finishing step's when no later chunk writes)
        self.pending: dict[tuple, Part] = {}
        self.own = _own(user)  # the operator's organisation (None for an officer)
        self.codes: dict = {}  # credit code as given → as its employer is known (see `row`)
        self.months: dict[tuple[int, object], Employer] = {}  # (employer id, month) the file replaces
        # (employer id | ANY, month | ANY) → the people (ids) named there, refused rows included
        self.named: dict[tuple, set[int]] = collections.defaultdict(set)
        # (employer id | ANY, month | ANY) → refused rows whose person is unknown: (source, row)
        self.unknown: dict[tuple, list] = collections.defaultdict(list)
        # (employer id, month) → the employments its accepted rows were matched to (their records stay;
        # those of the same people's other employments there go, as a month's submission does)
        self.accepted: dict[tuple, list] = collections.defaultdict(list)
        self.correcting = False
        self.source = ""
        self.warnings: list[str] = []

    def begin(self, table, source: str) -> None:
        """A table of the import starts (its rows come next)."""
        self.source = source
        self.correcting = is_error_workbook(table.header.names)
        if self.correcting:
            self.warnings.append(_("%(source)s 是导入的错误报告：只新增和更新其中的行，不移除所在月份的其他记录")
                                 % {"source": source})

    def row(self, record: Record) -> bulk.Row:
        """The record as the rows `write` takes. Its credit code is made the one its employer is
        known by (upper case, no spaces; an operator's own when the file has none), so that the
        engine's check of repeated rows (same ID number, month and code) sees one employer as one."""
        values = record.values
        given = values.get("credit_code")
        code = self.codes.get(given)
        if code is None:
            code = str(given or "").strip().upper() or (self.own.credit_code if self.own is not None else "")
            self.codes[given] = code
        if code:
            values["credit_code"] = code
        data = dict(values)      # the roster's fields (roster_kind.ROSTER), as the reader gave them
        data["row"] = record.row  # its number in the file, which messages and refusals give
        return bulk.Row(record, data)

    def _note(self, employer: Employer | None, month, holder, row_number) -> None:
        """A row of this employer and month (either ANY when unreadable) naming `holder` (a person,
        None when nobody holds its number, NOBODY_KNOWN when its number could not be read)."""
        key = (employer.pk if employer is not None else ANY, month)
        if holder is NOBODY_KNOWN:
            self.unknown[key].append((self.source, row_number))
        elif holder is not None:
            self.named[key].add(holder.pk)
        if employer is not None and month is not ANY and not self.correcting:
            self.months.setdefault(key, employer)

    def write(self, user, rows: list[bulk.Row], *, reason: str, write: bool) -> list[bulk.Outcome]:
        """Check the rows and (with `write`) write them; the outcome of each row."""
        outcomes, written, _settle = self.plan(user, rows, reason=reason)
        if write:
            written()
        return outcomes

    def plan(self, user, rows: list[bulk.Row], *, reason: str):
        """Check the rows against the ledger: (the outcome of each row, a function that writes
        them, whether the next chunk must wait for that writing before it is checked). The engine
        may call the function later, in a transaction of another connection, while it checks the
        next chunk: the rows of a chunk touch records no other chunk does (the engine refuses a
        second row of the same ID number, month and employer), except the employments a row
        starts, which the next chunk's rows of that person must see (hence the wait)."""
        own, named = self.own, _named_employers(user, {r.data.get("credit_code") for r in rows})
        found = rules.holders(r.data["id_number"] for r in rows)
        # What this chunk's transaction adds to the import's submissions: the rows answered before
        # they got here first (taken in the preview and in a resumed commit's chunks written before
        # alike, so that the transaction that wrote them is the one that counted them).
        parts, self.pending = self.pending, {}
        outcomes: dict[object, bulk.Outcome] = {}
        groups: dict[tuple, list[dict]] = collections.defaultdict(list)
        # Each distinct credit code and month is checked once: (employer, errors, the group's key,
        # the people it names).
        answers: dict[tuple, tuple] = {}
        for given in rows:
            data = given.data
            key = (data.get("credit_code"), data.get("month"))
            answer = answers.get(key)
            if answer is None:
                employer, month, errors = _employer_and_month(own, named, *key)
                known = employer if "credit_code" not in errors else None
                self._note(known, month or ANY, None, 0)
                group = (employer.pk, month) if not errors else None
                answer = answers[key] = (employer, errors, group, self.named[known.pk if known else ANY, month or ANY])
            employer, errors, group, people = answer
            holder = found.get(data["id_number"])
            if holder is not None:  # the number is valid here: a holder, or nobody with a record
                people.add(holder.id)
            if errors:
                outcomes[given.ref] = bulk.Outcome(given.ref, bulk.REJECTED, {f: list(m) for f, m in errors.items()},
                                                   who=str(data.get("name") or ""))
                continue
            data["ref"], data["employer"] = given.ref, employer
            groups[group].append(data)
        workshops = _workshops({r["employer"].pk for group in groups.values() for r in group},
                               {r["workshop"] for group in groups.values() for r in group if r.get("workshop")})
        results, started = [], {}
        for (_employer_id, month), group in groups.items():  # in the order the file gives them first
            employer = group[0]["employer"]
            ready = []
            for item in group:
                name = item.pop("workshop", "") or ""
                if name:
                    workshop = workshops.get((employer.pk, name))
                    if workshop is None:
                        message = _("本单位没有名为“%(name)s”的车间") % {"name": name}
                        outcomes[item["ref"]] = bulk.Outcome(item["ref"], bulk.REJECTED, {"workshop": [message]},
                                                             who=str(item.get("name") or ""))
                        _part(parts, employer, month).refuse(item["row"], _who(item.get("name"), item["id_number"]),
                                                             {str(employment.LABELS["workshop"]): [message]})
                        continue
                    item["workshop"] = workshop
                ready.append(item)
            # A month's rows may start employments the chunk's next month's rows of that person fall in.
            carried = started.setdefault(employer.pk, {})
            result = employment.roster_outcomes(user, employer, None, month, ready, write=False, reason=reason,
                                                replace=False, numbers_checked=True, found=found, carried=carried)
            for new in result.writes.new_employments:
                carried.setdefault(new.person_id, []).append(new)
            self.accepted[employer.pk, month] += [outcome.employment for outcome in result.outcomes
                                                  if outcome.action != employment.REJECTED]
            for item, outcome in zip(ready, result.outcomes, strict=True):
                outcomes[item["ref"]] = bulk.Outcome(item["ref"], outcome.action, outcome.errors, outcome.changes,
                                                     outcome.who)
            results.append((employer, month, result))
            _part(parts, employer, month).add(result)

        def written():
            for _employer, _month, result in results:
                result.write(user, reason)
            _add_to_submissions(user, self.reference, parts, reason)

        return [outcomes[given.ref] for given in rows], written, any(result.started for *_, result in results)

    def answered(self, records: list[Record], answers: list[tuple | None]) -> None:
        """Rows the engine answered before they reach `write` (a cell the reader could not read, a
        repeated row, a hidden row): whom they name is remembered all the same, and each answer
        ((action, [(column, reason)]); None for a hidden row) counts in its employer's month's
        submission — a refusal with its reasons, a repetition of an earlier row as unchanged — when
        both could be read."""
        if not records:
            return
        own, named = self.own, _named_employers(self.user, {r.values.get("credit_code") for r in records})
        found = rules.holders(r.values["id_number"] for r in records if r.values.get("id_number"))
        months: dict = {}
        for record, answer in zip(records, answers, strict=True):
            values = record.values
            errors, fail = rules._collector()
            employer = _employer_of(own, named, values.get("credit_code"), fail)
            given_month = values.get("month")
            if given_month not in months:
                months[given_month] = rules.clean_month(given_month, rules._collector()[1]) if given_month else None
            number, month = values.get("id_number"), months[given_month]
            self._note(None if errors else employer, month or ANY, found.get(number) if number else NOBODY_KNOWN,
                       record.row)
            if answer is None or errors or employer is None or not month:
                continue
            action, reasons = answer
            if action != bulk.REJECTED:
                _part(self.pending, employer, month).counts["unchanged"] += 1
                continue
            why: dict[str, list[str]] = {}
            for column, message in reasons:
                why.setdefault(column or _("整行"), []).append(str(message))
            _part(self.pending, employer, month).refuse(record.row, _who(values.get("name"), number), why)

    def finish(self, user, *, reason: str, write: bool) -> Finished:
        """Remove (or, in the preview, list) the records of each month the file holds of the people
        it does not name; a month with a refused row of unknown person is kept whole."""
        done = Finished([], self.warnings)
        parts, self.pending = self.pending, {}  # refused rows after the last chunk that wrote
        for (employer_id, month), employer in sorted(self.months.items(), key=lambda item: (item[0][0], item[0][1])):
            keys = [(employer_id, month), (employer_id, ANY), (ANY, month), (ANY, ANY)]
            unknown = sorted({place for key in keys for place in self.unknown.get(key, ())})
            where = f"{employer.name} · {month_label(month)}"
            if unknown:
                rows = "、".join(_("%(source)s 第 %(row)d 行") % {"source": source, "row": number}
                                for source, number in unknown[:UNKNOWN_LISTED])
                if len(unknown) > UNKNOWN_LISTED:
                    rows = _("%(rows)s 等 %(n)d 行") % {"rows": rows, "n": len(unknown)}
                done.warnings.append(_("%(where)s：%(rows)s 的证件号码无法识别，不知是哪一位人员，该月的其他记录"
                                       "全部保留、未移除；改正后重新导入该月的花名册即可替换")
                                     % {"where": where, "rows": rows})
                continue
            named = set().union(*(self.named.get(key, ()) for key in keys))
            accepted = self.accepted.get((employer_id, month), ())  # employments written by now: their ids drawn
            protected = named - {e.person_id for e in accepted}
            removals = employment.unnamed_month_records(employer, month, {e.pk for e in accepted}, protected)
            if write and removals:
                employment.remove_month_records(user, [removal.values for removal in removals], reason)
                _part(parts, employer, month).counts["removed"] += len(removals)
            done.removed.extend((where, removal) for removal in removals)
        if write:
            _add_to_submissions(user, self.reference, parts, reason)
        return done


def _own(user) -> Employer | None:
    """The operator's own organisation, if the user may submit its rosters (None for an officer)."""
    own_id = reach_of(user).organisation_id
    if own_id is None:
        return None
    return scope(user, Employer.objects.all(), Perm.SUBMIT_ROSTER).filter(pk=own_id).first()


def _named_employers(user, codes: set) -> dict[str, Employer]:
    """The employers named by these credit codes that the user may submit for."""
    codes = {str(code).strip().upper() for code in codes if code}
    if not codes:
        return {}
    return {e.credit_code: e for e in scope(user, Employer.objects.all(), Perm.SUBMIT_ROSTER)
            .filter(credit_code__in=codes)}


def _employer_and_month(own, named, code, given_month) -> tuple:
    """A row's employer and month, and what is wrong with them (field → messages)."""
    errors, fail = rules._collector()
    employer = _employer_of(own, named, code, fail)
    month = rules.clean_month(given_month, fail)
    return employer, month, errors


def _employer_of(own: Employer | None, named: dict[str, Employer], code, fail) -> Employer | None:
    """The employer a row is for: the operator's own (a code given must be its own), else the one
    its credit code names."""
    code = str(code or "").strip().upper()
    if own is not None:
        if code and code != own.credit_code:
            fail("credit_code", _("只能导入本单位的花名册：统一社会信用代码应为 %(code)s") % {"code": own.credit_code})
        return own
    employer = named.get(code)
    if not code:
        fail("credit_code", _("请填写用人单位的统一社会信用代码"))
    elif employer is None:
        fail("credit_code", _("没有统一社会信用代码为 %(code)s 的单位，或不在您的管辖范围") % {"code": code})
    return employer


def _workshops(employer_ids: set[int], names: set[str]) -> dict[tuple[int, str], Workshop]:
    if not names:
        return {}
    found = Workshop.objects.filter(Q(employer_id__in=employer_ids), name__in=names)
    return {(w.employer_id, w.name): w for w in found}


def _who(name, number) -> str:
    """A refused row's person as a submission shows them: the name given, the ID number masked."""
    name = str(name or "")
    return f"{name}（{Person.id_number.mask_text(number)}）" if number else name


def _part(parts: dict[tuple, Part], employer: Employer, month) -> Part:
    part = parts.get((employer.pk, month))
    if part is None:
        part = parts[employer.pk, month] = Part(employer)
    return part


def _add_to_submissions(user, reference: str, parts: dict[tuple, Part], reason: str) -> None:
    """Add a transaction's parts to the import's submissions (`reference`): the submission of an
    employer's month is made, with its audit entry, by the first transaction that has a part of it;
    later ones add to its counts and refused rows, the row locked (the caller's transaction)."""
    if not parts:
        return
    found = {(s.employer_id, s.month): s for s in RosterSubmission.objects.select_for_update().filter(
        reference=reference, employer_id__in={key[0] for key in parts}, month__in={key[1] for key in parts})}
    for (employer_id, month), part in parts.items():
        refusals = sorted(part.refusals, key=lambda refusal: refusal["row"])
        submission = found.get((employer_id, month))
        if submission is None:
            submission = RosterSubmission.objects.create(
                employer=part.employer, region_code=part.employer.region_code, month=month, submitted_by=user,
                source=RosterSubmission.Source.IMPORT, reference=reference, refusals=refusals,
                **{name: part.counts[name] for name in COUNTS})
            # One entry per submission, written with the first rows it writes (so that an import
            # cancelled midway is logged too); its counts are the submission's, which it links to.
            log.record(user, Action.BULK, submission, region_code=submission.region_code, detail={
                "what": "roster", "month": month.isoformat(), "reason": reason})
            continue
        for name in COUNTS:
            setattr(submission, name, getattr(submission, name) + part.counts[name])
        changed = list(COUNTS)
        if refusals:
            submission.refusals = [*submission.refusals, *refusals]
            changed.append("refusals")
        submission.save(update_fields=changed)
