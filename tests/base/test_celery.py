"""Background work through a real Redis and a real worker process."""

import pytest

from kuzbib_site.base.models import WorkerHeartbeat
from kuzbib_site.base.tasks import heartbeat


def test_task_sent_through_redis_runs_in_the_worker(celery_worker, wait_until):
    result = heartbeat.apply_async(kwargs={"name": "through-redis"})
    assert result.id
    ran = WorkerHeartbeat.objects.filter(name="through-redis")
    wait_until(ran.exists, timeout=30, worker=celery_worker, what="the heartbeat")
    assert "kuzbib.base.heartbeat" in celery_worker.output()


def test_without_redis_tasks_run_eagerly(db):
    heartbeat.delay(name="eager")
    assert WorkerHeartbeat.objects.filter(name="eager").exists()


def test_heartbeat_is_idempotent(db):
    heartbeat(name="twice")
    heartbeat(name="twice")
    assert WorkerHeartbeat.objects.filter(name="twice").count() == 1


@pytest.mark.parametrize("queue", ["files", "pdf", "mail"])
def test_worker_consumes_every_queue(celery_worker, queue, wait_until):
    heartbeat.apply_async(kwargs={"name": f"queue-{queue}"}, queue=queue)
    ran = WorkerHeartbeat.objects.filter(name=f"queue-{queue}")
    wait_until(ran.exists, timeout=30, worker=celery_worker, what=f"the heartbeat on {queue}")
