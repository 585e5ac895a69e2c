"""Lifecycle timelines for the generated workshops (used by employers.generator).

Each workshop gets the events employers.workshops.lifecycle would have written had its history been
entered move by move: 申报, 受理审核 and comments, 认定 with its certificate, a monitoring result every
quarter since, then 监测待处置 / 清理 / 摘牌 / 升级为乡村就业工厂 for the workshops in those states;
dates in order, each event with the status before and after, its details and, like lifecycle, the
evaluation that decided it. Written set-based (bulk_create), not through lifecycle's one-at-a-time
actions, which also refuse dates in the past that lifecycle checks against today.

The plan is made before the workshops are saved (dates, certificate, the months whose records fall
short of the standard) and played after the monthly records exist. Those records cover only the
last twelve months: a move whose evaluation period lies inside them keeps the real evaluation
(evaluation.evaluate, one grouped query per date) and the monitoring result follows it, as an
officer's would; older moves, entered from the files kept before, follow the plan and keep no
evaluation. Without monitoring criteria in force the buffer is six months (seeds 001/003).
"""

import calendar
import dataclasses
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from bangfu.employers.choices import Level, WorkshopStatus
from bangfu.employers.models import Purpose, Workshop, WorkshopEvent, WorkshopReport
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops.lifecycle import TRANSITIONS

S = WorkshopStatus
CERTIFIED = {S.RUNNING, S.PENDING, S.CLEARING, S.REVOKED, S.UPGRADED}
DEFAULT_BUFFER_MONTHS = 6
LOW_INSURANCE = Decimal(10)  # yuan per person-month: below the usual 15 元 criterion
RECORDED_AFTER = 15  # days after a quarter's end by which its monitoring result is in
BATCH = 2000

RETURN_REASONS = ("用工花名册缺少身份证号码和劳动合同，请补充后重新申报",
                  "场地租赁合同已过期，请补充新的租赁合同",
                  "未提供吸纳人员的意外伤害保险缴费凭证，请补充")
REJECT_REASONS = ("生产场地为临时搭建，不符合安全生产条件，不予认定",
                  "申报主体存在严重失信记录，不予认定",
                  "实地核查时未开工生产，用工情况与申报材料不符，不予认定")
REVIEW_NOTES = ("材料齐全，予以受理", "申报材料齐全，进入审核", "")
COMMENTS = ("已实地核查生产场地和用工花名册", "已核对吸纳人员的劳动合同和工资发放记录",
            "已与经营主体负责人座谈，了解带动就业情况")
