"""Test support: one audit entry in a village, for the generated scope-matrix test (see registry.testing)."""

from bangfu.audit import log
from bangfu.audit.models import Action, AuditEntry


def make_entry(creator, village: str, tag: str) -> AuditEntry:
    return log.record(creator, Action.BULK, region_code=village, detail={"what": tag})


FACTORIES = {AuditEntry: make_entry}
