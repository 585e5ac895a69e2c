"""No identifier is kept in clear in the audit log, whatever wrote the entry: searches and exports
by whole identifiers, duplicate registrations, reveals, a failed login with a number for a name."""

import json

from django.test import Client
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.audit.models import AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.core.sensitive import redact

ZSF_ID = valid_id(seq=11)        # world.person, 张三丰
PHONE = "13812345678"
CARD = valid_id(seq=41) + "41"   # a disability card: the ID number, category 4, grade 1


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_audit_entry_holds_an_identifier_in_clear(world):
    make_person(world.admin, name="残", seq=41, disability_category=4, disability_grade=1, disability_card=CARD)
    pages = _logged_in(world.alice)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.alice, 'tests')[1]}")
    terms = (ZSF_ID, ZSF_ID.lower(), PHONE, CARD, f"张{ZSF_ID}", f"{ZSF_ID}9", "0855-5221234")
    for q in terms:
        pages.get(reverse("person_list"), {"q": q})
        api.get("/api/people", {"q": q})
        for export in ("people", "households", "zero_employment"):
            assert pages.get(reverse("export", args=[export]), {"q": q}).status_code == 200
    # Duplicate registrations (a probe of whether the number is on file), from the API and a page.
    probe = {"name": "重复", "id_number": ZSF_ID, "region_code": "522633101001"}
    assert api.post("/api/people", json.dumps(probe), content_type="application/json").status_code == 409
    pages.post(reverse("person_create"), {**probe, "relationship": "head", "labour_ability": "full",
                                          "poverty_status": "none", "employment_status": "seeking"})
    pages.post(reverse("person_reveal", args=[world.person.pk, "id_number"]))
    Client().post(reverse("login"), {"username": ZSF_ID, "password": "wrong"})
    assert AuditEntry.objects.filter(action="export").count() == 3 * len(terms)

    stored = json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False)
    shown = _logged_in(world.admin).get(reverse("audit_log"), {"page": 1}).content.decode()
    for text in (stored, shown):
        for identifier in (ZSF_ID, PHONE, CARD, CARD[:18], "08555221234", "5221234"):
            assert identifier not in text
        assert ZSF_ID[4:14] not in text   # the hidden digits: the rest of the address and the birth date
    assert "5226**********" in stored


def test_redact_masks_identifiers_in_text_and_leaves_codes_alone(world):
    detail = {"q": f"张三 {ZSF_ID} {PHONE}", "filters": [CARD], "region": "522633101001", "rows": 3,
              "household": "5226331010010001"}
    assert redact(detail) == {
        "q": f"张三 {ZSF_ID[:4]}**********{ZSF_ID[-4:]} 138****5678",
        "filters": [f"{CARD[:4]}**********{CARD[-6:]}"],
        "region": "522633101001", "rows": 3, "household": "5226331010010001",
    }
