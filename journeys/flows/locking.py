"""A blocking process-row lock for the flows.

viewflow's ``select_for_update_lock`` uses NOWAIT and, on contention, swallows the
database error inside a savepoint, which leaves PostgreSQL's transaction aborted
("current transaction is aborted") when the lock runs inside a request's
transaction. Waiting for the row instead is correct here: our services take
their locks in one fixed order (process rows, mentor, relationship), so a
waiting request queues behind the other and then sees its result.

Re-entrant: inside a block that already holds a process's row (a step's page, whose
service then finishes that step's task), the inner block neither locks the row again
nor opens a savepoint of its own. Nothing between the two catches an error (an error
inside reaches the service's own transaction, or viewflow's savepoint around a node's
work, and rolls back there), so the savepoint protected nothing.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models.signals import post_save
from viewflow.workflow.models import Process

_held = threading.local()
_fresh = threading.local()


@contextmanager
def held_by_caller(process_pks):
    """The caller holds these process rows' locks already, in the transaction it is in
    (``journeys.services.base.lock`` took them): flow code run inside this block, viewflow's
    included, does not lock them again (no second SELECT ... FOR UPDATE, no savepoint for it)."""
    if not connection.in_atomic_block:
        yield  # a lock lasts as long as its transaction: outside one, nothing is held
        return
    held = getattr(_held, "keys", None)
    if held is None:
        held = _held.keys = set()
    added = {(connection.alias, pk) for pk in process_pks} - held
    held.update(added)
    try:
        yield
    finally:
        held.difference_update(added)


@contextmanager
def fresh_process_rows():
    """A process row this thread inserts inside this block counts as held until the block ends.

    No other transaction can see the row before ours commits, so none can lock it, or act on its
    tasks, meanwhile: viewflow's start, which locks the process it has just saved, would wait on
    nothing, and its lock (a savepoint and a SELECT ... FOR UPDATE) is skipped.
    """
    outer = getattr(_fresh, "keys", None)
    _fresh.keys = set()
    try:
        yield
    finally:
        held = getattr(_held, "keys", None)
        if held is not None:
            held.difference_update(_fresh.keys)
        _fresh.keys = outer


def _note_fresh_process(sender, instance, created, using, **kwargs) -> None:
    keys = getattr(_fresh, "keys", None)
    if keys is None or not created or not isinstance(instance, Process):
        return
    if not transaction.get_connection(using).in_atomic_block:
        return  # committed already (autocommit): others can see it
    held = getattr(_held, "keys", None)
    if held is None:
        held = _held.keys = set()
    key = (using, instance.pk)
    if key not in held:
        held.add(key)
        keys.add(key)


post_save.connect(_note_fresh_process, dispatch_uid="journeys.flows.locking.fresh_process")


def holds(process_pk) -> bool:
    """Whether this thread's transaction holds the process row's lock (see ``wait_for_process_row``)."""
    held = getattr(_held, "keys", None) or ()
    return connection.in_atomic_block and (connection.alias, process_pk) in held


@contextmanager
def wait_for_process_row(flow_class, process_pk):
    held = getattr(_held, "keys", None)
    if held is None:
        held = _held.keys = set()
    key = (connection.alias, process_pk)
    if key in held and connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        # The base process row only (not the joined subclass row), as journeys.services.base.lock does,
        # so every path locks exactly the same rows in the same order.
        Process.objects.select_for_update().filter(pk=process_pk).exists()
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
