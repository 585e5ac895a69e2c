from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.sensitive import identifiers_of


class Action(models.TextChoices):
    REVEAL = "reveal", _("查看完整证件号")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    SURVEY = "survey", _("走访")
    FOLLOW_UP = "follow_up", _("零就业跟进")
    EXPORT = "export", _("导出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    BULK = "bulk", _("批量操作")
    # Told that an ID number is registered outside the user's reach (an existence probe), and
    # refused because the user had been told so too often (registry.validation.guard_id_probe).
    DUPLICATE_PROBE = "duplicate_probe", _("查重：证件号已登记在查看范围以外")
    PROBE_LIMITED = "probe_limited", _("查重次数超限被拒")


class AuditEntry(models.Model):
    """Who did what to which record, when; never edited, never deleted from the application."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=50, blank=True)
    field = models.CharField(_("字段"), max_length=50, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def field_label(self) -> str:
        return label_of(self.field, model_of(self.object_type))

    def object_url(self) -> str:
        """The record's page, for models that have one."""
        model = model_of(self.object_type)
        if model is None or not hasattr(model, "get_absolute_url") or not self.object_id.isdigit():
            return ""
        return model(pk=int(self.object_id)).get_absolute_url()

    def object_label(self) -> str:
        model = model_of(self.object_type)
        return str(model._meta.verbose_name) if model is not None else self.object_type


def model_of(object_type: str):
    """The model an entry names ("registry.person"; entries before 0.2 name the model alone)."""
    try:
        if "." in object_type:
            return apps.get_model(object_type)
        return next(m for m in apps.get_models() if m._meta.model_name == object_type)
    except (LookupError, StopIteration):
        return None


def label_of(field: str, model=None) -> str:
    """A field's name as users know it: a sensitive identifier's label or the field's own."""
    if model is None:
        return field
    declared = identifiers_of(model).get(field)
    if declared is not None:
        return str(declared.label)
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


DETAIL_LABELS = {"fields": _("字段"), "reason": _("原因"), "rows": _("行数"), "filters": _("筛选条件"),
                 "what": _("内容"), "generated": _("生成"), "county": _("县"), "people": _("人数"),
                 "households": _("户数"), "seed": _("随机种子"), "append": _("追加"), "seconds": _("用时（秒）"),
                 "from": _("原区划"), "region": _("区划"), "role": _("角色"), "user": _("账号"), "name": _("名称"),
                 "prefix": _("前缀")}


def detail_label(key: str, model=None) -> str:
    """A detail key as users know it; `model` is the entry's record type, whose fields may be keys
    too ({"id_number": "5226**********0117"} on a duplicate probe)."""
    if key in DETAIL_LABELS:
        return str(DETAIL_LABELS[key])
    related = model_of(key)  # {"person": 12}: the record the entry relates to
    if related is not None:
        return str(related._meta.verbose_name)
    return label_of(key, model)
