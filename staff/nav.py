"""The staff area's sections, in the order its navigation shows them.

Each section is one row: its key, its label, the URL name of its first page, and the permission it
needs (``None``: any programme staff; see ``project.roles``). A staff member sees only the sections
their role opens. A page belongs to the section whose first page's path is the longest prefix of its
own (the Home section only on its own page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from project.roles import MANAGE


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    perm: str | None = None


SECTIONS: list[Section] = [
    Section("home", _("Home"), "staff_home"),
    Section("inbox", _("Inbox"), "staff_inbox"),
    Section("members", _("Members"), "staff_members"),
    Section("relationships", _("Relationships"), "staff_relationships"),
    Section("import", _("Import"), "staff_import", MANAGE),
    Section("reports", _("Reports"), "staff_reports"),
    Section("content", _("Content"), "staff_content", perm=MANAGE),
    Section("settings", _("Programme settings"), "staff_settings", perm=MANAGE),
    Section("journeys", _("Journey diagrams"), "journey_maps"),
    Section("matching", _("Matching"), "staff_matching"),
]
