"""The employment list's export: columns as the page shows them (ID numbers masked), under the employer
side's export permission; the rows are those the user's employment list holds."""

from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, region_name_column
from bangfu.employers.employment import filters, selectors
from bangfu.employers.permissions import Perm

EMPLOYMENTS = Export(
    name="employments",
    title=_("用工记录"),
    perm=Perm.EXPORT_EMPLOYERS,
    queryset=lambda user: selectors.employments_for_user(user),
    filters=filters.EMPLOYMENTS,
    columns=(
        Column(_("编号"), lambda e: e.pk),
        Column(_("姓名"), lambda e: e.person.name),
        Column(_("证件号码"), lambda e: e.person.id_number_masked),
        Column(_("用人单位"), lambda e: e.employer.name),
        Column(_("车间"), lambda e: e.workshop.name if e.workshop_id else ""),
        region_name_column(_("就业地（县）"), 6),
        Column(_("岗位"), lambda e: e.job_title),
        choice_column(_("用工形式"), "agreement"),
        Column(_("合同期限（月）"), lambda e: e.agreement_months),
        Column(_("每周工时"), lambda e: e.weekly_hours),
        Column(_("入职日期"), lambda e: e.start_date),
        Column(_("离职日期"), lambda e: e.end_date),
    ),
)

EXPORTS = (EMPLOYMENTS,)
