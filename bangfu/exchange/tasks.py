"""The exchange's background tasks (django-tasks; run by `bangfu db_worker`, which `bangfu serve` starts)."""

from django_tasks import task

from bangfu.exchange import services
from bangfu.exchange.imports import jobs


@task()
def run_export_job(job_id: int) -> None:
    services.run_job(job_id)


@task()
def run_import_preview(job_id: int) -> None:
    jobs.remove_expired()
    jobs.run_preview(job_id)


@task()
def run_import_commit(job_id: int) -> None:
    jobs.run_commit(job_id)
