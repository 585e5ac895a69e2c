"""The import's passes over the four monitoring exports: the preview counts what the commit then
does, the commit writes people, households and spells through the registry's bulk writes, and a
second import of the same files changes nothing."""

import datetime

import pytest

from bangfu.accounts.models import Role, User
from bangfu.exchange.imports import jobs, samples
from bangfu.exchange.models import ImportJob
from bangfu.regions.services import ensure_regions
from bangfu.registry.models import EmploymentSpell, Household, Person

COUNTY = "522633"
TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return samples.write_exports(tmp_path_factory.mktemp("exports"), COUNTY, 120, today=TODAY)


@pytest.fixture
def officer(db, files):
    ensure_regions(samples.county_regions(COUNTY))
    return User.objects.create_user("officer", password="x" * 12, role=Role.HRSS_OFFICER,
                                    region_id=f"{COUNTY}000000")


def _all(files):
    return [(path.name, path) for path in (files["people"], files["households"], files["jobs"], files["plans"])]


def test_it_previews_then_commits_what_the_preview_counted(officer, files):
    preview = jobs.import_files(officer, _all(files), dry_run=True)
    assert preview.status == ImportJob.Status.PREVIEWED, preview.error
    assert Person.objects.count() == 0
    counts = preview.counts["preview"]
    assert counts["person"]["add"] > 100
    job = jobs.import_files(officer, _all(files))
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["person"] == counts["person"]
    assert Person.objects.count() == counts["person"]["add"]
    assert Household.objects.count() >= counts["household"]["add"]
    assert EmploymentSpell.objects.count() == job.counts["commit"]["job_spell"]["add"]


def test_importing_the_same_files_again_changes_nothing(officer, files):
    jobs.import_files(officer, _all(files))
    people = list(Person.objects.order_by("pk").values())
    again = jobs.import_files(officer, _all(files))
    assert again.status == ImportJob.Status.DONE, again.error
    for kind, counts in again.counts["commit"].items():
        assert counts["add"] == counts["update"] == 0, (kind, counts)
    assert list(Person.objects.order_by("pk").values()) == people

