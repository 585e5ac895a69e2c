"""One pass over an import job's tables: every row read, checked and either counted (the preview)
or written into the ledger (the commit) through the registry's bulk writes.

Tables go in the order their records depend on each other: households, people, job spells, plans.
Rows go in chunks of CHUNK. A commit writes each chunk in its own transaction together with the
job's counts and `chunks_done`, so a process killed midway leaves every chunk whole or absent, and
the next run (the same function) skips the chunks already written and goes on. The preview and the
commit classify rows the same way, so the preview's counts are what the commit will do (unless
the ledger changes in between: the commit decides on the ledger as it finds it).

A kind another app writes (WRITERS: the employer side's rosters) may also finish: once every table
has been read, in the preview and as the commit's last transaction (counted as one more chunk), it
does what only the whole file can decide — a roster removes the month's records of the people the
file leaves out — and the pass counts that as `remove` and lists it among the changes.

Within one import a record may appear once per kind: a later row with the same key (ID number,
household number, person and start month) is counted unchanged when it says the same as the first,
refused naming the first row when it says something else — never guessed which one is right.
"""

import collections
import contextlib
import contextvars
import dataclasses
import gc
import itertools
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangfu.exchange.imports import jobs, rosters
from bangfu.exchange.imports.errors import SKIPPED_REASONS, ErrorBook
from bangfu.exchange.imports.places import Places
from bangfu.exchange.imports.records import Record, RowReader, household_data, person_data
from bangfu.exchange.imports.tables import Table
from bangfu.exchange.models import ImportJob
from bangfu.registry import bulk, services
from bangfu.registry import choices as c

CHUNK = 5000            # rows per transaction: each chunk's lookups and refreshes are set-based
CHANGES_KEPT = 200      # updates listed on the preview page (all are counted)
WARNINGS_KEPT = 100
ORDER = {"household": 0, "person": 1, "job_spell": 2, "job_plan": 3, "roster": 4}
# Kinds another app writes: kind → a class, made once per pass (`Writer(user, job)`), whose instance
# reads a record as a bulk.Row (`row(record)`), hears that a table starts (`begin(table, source)`),
# writes each chunk set-based (`write(user, rows, reason=, write=)` → outcomes), is told of the rows
# the engine answered before they reach it (`answered(records, answers)`: refused by the reader,
# repeated rows; each answer (action, [(column, reason)]), in the chunk they belong to, before its
# `write` or `plan`; None for hidden rows, which are not imported but name their person), and
# finishes once every table has been read (`finish(user, reason=, write=)` → `removed`, a list of
# (where, removal), and `warnings`): in the preview, and in the commit as its last transaction.
# `removes`: its counts have a REMOVE. A commit on PostgreSQL calls `plan(user, rows, reason=)`
# instead of `write`: (outcomes, a function that writes them, whether the next chunk must wait for
# it), and writes while it checks the next chunk.
WRITERS = {"roster": rosters.RosterPass}
ACTIONS = (bulk.ADD, bulk.UPDATE, bulk.UNCHANGED, bulk.REJECTED)
REMOVE = "remove"  # records a kind's finishing step removes (a roster's month replaced)

# 就业渠道 words as the monitoring module reads them → the ledger's channels. A cell naming several
# gives the one the rules care about first (a public-welfare post, a workshop), else the first named.
CHANNELS = {
    "public_welfare": c.Channel.PUBLIC_WELFARE, "workshop": c.Channel.WORKSHOP,
    "labour_cooperation": c.Channel.ORGANISED, "self_employed": c.Channel.SELF_EMPLOYED,
    "flexible": c.Channel.FLEXIBLE, "wage_work": c.Channel.SELF_FOUND, "enterprise": c.Channel.SELF_FOUND,
    "cooperative": c.Channel.OTHER, "other": c.Channel.OTHER,
}
FIRST_CHANNELS = (c.Channel.PUBLIC_WELFARE, c.Channel.WORKSHOP)
# 务工所在地 / 计划务工地 (read as employment statuses) → where a spell is, how far a plan goes.
PLACES = {c.EmploymentStatus.IN_COUNTY: c.SpellPlace.IN_COUNTY, c.EmploymentStatus.OUT_COUNTY: c.SpellPlace.OUT_COUNTY,
          c.EmploymentStatus.OUT_PROVINCE: c.SpellPlace.OUT_PROVINCE}