APPLY_NOTES = ("申请认定为就业帮扶车间", "吸纳当地劳动力就近就业，申请认定", "")
RESUBMIT_NOTES = ("已按审核意见补充材料", "已补充劳动合同和保险缴费凭证")
CERTIFY_NOTES = ("经审核，符合就业帮扶车间认定条件，予以认定", "经实地核查和集体研究，予以认定")
PENDING_NOTES = ("未达到动态监测标准，进入整改期", "吸纳脱贫劳动力或意外伤害保险未达标，限期整改")
CLEARING_NOTES = ("整改期满仍未达标，列入清理",)
REVOKE_REASONS = ("整改期满仍未达到认定条件，予以摘牌", "经营主体停产，经核实予以摘牌")
UPGRADE_NOTES = ("运营满一年，稳定吸纳脱贫劳动力，升级为乡村就业工厂",)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def quarter_index(day: datetime.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_end(index: int) -> datetime.date:
    return ev.quarter_end(index // 4, index % 4 + 1)


def month_end(index: int) -> datetime.date:
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclasses.dataclass
class Step:
    action: str
    day: datetime.date
    comment: str = ""
    details: dict = dataclasses.field(default_factory=dict)
    evaluation: dict | None = None


@dataclasses.dataclass
class Timeline:
    """What a workshop's history is planned to be; `play` turns it into events."""

    status: str  # planned; the played status may be worse when its records fall short
    before: list[Step]  # 申报 … 认定
    certified_on: datetime.date | None = None
    quarters: list[int] = dataclasses.field(default_factory=list)  # monitored, in order
    trouble: set[int] = dataclasses.field(default_factory=set)  # month indexes of short records
    ending: Step | None = None  # 摘牌 or 升级
    # Filled by play():
    events: list[Step] = dataclasses.field(default_factory=list)
    played: str = ""
    buffer_until: datetime.date | None = None


class Planner:
    def __init__(self, county6: str, seed: int, today: datetime.date, months: int):
        self.rng = random.Random(f"bangfu-timelines:{county6}:{seed}")
        self.today = today
        this_month = month_index(today)
        self.first_month = this_month - months  # the first month with records
        current = quarter_index(today)
        self.last_quarter = current - 1 if quarter_end(current - 1) + datetime.timedelta(
            days=RECORDED_AFTER) <= today else current - 2
        self.first_window_quarter = -(-self.first_month // 3)  # the first quarter whose months all have records
        self._sets: dict[datetime.date, list] = {}

    # --- helpers ---------------------------------------------------------------------------------

    def days(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return day + datetime.timedelta(days=self.rng.randint(low, high))

    def before_today(self, day: datetime.date) -> datetime.date:
        return min(day, self.today - datetime.timedelta(days=1))

    def buffer_months(self, region_code: str, on: datetime.date) -> int:
        """The buffer of the monitoring set in force for the region then (lifecycle.buffer_until's)."""
        if on not in self._sets:
            self._sets[on] = cr.sets_in_force(Purpose.MONITOR, on)
        found = cr.set_for(region_code, self._sets[on])
        return found.buffer_months if found is not None and found.buffer_months else DEFAULT_BUFFER_MONTHS

    def buffer_until(self, region_code: str, on: datetime.date) -> datetime.date:
        return ev.add_months(on, self.buffer_months(region_code, on))

    def clearing_quarter(self, region_code: str, pending: int) -> int:
        """The first quarter after `pending` whose end is past the buffer that started then."""
        until = self.buffer_until(region_code, quarter_end(pending))
        quarter = pending + 1
        while quarter_end(quarter) <= until:
            quarter += 1
        return quarter

    def pending_for_clearing_at(self, region_code: str, clearing: int) -> int:
        """The latest quarter a workshop can fall below the standard and be cleared in `clearing`."""
        for pending in range(clearing - 1, clearing - 12, -1):
            if self.clearing_quarter(region_code, pending) == clearing:
                return pending
        return clearing - 3

    def in_window(self, on: datetime.date, period_months: int) -> bool:
        """Does an evaluation on this date read only months the records cover?"""
        return month_index(on) - period_months + 1 >= self.first_month

    def opening(self, applied: datetime.date, reviewed: datetime.date) -> list[Step]:
        return [Step("apply", applied, self.rng.choice(APPLY_NOTES)),
                Step("review", reviewed, self.rng.choice(REVIEW_NOTES))]

    # --- plans -----------------------------------------------------------------------------------

    def plan(self, workshop: Workshop, status: str, first_start: datetime.date, number: int,
             episode: bool = False) -> Timeline:
        """The history of a workshop in this status whose first worker started on `first_start`.
        Sets its start date (never after its application) and its certificate."""
        if status not in CERTIFIED:
            timeline = self._before_certification(status)
        else:
            timeline = self._certified(workshop, status, first_start, episode)
            workshop.certified_on = timeline.certified_on
            workshop.certified_level = Level.CITY if status == S.UPGRADED else Level.COUNTY
            workshop.certificate_number = f"{workshop.region_code[:6]}-{timeline.certified_on.year}-{number:03d}"
            certify = timeline.before[-1]
            certify.details = {"certificate_number": workshop.certificate_number,
                               "certified_on": timeline.certified_on.isoformat(), "level": workshop.certified_level}
        applied = timeline.before[0].day
        if workshop.start_date is None or workshop.start_date >= applied:
            workshop.start_date = (applied - datetime.timedelta(days=self.rng.randint(30, 120))).replace(day=1)
        return timeline

    def _before_certification(self, status: str) -> Timeline:
        rng, today = self.rng, self.today
        steps: list[Step] = []
        if status == S.APPLIED:
            applied = today - datetime.timedelta(days=rng.randint(20, 70))
            returned = self.days(applied, 3, 10)
            steps += [Step("apply", applied, rng.choice(APPLY_NOTES)),
                      Step("return", returned, rng.choice(RETURN_REASONS)),
                      Step("resubmit", self.before_today(self.days(returned, 3, 12)), rng.choice(RESUBMIT_NOTES))]
        elif status == S.REVIEWING:
            applied = today - datetime.timedelta(days=rng.randint(30, 100))
            reviewed = self.days(applied, 3, 10)
            steps += [*self.opening(applied, reviewed),
                      Step("comment", self.before_today(self.days(reviewed, 5, 20)), rng.choice(COMMENTS))]
        elif status == S.RETURNED:
            applied = today - datetime.timedelta(days=rng.randint(20, 90))
            reviewed = self.days(applied, 3, 10)
            steps += [*self.opening(applied, reviewed),
                      Step("return", self.before_today(self.days(reviewed, 3, 15)), rng.choice(RETURN_REASONS))]
        else:  # rejected
            applied = today - datetime.timedelta(days=rng.randint(60, 200))
            reviewed = self.days(applied, 3, 10)
            steps += [*self.opening(applied, reviewed),
                      Step("comment", self.days(reviewed, 3, 10), rng.choice(COMMENTS)),
                      Step("reject", self.before_today(self.days(reviewed, 15, 40)), rng.choice(REJECT_REASONS))]
        return Timeline(status, steps)

    def _certified(self, workshop: Workshop, status: str, first_start: datetime.date, episode: bool) -> Timeline:
        rng, last, region = self.rng, self.last_quarter, workshop.region_code
        trouble_from = None  # the first quarter whose records fall short
        monitored_to = last
        ending = None
        if status == S.PENDING:
            choices = [p for p in (last - 1, last) if self.clearing_quarter(region, p) > last]
            trouble_from = rng.choice(choices)
        elif status == S.CLEARING:
            trouble_from = self.pending_for_clearing_at(region, last)
        elif status == S.REVOKED:
            monitored_to = last - rng.randint(1, 2)
            trouble_from = self.pending_for_clearing_at(region, monitored_to)
            revoked = self.before_today(self.days(quarter_end(monitored_to), RECORDED_AFTER + 20, RECORDED_AFTER + 60))
            reason = rng.choice(REVOKE_REASONS)
            ending = Step("revoke", revoked, reason, {"reason": reason})
        elif status == S.UPGRADED:
            on = month_end(month_index(self.today) - 1)  # the twelve months of records end there
            ending = Step("upgrade", self.before_today(self.days(on, 3, 12)), rng.choice(UPGRADE_NOTES),
                          {"on": on.isoformat()})
        latest = {S.RUNNING: self.today - datetime.timedelta(days=rng.randint(20, 60)),
                  S.UPGRADED: quarter_end(last - 4)}.get(status)
        if trouble_from is not None:
            latest = quarter_end(trouble_from - 2)
        trouble: set[int] = set()
        if episode and status == S.RUNNING:
            quarter = self.first_window_quarter
            if quarter < last and first_start + datetime.timedelta(days=150) <= quarter_end(quarter - 2):
                latest = min(latest, quarter_end(quarter - 2))
                trouble = {quarter * 3, quarter * 3 + 1, quarter * 3 + 2}
        if trouble_from is not None:
            trouble = set(range(trouble_from * 3, month_index(self.today)))
        certified = min(self.days(first_start, 45, 150), latest)
        applied = certified - datetime.timedelta(days=rng.randint(25, 60))
        reviewed = self.days(applied, 3, 10)
        steps = self.opening(applied, reviewed)
        if rng.random() < 0.6 and (certified - reviewed).days > 4:
            commented = self.days(reviewed, 1, (certified - reviewed).days - 2)
            steps.append(Step("comment", commented, rng.choice(COMMENTS)))
        steps.append(Step("certify", certified, rng.choice(CERTIFY_NOTES)))
        quarters = list(range(quarter_index(certified) + 1, monitored_to + 1))
        return Timeline(status, steps, certified_on=certified, quarters=quarters, trouble=trouble, ending=ending)

    # --- playing ---------------------------------------------------------------------------------

    def play(self, workshop: Workshop, timeline: Timeline, evaluations: dict) -> None:
        """The events of the timeline, the monitoring results following the evaluations where the
        records cover their period (`evaluations[(purpose, on, workshop id)]`), else the plan."""
        rng = self.rng
        events = [dataclasses.replace(step) for step in timeline.before]
        if timeline.certified_on is not None:
            certify = events[-1]
            found = evaluations.get((Purpose.CERTIFY, certify.day, workshop.pk))
            certify.evaluation = found.as_dict() if found is not None else None
        status = S.RUNNING if timeline.certified_on is not None else timeline.status
        buffer = None
        for quarter in timeline.quarters:
            if status == S.CLEARING:
                break  # cleared: nothing is monitored any more, only 摘牌 remains
            on = quarter_end(quarter)
            found = evaluations.get((Purpose.MONITOR, on, workshop.pk))
            passed = found.passed if found is not None else None
            if passed is None:
                passed = quarter * 3 not in timeline.trouble
            details = {"on": on.isoformat()}
            comment = ""
            if passed:
                action, result, status, buffer = "monitor_normal", "normal", S.RUNNING, None
            elif status == S.RUNNING:
                action, result, status = "monitor_pending", "pending", S.PENDING
                buffer = self.buffer_until(workshop.region_code, on)
                details["buffer_until"] = buffer.isoformat()
                comment = rng.choice(PENDING_NOTES)
            elif on > buffer:
                action, result, status = "monitor_clearing", "clearing", S.CLEARING
                comment = rng.choice(CLEARING_NOTES)
            else:
                action, result = "monitor_pending", "pending"
            recorded = self.before_today(self.days(on, 5, 25))
            events.append(Step(action, recorded, comment, {"result": result, **details},
                               found.as_dict() if found is not None else None))
        ending = timeline.ending
        if ending is not None and ending.action == "revoke":
            events.append(dataclasses.replace(ending))
            status = S.REVOKED
        elif ending is not None and status == S.RUNNING:
            found = evaluations.get((Purpose.UPGRADE, datetime.date.fromisoformat(ending.details["on"]), workshop.pk))
            if found is None or found.passed is not False:
                events.append(dataclasses.replace(ending, evaluation=found.as_dict() if found is not None else None))
                status = S.UPGRADED
        timeline.events, timeline.played, timeline.buffer_until = events, status, buffer

    def wanted_evaluations(self, plans: list[tuple[Workshop, Timeline]]) -> dict[tuple[str, datetime.date], list]:
        """{(purpose, on): workshops} for every move whose evaluation period the records cover."""
        wanted: dict[tuple[str, datetime.date], list] = {}
        for workshop, timeline in plans:
            if timeline.certified_on is None:
                continue
            if self.in_window(timeline.certified_on, 3):
                wanted.setdefault((Purpose.CERTIFY, timeline.certified_on), []).append(workshop)
            for quarter in timeline.quarters:
                if quarter >= self.first_window_quarter:
                    wanted.setdefault((Purpose.MONITOR, quarter_end(quarter)), []).append(workshop)
            if timeline.ending is not None and timeline.ending.action == "upgrade":
                on = datetime.date.fromisoformat(timeline.ending.details["on"])
                if self.in_window(on, 12):
                    wanted.setdefault((Purpose.UPGRADE, on), []).append(workshop)
        return wanted


def evaluate_all(wanted: dict) -> dict:
    """{(purpose, on, workshop id): Evaluation}: one evaluation run (a few grouped queries) per date."""
    found = {}
    for (purpose, on), workshops in sorted(wanted.items(), key=lambda item: (item[0][1], item[0][0])):
        for evaluation in ev.evaluate(workshops, on, purpose):
            found[(purpose, on, evaluation.workshop.pk)] = evaluation
    return found


def _moments(rng: random.Random, steps: list[Step]) -> list[datetime.datetime]:
    """Office-hour times for the steps' days, strictly increasing."""
    moments: list[datetime.datetime] = []
    for step in steps:
        moment = timezone.make_aware(datetime.datetime.combine(
            step.day, datetime.time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59))))
        if moments and moment <= moments[-1]:
            moment = moments[-1] + datetime.timedelta(minutes=rng.randint(5, 40))
        moments.append(moment)
    return moments


def write_events(planner: Planner, plans: list[tuple[Workshop, Timeline]], actor) -> int:
    """The played timelines as WorkshopEvents, and each workshop as its last event left it: status,
    buffer, version (one per move, as lifecycle counts them), 申报时间."""
    rng = planner.rng
    events, changed = [], []
    for workshop, timeline in plans:
        status = ""
        moments = _moments(rng, timeline.events)
        for step, moment in zip(timeline.events, moments, strict=True):
            target = _target(step, status)
            events.append(WorkshopEvent(workshop=workshop, action=step.action, from_status=status, to_status=target,
                                        comment=step.comment, details=step.details, evaluation=step.evaluation,
                                        actor=actor, at=moment))
            status = target
        workshop.status = status
        workshop.buffer_until = timeline.buffer_until if status in (S.PENDING, S.CLEARING, S.REVOKED) else None
        workshop.version = len(timeline.events)
        workshop.created_at = moments[0]
        changed.append(workshop)
    WorkshopEvent.objects.bulk_create(events, batch_size=BATCH)
    Workshop.objects.bulk_update(changed, ["status", "buffer_until", "version", "created_at"], batch_size=BATCH)
    return len(events)


def _target(step: Step, status: str) -> str:
    target = TRANSITIONS.get((status or None, step.action))
    if target is None:  # a plan lifecycle would refuse: a bug here, never data to keep
        raise AssertionError(f"{status or None} → {step.action}")
    return target


def write_reports(planner: Planner, plans: list[tuple[Workshop, Timeline]], workers: dict[int, int]) -> int:
    """Yearly business reports (年度经营情况) of the certified workshops, for the years since their
    certification (at most three): revenue and wages in proportion to their workers; the workshop to be
    upgraded reports the revenue the upgrade asks for."""
    rng, year = planner.rng, planner.today.year
    reports = []
    for workshop, timeline in plans:
        if timeline.certified_on is None:
            continue
        last = year - 1
        if timeline.ending is not None and timeline.ending.action == "revoke":
            last = timeline.ending.day.year - 1
        for report_year in range(max(timeline.certified_on.year, year - 3), last + 1):
            people = max(workers.get(workshop.pk, 0), 3)
            revenue = people * rng.randint(90, 160) * 100
            if timeline.status == S.UPGRADED:
                revenue = max(revenue, rng.randint(60, 95) * 10_000)
            reports.append(WorkshopReport(workshop=workshop, year=report_year, revenue=Decimal(revenue),
                                          wages_paid=Decimal(people * rng.randint(180, 300) * 100)))
    WorkshopReport.objects.bulk_create(reports, batch_size=BATCH)
    return len(reports)
