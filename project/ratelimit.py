"""How often one person may do something (send a request, ask a question, send a message, use
the Contact form, type a wrong password on Delete my account).

Counted in the default cache (shared by every process and node: see project/cache.py), over a
fixed window that starts with the first counted action. A limit of 0 (or less) means no limit.

``spend(limit, who)`` is the one way to count: it takes one of the allowance *before* the action
runs, with the cache's atomic increment, so two processes racing for the last place cannot both
get it; and it gives it back if the action inside fails or is refused, so only actions that
happened are counted. (An action rolled back later by a transaction around the whole block is
still counted; the services open their own transactions inside the block.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    setting: str  # the setting holding how many are allowed per window
    window_seconds: int

    @property
    def allowed(self) -> int:
        return int(getattr(settings, self.setting, 0) or 0)

    def key(self, who: int | str) -> str:
        return f"limit:{self.name}:{who}"


REQUESTS = Limit("requests", "REQUESTS_PER_DAY", 24 * 3600)
QUESTIONS = Limit("questions", "QUESTIONS_PER_HOUR", 3600)
MESSAGES = Limit("messages", "MESSAGES_PER_HOUR", 3600)
CONTACT = Limit("contact", "CONTACT_MESSAGES_PER_HOUR", 3600)  # per address and per email given
# Wrong passwords typed on Delete my account, per account: a right one is given back (``give_back``).
DELETE_PASSWORD = Limit("delete-password", "DELETE_ACCOUNT_PASSWORD_TRIES_PER_HOUR", 3600)


class LimitReached(Exception):
    def __init__(self, limit: Limit):
        super().__init__(f"{limit.name}: {limit.allowed} per {limit.window_seconds} s")
        self.limit = limit


def _take(key: str, window: int) -> int:
    """Add one to ``key`` (starting its window if it has none) and return the new count."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, window)
        return 1


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile: nothing left to give back
        pass


def give_back(limit: Limit, *who: int | str) -> None:
    """Return a place ``spend`` took for an attempt that does not count (a password that was right)."""
    if limit.allowed > 0:
        for one in who:
            _give_back(limit.key(one))


@contextmanager
def spend(limit: Limit, *who: int | str) -> Iterator[None]:
    """One of the allowance of each of ``who`` for the action inside the block.

    Raises ``LimitReached`` (counting nothing) if any of them has none left; gives everything
    back if the block raises.
    """
    if limit.allowed <= 0:
        yield
        return
    taken: list[str] = []
    try:
        for one in who:
            key = limit.key(one)
            taken.append(key)
            if _take(key, limit.window_seconds) > limit.allowed:
                raise LimitReached(limit)
        yield
    except BaseException:
        for key in taken:
            _give_back(key)
        raise