TRAVEL = {c.EmploymentStatus.IN_COUNTY: c.TravelRange.COUNTY, c.EmploymentStatus.OUT_COUNTY: c.TravelRange.PROVINCE,
          c.EmploymentStatus.OUT_PROVINCE: c.TravelRange.ANYWHERE}


class Cancelled(Exception):
    pass


@dataclasses.dataclass
class Pass:
    """What one pass keeps while it reads: counts, the first changes, warnings, and what it has seen."""

    job: ImportJob
    write: bool
    counts: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(collections.Counter))
    changes: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    seen: dict = dataclasses.field(default_factory=dict)       # (kind, key) → (source, row, digest)
    pending: set = dataclasses.field(default_factory=set)      # ID numbers a preview would add
    heads: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    members: set = dataclasses.field(default_factory=set)      # household numbers given by people
    rows: int = 0
    chunk: int = 0
    spells_given: bool = False
    analysed_at: int = 0    # people and households added when the planner's statistics were last gathered
    writer: "_Writer | None" = None  # writes chunks of people while the next is read (PostgreSQL)
    carried: dict = dataclasses.field(default_factory=dict)  # households the chunk being written adds
    writers: dict = dataclasses.field(default_factory=dict)  # kind → its WRITERS instance for this pass
    removals: int = 0  # removals listed in `changes` (as many as updates are)


