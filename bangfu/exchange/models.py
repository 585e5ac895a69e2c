"""Exports too big to write while the officer waits: made by the task worker, kept for a while."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Progress:
    """The share of a job's rows done, for its progress bar."""

    @property
    def percent(self) -> int:
        return 100 if not self.rows_total else min(100, self.rows_done * 100 // self.rows_total)


class ExportJob(Progress, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导出")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="+")
    export = models.CharField(_("导出"), max_length=50)            # the registered Export's name
    title = models.CharField(_("名称"), max_length=100)             # its title when it was asked for
    params = models.JSONField(_("筛选条件"), default=dict)           # the list's cleaned filters
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    file = models.CharField(_("文件"), max_length=100, blank=True)   # name in DATA_DIR/exports
    file_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set with each progress report: a running job silent for long lost its worker (stopped, killed).
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.title} #{self.pk}"

    @property
    def expires_at(self) -> datetime.datetime | None:
        if self.status != self.Status.DONE or self.finished_at is None:
            return None
        return self.finished_at + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class ImportJob(Progress, models.Model):
    """Files uploaded to be imported: their tables and column mappings, the preview of what a commit
    would do, and the commit's progress. The files and the error workbook live in
    DATA_DIR/imports/<pk>/ (readable by the server's user only) until the job expires."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("待确认")          # tables read; a mapping may be needed
        PREVIEWING = "previewing", _("正在预览")
        PREVIEWED = "previewed", _("待提交")
        COMMITTING = "committing", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")
        EXPIRED = "expired", _("已过期")            # files deleted after IMPORT_KEEP_HOURS

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("导入类型"), max_length=20, blank=True)  # forced kind; "" = by the headers
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    # [{"name": as uploaded, "stored": file name in the job's folder, "size": bytes}]
    files = models.JSONField(_("文件"), default=list)
    # One entry per table found (imports/jobs.py describe_table): file, sheet, kind, export, headers,
    # signature, fields {column index: field}, unrecognised columns, missing required fields.
    tables = models.JSONField(_("表格"), default=list)
    # {"preview": {kind: {"add", "update", "unchanged", "rejected"}}, "commit": {…}}
    counts = models.JSONField(_("统计"), default=dict)
    # The first updates (row, who, [[field, old, new]]) and the warnings of the last pass.
    changes = models.JSONField(_("修改明细"), default=list)
    warnings = models.JSONField(_("提示"), default=list)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    # The commit's resume point: chunks written (each in its own transaction with this count).
    chunks_done = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(_("未通过行数"), default=0)
    errors_file = models.CharField(_("错误报告"), max_length=100, blank=True)  # in the job's folder
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{', '.join(f['name'] for f in self.files)} #{self.pk}"


    @property
    def busy(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING)

    @property
    def rows_counted(self) -> bool:
        """`rows_total` is what a whole pass counted (a preview, or a commit run without one, as
        `bangfu import` does, once done); until then, the rows the files declare (an estimate)."""
        return "preview" in self.counts or self.status == self.Status.DONE

    @property
    def needs_mapping(self) -> bool:
        return any(table.get("missing") for table in self.tables)


class ImportMapping(models.Model):
    """A column mapping a user made, applied again to the next file of the same shape (its header
    signature) imported in the same region."""

    region_prefix = models.CharField(_("地区"), max_length=12, blank=True)
    signature = models.CharField(max_length=32)
    kind = models.CharField(_("导入类型"), max_length=20)
    mapping = models.JSONField(default=dict)  # columns.save_mapping's dict
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.SET_NULL,
                             null=True, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("列对应关系")
        verbose_name_plural = _("列对应关系")
        constraints = [models.UniqueConstraint(fields=["region_prefix", "signature", "kind"],
                                               name="import_mapping_shape")]

    def __str__(self):
        return f"{self.kind} {self.signature[:8]}"
