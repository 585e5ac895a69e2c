"""The findings as an Excel export (served by the exchange app at /export/check_findings.xlsx)."""

from django.db.models import Case, CharField, OuterRef, Q, Subquery, When
from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, identifier_column, region_name_column
from bangfu.core.filters import Filter, FilterSet
from bangfu.core.permissions import prefix_q

# The modules of checks register them on import: before the filter below lists them.
from bangfu.exchange.checks import definitions, ledger, spells  # noqa: F401
from bangfu.exchange.checks.definitions import HOUSEHOLD, PERSON
from bangfu.exchange.checks.selectors import findings_for_user
from bangfu.registry.models import Household, Person
from bangfu.registry.permissions import Perm as LedgerPerm

FINDINGS = FilterSet(
    "check_findings",
    Filter("check", _("核查项"), lambda v: Q(check_id=v), choices=definitions.choices()),
    Filter("region", _("区划"), lambda v: prefix_q("region_code", v), pattern=r"[0-9]{1,12}", max_length=12,
           description="region code or its leading digits (522633101 = the township 丙妹镇)"),
)

def _of(model, kind: str, field: str):
    """A field of the finding's record (null when the finding is about the other model)."""
    value = Subquery(model.objects.filter(pk=OuterRef("record_id")).values(field)[:1])
    return Case(When(model=kind, then=value), default=None, output_field=CharField())


def with_records(findings):
    """Findings with their records' names and masked identifiers, one query for all rows."""
    return findings.annotate(
        household_number=_of(Household, HOUSEHOLD, "number"),
        household_head=_of(Household, HOUSEHOLD, "head_name"),
        person_name=_of(Person, PERSON, "name"),
        # The columns the ID number's mask is made of (identifier_column reads them by these names).
        id_number_head=_of(Person, PERSON, "id_number_head"),
        id_number_tail=_of(Person, PERSON, "id_number_tail"),
        id_number_hash=_of(Person, PERSON, "id_number_hash"),
    )


def _check(finding):
    return definitions.get(finding.check_id)


def _record(finding) -> str:
    if finding.model == PERSON:
        return finding.person_name or ""
    return f"{finding.household_number or ''} {finding.household_head or ''}".strip()


FINDINGS_EXPORT = Export(
    name="check_findings",
    title=_("核查结果"),
    perm=LedgerPerm.EXPORT,  # exporting is the ledger's permission; the rows need view_checks too
    queryset=lambda user: with_records(findings_for_user(user)),
    filters=FINDINGS,
    columns=(
        Column(_("核查项"), lambda f: str(_check(f).title)),
        Column(_("严重程度"), lambda f: str(_check(f).severity_label)),
        region_name_column(_("乡镇"), 9),
        region_name_column(_("村"), 12),
        Column(_("人员/家庭户"), _record),
        identifier_column(Person, "id_number"),
        Column(_("说明"), lambda f: _check(f).reason_label(f.reason)),
    ),
)
