"""The exchange's background tasks (django-tasks; run by `bangfu db_worker`, which `bangfu serve` starts)."""

from django_tasks import task

from bangfu.exchange import services


@task()
def run_export_job(job_id: int) -> None:
    services.run_job(job_id)