class _Writer:
    """Writes chunks of people (and of another app's kinds: rosters) in a thread of its own (its own
    database connection), one chunk at a time, while the pass reads and checks the next chunk: the
    database's share of the work (the COPY into a table with some twenty indexes, the history rows,
    the commit) runs on one core while Python's (reading, the rules, encryption) runs on the other.
    Each chunk is still one transaction with the job's `chunks_done`; the next is checked against
    the ledger with the households this one adds carried over (the pass's own repeated-row check
    covers people), or, for a kind's chunk that its next chunk must see, once it is written."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self.pending = None
        self.language = translation.get_language()

    def submit(self, function, *args) -> None:
        self.wait()
        context = contextvars.copy_context()  # the acting user (history) goes along
        self.pending = self.pool.submit(context.run, self._run, function, *args)

    def then(self, function) -> None:
        """Run `function` in the writer after the chunk being written (without waiting for it)."""
        pending = self.pending

        def after():
            if pending is not None:
                pending.result()
            function()

        self.pending = self.pool.submit(contextvars.copy_context().run, self._run, after)

    def _run(self, function, *args):
        with translation.override(self.language):
            return function(*args)

    def wait(self) -> None:
        """Until the chunk being written is committed (raises what its writing raised)."""
        future, self.pending = self.pending, None
        if future is not None:
            future.result()

    def close(self) -> None:
        if self.pending is not None:
            self.pending.exception()  # the pass is failing already: its own exception is the one raised
            self.pending = None
        self.pool.submit(connections.close_all).result()  # the thread's own connection
        self.pool.shutdown()


PIPELINED = True  # off: each chunk of people checked, then written, in turn


def _pipelined(write: bool) -> bool:
    """Chunks of people are written beside the reading on PostgreSQL, when the pass runs in no
    transaction of its caller's (the writer's connection would not see into it)."""
    return PIPELINED and write and connection.vendor == "postgresql" and not connection.in_atomic_block


def run_pass(job: ImportJob, *, write: bool, progress=None, opened=None) -> ImportJob:
    """Read the job's tables and count (write=False) or write (write=True) every row; the counts,
    changes, warnings and error workbook end up on the job. Raises Cancelled when the job was
    cancelled meanwhile (chunks written so far stay written). `opened`: the job's tables, unread, when
    the process that uploaded the files runs the pass (else they are read again from the files)."""
    user = job.user
    state = Pass(job, write)
    resume = job.chunks_done if write else 0
    if resume:  # the counts of the chunks written before the process stopped
        for kind, counts in job.counts.get("commit", {}).items():
            state.counts[kind].update(counts)
    reason = _("导入：%(files)s（导入任务 %(id)d）") % {
        "files": "、".join(f["name"] for f in job.files), "id": job.pk}
    name = f"errors-{'commit' if write else 'preview'}.xlsx"
    book = ErrorBook(jobs.job_dir(job) / name)
    tables = sorted(enumerate(jobs.tables_of(job, opened)), key=lambda pair: ORDER[pair[1].kind.name])
    # With the job spells at hand, a person's employment follows them: a person row's 公益性岗位 = 是
    # does not start a spell of its own (dated this month, it would refuse the real, earlier one).
    state.spells_given = any(table.kind.name == "job_spell" for _index, table in tables)
    if _pipelined(write) and any(table.kind.name == "person" or table.kind.name in WRITERS for _index, table in tables):
        state.writer = _Writer()
    try:
        with _collecting_per_chunk():
            _tables(state, tables, book, resume, user, reason, progress)
            if state.writer is not None:
                state.writer.wait()
            _finish(state, resume, user, reason)
    finally:
        if state.writer is not None:
            state.writer.close()
    state.warnings[:0] = _household_warnings(state)
    rejected = book.close()
    ImportJob.objects.filter(pk=job.pk).update(
        counts={**job.counts, "commit" if write else "preview": _plain(state.counts)},
        changes=state.changes, warnings=state.warnings[:WARNINGS_KEPT], rejected=rejected,
        errors_file=name if rejected else "", rows_done=state.rows, rows_total=state.rows,
        updated_at=timezone.now())
    job.refresh_from_db()
    return job


@contextlib.contextmanager
def _collecting_per_chunk():
    """The cyclic garbage collector off during the pass, run over the young objects once per chunk
    (`_tables`) instead. A chunk keeps some 100,000 objects alive (records, rows, outcomes), and the
    collector, run every 700 allocations, kept walking them: a third of a roster import's time.
    What a chunk leaves behind is freed by reference counting; cycles wait for the chunk's end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tables(state: Pass, tables, book: ErrorBook, resume: int, user, reason: str, progress) -> None:
    write = state.write
    places = Places(jobs.region_prefix(user))
    for index, table in tables:
        source = _source(state.job, index, table)
        headers = table.header.names
        records = table.records(places)
        if state.writer is not None and table.kind.name != "person":
            state.writer.wait()  # the next kinds are checked against every person written
        writer = _writer(state, table.kind.name, user)
        if writer is not None:
            writer.begin(table, source)
        while chunk := list(itertools.islice(records, CHUNK)):
            done_before = state.chunk < resume
            outcomes = _chunk(state, table, source, chunk, user, reason, write=write and not done_before)
            for record, action, reasons in outcomes:
                if not (write and done_before):
                    state.counts[table.kind.name][action] += 1
                if action == bulk.REJECTED:
                    book.add(index, source, headers, record.row, record.cells, reasons)
            state.chunk += 1
            state.rows += len(chunk)
            del chunk, outcomes
            gc.collect(1)
            if write and not done_before:
                _keep_statistics(state, table.kind.name,
                                 later=state.writer is not None and table.kind.name == "person")
            if progress:
                progress(state.rows, state.job.rows_total)
        for skipped in table.sheet.skipped:
            book.add(index, source, headers, skipped.row, skipped.cells, [("", str(SKIPPED_REASONS[skipped.reason]))])
        if writer is not None and table.sheet.skipped:
            # A hidden row is not imported, but it names its person all the same.
            reader = RowReader(table.kind, headers, table.recognition, places)
            hidden = [reader.read(skipped.row, skipped.cells) for skipped in table.sheet.skipped
                      if skipped.reason == "hidden"]
            writer.answered(hidden, [None] * len(hidden))


def _writer(state: Pass, kind: str, user):
    """The pass's instance of the kind's writer (None for the ledger's own kinds)."""
    if kind not in WRITERS:
        return None
    if kind not in state.writers:
        state.writers[kind] = WRITERS[kind](user, state.job)
    return state.writers[kind]


