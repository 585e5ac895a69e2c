from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.regions import codes


class Region(models.Model):
    """A node of the administrative tree; its 12-digit code is also its path."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=codes.LEVEL_CHOICES)
    parent_code = models.CharField(_("上级代码"), max_length=12, blank=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return codes.prefix_of(self.code, self.level)

    def ancestors(self) -> list["Region"]:
        """The nodes above this one, from the province down, in one query."""
        parent_codes = [
            codes.full_code(self.code[:digits])
            for level, digits in codes.LEVEL_DIGITS.items()
            if level < self.level
        ]
        return list(Region.objects.filter(code__in=parent_codes).order_by("level"))

    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])
