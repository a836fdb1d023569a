"""A blocking process-row lock for the flows.

viewflow's ``select_for_update_lock`` uses NOWAIT and, on contention, swallows the
database error inside a savepoint, which leaves PostgreSQL's transaction aborted
("current transaction is aborted") when the lock runs inside a request's
transaction. Waiting for the row instead is correct here: our services take
their locks in one fixed order (process rows, mentor, relationship), so a
waiting request queues behind the other and then sees its result.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def wait_for_process_row(flow_class, process_pk):
    from viewflow.workflow.models import Process

    with transaction.atomic():
        # The base process row only (not the joined subclass row), as journeys.services.base.lock does,
        # so every path locks exactly the same rows in the same order.
        Process.objects.select_for_update().filter(pk=process_pk).exists()
        yield
