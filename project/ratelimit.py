"""How often one person may do something (send a request, ask a question, send a message).

Counted per person in the default cache (shared by every process and node: see
project/cache.py), over a fixed window that starts with the first counted action. A limit of
0 (or less) means no limit. Only actions that happened are counted: services call
``reached`` before acting and ``count`` once the action has committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


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


def reached(limit: Limit, who: int | str) -> bool:
    allowed = limit.allowed
    return allowed > 0 and (cache.get(limit.key(who)) or 0) >= allowed


def count(limit: Limit, who: int | str) -> None:
    key = limit.key(who)
    if not cache.add(key, 1, limit.window_seconds):
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 1, limit.window_seconds)


def count_on_commit(limit: Limit, who: int | str) -> None:
    """Count the action once the surrounding transaction commits (a rolled-back one is not counted)."""
    transaction.on_commit(lambda: count(limit, who))
