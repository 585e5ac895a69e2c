"""The employer list as Excel: the list page's filters and scope."""

from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, region_name_column
from bangfu.employers.organisations import filters, selectors
from bangfu.employers.permissions import Perm

EMPLOYERS = Export(
    name="employers",
    title=_("用人单位"),
    perm=Perm.EXPORT_EMPLOYERS,
    queryset=lambda user: selectors.employers_for_user(user, Perm.EXPORT_EMPLOYERS).select_related("industry"),
    filters=filters.EMPLOYERS,
    columns=(
        Column(_("编号"), lambda e: e.pk),
        Column(_("单位名称"), lambda e: e.name),
        Column(_("统一社会信用代码"), lambda e: e.credit_code),
        choice_column(_("单位类型"), "kind"),
        Column(_("行业代码"), lambda e: e.industry.code if e.industry_id else ""),
        Column(_("所属行业"), lambda e: e.industry.name if e.industry_id else ""),
        region_name_column(_("县（市、区）"), 6),
        region_name_column(_("乡镇（街道）"), 9),
        region_name_column(_("村（社区）"), 12),
        Column(_("所在地代码"), lambda e: e.region_code),
        Column(_("地址"), lambda e: e.address),
        Column(_("联系人"), lambda e: e.contact_name),
        Column(_("联系电话"), lambda e: e.contact_phone),
        Column(_("在职职工人数"), lambda e: e.staff_count),
        Column(_("残疾职工人数"), lambda e: e.disabled_staff_count),
        Column(_("上年职工年平均工资（元）"), lambda e: e.average_wage),
        Column(_("在营"), lambda e: e.active),
    ),
)

EXPORTS = (EMPLOYERS,)
