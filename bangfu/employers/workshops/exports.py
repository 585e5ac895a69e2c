"""The workshop list as an Excel export (the same scope and filters as the page)."""

from django.utils.translation import gettext_lazy as _

from bangfu.core.exports import Column, Export, choice_column, region_name_column
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import filters, selectors

WORKSHOPS = Export(
    name="workshops",
    title=_("就业帮扶车间"),
    perm=Perm.EXPORT_EMPLOYERS,
    queryset=lambda user: selectors.workshops_for_user(user, Perm.EXPORT_EMPLOYERS),
    filters=filters.WORKSHOPS,
    columns=(
        Column(_("编号"), lambda w: w.pk),
        Column(_("车间名称"), lambda w: w.name),
        Column(_("经营主体"), lambda w: w.employer.name),
        Column(_("统一社会信用代码"), lambda w: w.employer.credit_code),
        choice_column(_("车间类型"), "kind"),
        choice_column(_("所在地类型"), "site"),
        region_name_column(_("县（市、区）"), 6),
        region_name_column(_("乡镇（街道）"), 9),
        region_name_column(_("村（社区）"), 12),
        Column(_("地址"), lambda w: w.address),
        Column(_("主要产品或业务"), lambda w: w.products),
        Column(_("可吸纳就业岗位数"), lambda w: w.capacity),
        Column(_("投产日期"), lambda w: w.start_date.isoformat() if w.start_date else ""),
        Column(_("场地年租金（元）"), lambda w: w.site_rent),
        choice_column(_("状态"), "status"),
        Column(_("认定证书编号"), lambda w: w.certificate_number or ""),
        Column(_("认定日期"), lambda w: w.certified_on.isoformat() if w.certified_on else ""),
        choice_column(_("认定层级"), "certified_level"),
        Column(_("整改期限"), lambda w: w.buffer_until.isoformat() if w.buffer_until else ""),
    ),
)