def _finish(state: Pass, resume: int, user, reason: str) -> None:
    """The finishing step of each writer of the pass, once every table has been read: in the commit,
    a transaction of its own after the last chunk, counted as a chunk (a resumed commit that had
    done it does not do it again)."""
    for kind, writer in state.writers.items():
        if state.write and state.chunk < resume:
            state.chunk += 1
            continue

        def finished(kind=kind, writer=writer):
            done = writer.finish(user, reason=reason, write=state.write)
            state.counts[kind][REMOVE] += len(done.removed)
            for where, removal in done.removed:
                if state.removals < CHANGES_KEPT:
                    state.changes.append({"kind": kind, "action": REMOVE, "row": None, "source": where,
                                          "who": removal.who, "changes": [list(c) for c in removal.changes()]})
                    state.removals += 1
            state.warnings.extend(str(warning) for warning in done.warnings)
            return _plain(state.counts)

        if state.write:
            _commit(state.job.pk, state.chunk, state.rows, finished)
        else:
            finished()
        state.chunk += 1


STATISTICS_FROM = 5000


def _keep_statistics(state: Pass, kind: str, *, later: bool = False) -> None:
    """Gather the planner's statistics each time the people and households added have doubled
    (from STATISTICS_FROM): a table that grows from nothing to a million rows within one import is
    otherwise planned as if still empty (the lookups of each chunk turn into full scans), whether or
    not the server's autovacuum gets round to it. `later`: by the writer, once the chunk it is
    writing is committed (the reading goes on meanwhile)."""
    if kind not in ("person", "household"):
        return
    added = sum(state.counts[k][bulk.ADD] for k in ("person", "household") if k in state.counts)
    if added >= max(STATISTICS_FROM, 2 * state.analysed_at):
        if later:
            state.writer.then(services.gather_statistics)
        else:
            services.gather_statistics()
        state.analysed_at = added


def _plain(counts) -> dict:
    return {kind: {action: counts[kind][action] for action in _actions(kind)} for kind in counts}


def _actions(kind: str) -> tuple[str, ...]:
    return (*ACTIONS, REMOVE) if getattr(WRITERS.get(kind), "removes", False) else ACTIONS


def _source(job: ImportJob, index: int, table: Table) -> str:
    name = job.files[job.tables[index]["file"]]["name"]
    return f"{name}·{table.sheet.name}" if table.sheet.name else name


def _chunk(state: Pass, table: Table, source: str, chunk: list[Record], user, reason: str, *, write: bool):
    """(record, action, reasons) for each row of the chunk; written in one transaction when `write`."""
    kind = table.kind.name
    answers: dict[int, tuple[str, list]] = {}
    rows: list[bulk.Row] = []
    answered: list[int] = []  # rows answered before they reach a kind's writer
    for number, record in enumerate(chunk):
        if record.errors:
            answers[number] = (bulk.REJECTED, [(e.column, e.reason) for e in record.errors])
            answered.append(number)
            continue
        row = _row(state, kind, record)
        if row is None:  # 是否已务工 = 否: nothing to record
            answers[number] = (bulk.UNCHANGED, [])
            continue
        repeated = _repeated(state, kind, row, record, source)
        if repeated is not None:
            answers[number] = repeated
            answered.append(number)
            continue
        row.ref = number
        rows.append(row)
        if kind == "person" and row.household_number:
            state.members.add(row.household_number)
            state.heads[row.household_number] += row.data.get("relationship") == c.Relationship.HEAD
    if kind in state.writers:
        state.writers[kind].answered([chunk[n] for n in answered], [answers[n] for n in answered])
    if write and kind == "person" and state.writer is not None:
        # Checked here, written by the writer while the next chunk is read and checked.
        plan = bulk.plan_people(user, rows, carried=state.carried)
        state.carried = {household.number: household for household in plan.new_households}
        for outcome in plan.outcomes:
            answers[outcome.ref] = _answer(state, table, chunk[outcome.ref], source, outcome)
        counts = _counted(state, kind, answers)

        def written_later():
            bulk.import_people(user, rows, reason=reason, write=True, plan=plan)
            return counts

        state.writer.submit(_commit, state.job.pk, state.chunk, state.rows + len(chunk), written_later)
    elif write and kind in state.writers and state.writer is not None:
        # The same for another app's kind: checked here, written beside the next chunk's check
        # (unless this chunk's writing must be seen by it first: `settle`).
        outcomes, written, settle = state.writers[kind].plan(user, rows, reason=reason) if rows else ([], None, False)
        for outcome in outcomes:
            answers[outcome.ref] = _answer(state, table, chunk[outcome.ref], source, outcome)
        counts = _counted(state, kind, answers)

        def written_by_writer():
            if written is not None:
                written()
            return counts

        state.writer.submit(_commit, state.job.pk, state.chunk, state.rows + len(chunk), written_by_writer)
        if settle:
            state.writer.wait()
    elif write:
        def written():
            outcomes = _write(kind, user, rows, reason, write=True, state=state)
            for outcome in outcomes:
                answers[outcome.ref] = _answer(state, table, chunk[outcome.ref], source, outcome)
            return _counted(state, kind, answers)

        _commit(state.job.pk, state.chunk, state.rows + len(chunk), written)
    else:
        if ImportJob.objects.filter(pk=state.job.pk, status=ImportJob.Status.CANCELLED).exists():
            raise Cancelled
        for outcome in _write(kind, user, rows, reason, write=False, state=state):
            answers[outcome.ref] = _answer(state, table, chunk[outcome.ref], source, outcome)
            if kind == "person" and outcome.action == bulk.ADD:
                state.pending.add(chunk[outcome.ref].values["id_number"])
        ImportJob.objects.filter(pk=state.job.pk).update(rows_done=state.rows + len(chunk), updated_at=timezone.now())
    return [(chunk[number], *answers[number]) for number in range(len(chunk))]


