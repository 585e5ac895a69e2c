from django.utils.translation import gettext_lazy as _

from bangfu.core.permissions import define

VIEW_AUDIT = define("view_audit", _("查看审计日志"))
