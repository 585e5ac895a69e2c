"""Exports too big to write while the officer waits: made by the task worker, kept for a while."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
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
    def percent(self) -> int:
        return 100 if not self.rows_total else min(100, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)