def _counted(state: Pass, kind: str, answers: dict) -> dict:
    """The commit's counts with this chunk's answers."""
    counts = _plain(state.counts)
    for action, _reasons in answers.values():
        counts.setdefault(kind, dict.fromkeys(_actions(kind), 0))[action] += 1
    return counts


def _commit(job_id: int, number: int, rows_done: int, write) -> None:
    """Write chunk `number` in one transaction with the job's progress: `write()` writes it and
    returns the commit's counts with it."""
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job_id)
        if current.status != ImportJob.Status.COMMITTING or current.chunks_done != number:
            raise Cancelled  # cancelled, or another worker went on with this job
        counts = write()
        ImportJob.objects.filter(pk=current.pk).update(
            chunks_done=number + 1, counts={**current.counts, "commit": counts},
            rows_done=rows_done, updated_at=timezone.now())


def _write(kind: str, user, rows: list[bulk.Row], reason: str, *, write: bool, state: Pass) -> list[bulk.Outcome]:
    if not rows:
        return []
    if kind in state.writers:
        return state.writers[kind].write(user, rows, reason=reason, write=write)
    if kind == "household":
        return bulk.import_households(user, rows, reason=reason, write=write)
    if kind == "person":
        return bulk.import_people(user, rows, reason=reason, write=write)
    if kind == "job_spell":
        return bulk.import_spells(user, rows, reason=reason, write=write, pending=state.pending)
    return bulk.import_plans(user, rows, reason=reason, write=write, pending=state.pending)


def _answer(state: Pass, table: Table, record: Record, source: str, outcome: bulk.Outcome):
    if outcome.action == bulk.UPDATE and len(state.changes) < CHANGES_KEPT and outcome.changes:
        state.changes.append({"kind": table.kind.name, "row": record.row, "source": source, "who": outcome.who,
                              "changes": [list(change) for change in outcome.changes]})
    if outcome.action != bulk.REJECTED:
        return outcome.action, []
    return bulk.REJECTED, [(_column(table, field), message) for field, messages in outcome.errors.items()
                           for message in messages]


# A field a registry rule names → the import field whose column holds it.
_FIELD_COLUMNS = {"start_month": "start", "end_month": "end", "place": "area", "labour_ability": "labour_skill",
                  "poverty_status": "household_type", "household_number": "household_number",
                  "employment_status": "public_welfare_post", "not_seeking_reason": "student",
                  "region_code": "village", "gender": "id_number", "birth_date": "id_number"}


