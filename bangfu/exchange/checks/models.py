from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckRun(models.Model):
    """One run of the checks over a region (a code prefix; "" is everywhere)."""

    region_prefix = models.CharField(_("区划"), max_length=12, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("运行人"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True)
    # {check id: findings}, for the checks this run ran
    counts = models.JSONField(_("各项结果数"), default=dict)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("核查运行")
        verbose_name_plural = _("核查运行")
        indexes = [models.Index(fields=["region_prefix", "started_at"], name="check_run_prefix")]

    def __str__(self):
        return f"{self.region_prefix or '*'} {self.started_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """A record one check flags. Replaced as a whole for the region of each run."""

    # No foreign-key constraint in the database: a county's run stores ~130,000 findings at once,
    # and the constraint's check of each row at commit cost a second of it. Findings are written
    # only by the runner, under the run it has just made; runs are deleted only through the ORM,
    # which deletes their findings itself (CASCADE).
    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="findings", db_constraint=False)
    check_id = models.CharField(_("核查项"), max_length=60)
    model = models.CharField(max_length=20)  # "person" or "household": which ledger record
    record_id = models.BigIntegerField()
    region_code = models.CharField(_("所在村"), max_length=12)
    # A reason code of the check (Check.reasons gives its label): no personal data is copied here.
    reason = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("核查结果")
        verbose_name_plural = _("核查结果")
        indexes = [
            models.Index(fields=["region_code", "id"], name="finding_region"),
            models.Index(fields=["check_id", "region_code"], name="finding_check"),
        ]

    def __str__(self):
        return f"{self.check_id} {self.model} {self.record_id}"
