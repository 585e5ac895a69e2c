from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bangfu.audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from bangfu.audit import display, log
        from bangfu.audit.models import AuditEntry
        from bangfu.audit.permissions import VIEW_AUDIT
        from bangfu.core import plugins
        from bangfu.core.permissions import Scope, register_scope
        from bangfu.core.sensitive import identifier_revealed

        register_scope(AuditEntry, Scope(region="region_code"))
        identifier_revealed.connect(log.record_reveal, dispatch_uid="audit-reveal")
        plugins.register(plugins.App(
            name="audit", urls="bangfu.audit.urls",
            nav=(plugins.NavItem(_("审计日志"), "audit_log", VIEW_AUDIT, 90),),
            # The entry's own action on the log's largest page: the entries of the writes that follow
            # it (in the scope matrix, every other app's records) would push it off the whole log.
            surfaces=(plugins.Surfaces(AuditEntry, VIEW_AUDIT,
                                       list_page=lambda e: reverse("audit_log") + f"?action={e.action}&size=100",
                                       shown_as=display.detail_text),),
        ))