def _column(table: Table, field: str) -> str:
    """The header of the column a refused field came from ("" when no one column holds it)."""
    by_field = {name: index for index, name in table.recognition.fields.items()}
    for name in (field, _FIELD_COLUMNS.get(field, ""), "region_code" if field == "village" else ""):
        if name in by_field:
            return table.header.names[by_field[name]]
    if field == "region_code":
        for name in ("village", "township", "county"):
            if name in by_field:
                return table.header.names[by_field[name]]
    return ""


# --- records → rows ------------------------------------------------------------------------------

def _row(state: Pass, kind: str, record: Record) -> bulk.Row | None:
    if kind in state.writers:
        return state.writers[kind].row(record)
    spells_given = state.spells_given
    values = record.values
    if kind == "person":
        data = person_data(record)
        if spells_given and data.get("employment_status") in c.EMPLOYED_STATUSES:
            del data["employment_status"]
        return bulk.Row(record, data, values.get("household_number", ""), household_data(record))
    if kind == "household":
        return bulk.Row(record, household_data(record), values["household_number"])
    if kind == "job_spell":
        if values.get("working") is False:
            return None
        channels = [CHANNELS[code] for code in values.get("channel", ())]
        channel = next((ch for ch in FIRST_CHANNELS if ch in channels), channels[0] if channels else "")
        data = {"id_number": values["id_number"], "name": values.get("name", ""), "source": c.SpellSource.IMPORT,
                "start_month": values["start"], "end_month": values.get("end"),
                "place": PLACES.get(values.get("area"), ""), "channel": channel,
                "employer_name": values.get("employer_name", ""), "place_text": values.get("work_county", "")}
        for name in ("monthly_income", "transport_subsidy"):
            if name in values:
                data[name] = int(Decimal(values[name]).quantize(Decimal(1), ROUND_HALF_UP))
        if "service_needs" in values:
            data["service_needs"] = values["service_needs"]
        return bulk.Row(record, data)
    data = {"id_number": values["id_number"], "name": values.get("name", ""), "plans_work": values["plans_work"]}
    if values.get("area"):
        data["wish_travel"] = TRAVEL[values["area"]]
    if "service_needs" in values:
        data["service_needs"] = values["service_needs"]
    return bulk.Row(record, data)


_KEYS = {"person": ("id_number",), "household": ("household_number",), "job_spell": ("id_number", "start"),
         "job_plan": ("id_number",), "roster": ("id_number", "month", "credit_code")}


def _repeated(state: Pass, kind: str, row: bulk.Row, record: Record, source: str):
    """None for the first row of its key in this import; else unchanged (it says the same) or
    refused (it says something else), naming the first row."""
    values = record.values
    key = (kind, *map(values.get, _KEYS[kind]))
    try:
        digest = hash(tuple(sorted(values.items())))  # names are distinct: values are never compared
    except TypeError:  # a list among the values
        digest = hash(tuple((name, _hashable(values[name])) for name in sorted(values)))
        key = (kind, *[_hashable(values.get(name)) for name in _KEYS[kind]])
    first = state.seen.get(key)
    if first is None:
        state.seen[key] = (source, record.row, digest)
        return None
    first_source, first_row, first_digest = first
    if first_digest == digest:
        return bulk.UNCHANGED, []
    column = _("证件号码") if kind != "household" else _("户编号")
    return bulk.REJECTED, [("", _("与%(source)s第 %(row)d 行是同一%(what)s（%(column)s相同），但内容不一致："
                                   "请合并为一行") % {"source": first_source, "row": first_row, "column": column,
                                                    "what": _("户") if kind == "household" else _("人")})]


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _household_warnings(state: Pass) -> list[str]:
    """Households of the people imported with no head or several (the import goes on: the 核查
    check lists them too)."""
    warnings = []
    for number in sorted(state.members):
        heads = state.heads[number]
        if heads == 0:
            warnings.append(_("户编号 %(n)s 没有户主（与户主关系 = 户主）") % {"n": number})
        elif heads > 1:
            warnings.append(_("户编号 %(n)s 有 %(k)d 个户主") % {"n": number, "k": heads})
    return warnings

