"""The preview's checks: what is wrong with each row of an uploaded file, in words staff can act on.

Each row gets a status (``ImportRow.Status``) and its problems as sentences: a missing or malformed
email address, an address repeated in the file (the first row with it is kept) or already in the
programme (skipped: importing the same file twice creates nothing twice), a role other than mentor,
mentee or both, and areas of support or communities the programme does not have, with the closest
names it does have (``difflib.get_close_matches``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from people.models import AreaOfSupport, ProfessionalCommunity

from .models import ImportRow
from .parsing import Sheet

ROLES = {
    "mentor": "mentor",
    "mentee": "mentee",
    "both": "both",
    "mentor and mentee": "both",
    "mentee and mentor": "both",
    "mentor/mentee": "both",
    "mentee/mentor": "both",
}


@dataclass
class Checked:
    line: int
    cells: dict[str, str]
    email: str = ""
    role: str = ""
    area_ids: list[int] = field(default_factory=list)
    community_id: int | None = None
    problems: list[str] = field(default_factory=list)
    status: str = ImportRow.Status.VALID


class Taxonomy:
    """The active names of one kind (areas or communities), matched without regard to case."""

    def __init__(self, model):
        self.by_name = {name.casefold(): pk for pk, name in model.objects.filter(active=True).values_list("pk", "name")}
        self.names = {
            name.casefold(): name for name in model.objects.filter(active=True).values_list("name", flat=True)
        }

    def find(self, name: str) -> int | None:
        return self.by_name.get(name.strip().casefold())

    def suggest(self, name: str) -> list[str]:
        close = difflib.get_close_matches(name.strip().casefold(), list(self.names), n=3, cutoff=0.6)
        return [self.names[c] for c in close]


def split_names(cell: str, taxonomy: Taxonomy) -> list[str]:
    """A cell of several names: separated by semicolons (or commas when none), unless it is one known name."""
    cell = cell.strip()
    if not cell:
        return []
    if taxonomy.find(cell) is not None:
        return [cell]
    parts = re.split(r"[;|\n]", cell) if re.search(r"[;|\n]", cell) else cell.split(",")
    return [p.strip() for p in parts if p.strip()]


def _unknown(kind_sentence: str, name: str, suggestions: list[str]) -> str:
    if suggestions:
        return _("%(sentence)s Did you mean %(names)s?") % {
            "sentence": kind_sentence,
            "names": _(" or ").join(f"“{s}”" for s in suggestions),
        }
    return kind_sentence


def check(sheet: Sheet) -> list[Checked]:
    areas = Taxonomy(AreaOfSupport)
    communities = Taxonomy(ProfessionalCommunity)
    checked: list[Checked] = []
    first_line: dict[str, int] = {}
    for line, cells in sheet.rows:
        row = Checked(line=line, cells=cells)
        email = cells["email"].strip().lower()
        if not email:
            row.problems.append(_("The email address is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                row.problems.append(_("“%(email)s” is not a valid email address.") % {"email": cells["email"]})
            else:
                row.email = email
        role = cells["role"].strip().lower()
        if not role:
            row.problems.append(_("The role is missing: say mentor, mentee or both."))
        elif role not in ROLES:
            row.problems.append(_("The role “%(role)s” is not mentor, mentee or both.") % {"role": cells["role"]})
        else:
            row.role = ROLES[role]
        for name in split_names(cells["areas"], areas):
            pk = areas.find(name)
            if pk is None:
                row.problems.append(
                    _unknown(
                        _("The programme has no area of support called “%(name)s”.") % {"name": name},
                        name,
                        areas.suggest(name),
                    )
                )
            elif pk not in row.area_ids:
                row.area_ids.append(pk)
        if cells["community"]:
            pk = communities.find(cells["community"])
            if pk is None:
                row.problems.append(
                    _unknown(
                        _("The programme has no professional community called “%(name)s”.")
                        % {"name": cells["community"]},
                        cells["community"],
                        communities.suggest(cells["community"]),
                    )
                )
            else:
                row.community_id = pk
        if row.problems:
            row.status = ImportRow.Status.INVALID
        if row.email:
            if row.email in first_line:
                row.problems.append(_("The same address is already on row %(line)s.") % {"line": first_line[row.email]})
                if row.status == ImportRow.Status.VALID:
                    row.status = ImportRow.Status.DUPLICATE
            else:
                first_line[row.email] = line
        checked.append(row)
    _mark_existing(checked)
    return checked


def _mark_existing(checked: list[Checked]) -> None:
    emails = [row.email for row in checked if row.email and row.status == ImportRow.Status.VALID]
    existing = set()
    User = get_user_model()
    for start in range(0, len(emails), 5000):
        existing |= set(User.objects.filter(email__in=emails[start : start + 5000]).values_list("email", flat=True))
    for row in checked:
        if row.status == ImportRow.Status.VALID and row.email in existing:
            row.status = ImportRow.Status.EXISTS
            row.problems.append(_("Already in the programme: no new account is made."))
