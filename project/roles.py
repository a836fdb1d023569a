"""Who on the programme team may do what: two staff roles, each a Django group.

- **Programme managers** (``MANAGERS``): everything on the staff side: settings, content,
  members' accounts, imports, exports.
- **Support staff** (``SUPPORT``): the inbox and its cases; members and relationships read-only;
  no exports, no settings.

A role is a group holding permissions of this app (``project.ProgrammeAccess``): a manager is a
staff account with ``project.manage_programme`` (a superuser has every permission). A staff account
in neither group is treated as support staff: the least a staff member can do. The groups are made
after every ``migrate`` (``ensure_groups``, connected in ``project.apps``), so a fresh install and
every test database have them.

Views say what they need with ``staff_required`` (any staff role) or
``staff_required(perm=MANAGE)`` / ``perm=EXPORT``: anonymous people are sent to sign in,
participants and staff without the permission get 403 with a sentence saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import Denied

MANAGERS = "Programme managers"
SUPPORT = "Support staff"

MANAGE = "project.manage_programme"
EXPORT = "project.export_data"
SEE_FEEDBACK_AUTHORS = "project.see_feedback_authors"

# codename -> what it lets a person do (ProgrammeAccess.Meta.permissions reads this)
PERMISSIONS = (
    ("manage_programme", gettext_lazy("Run the programme: settings, content, members and imports")),
    ("export_data", gettext_lazy("Download exports of members, relationships and reports")),
    ("see_feedback_authors", gettext_lazy("See who wrote feedback comments")),
)
GROUP_PERMISSIONS = {
    MANAGERS: [codename for codename, _label in PERMISSIONS],
    SUPPORT: [],
}
ROLE_LABELS = {"manager": gettext_lazy("Programme manager"), "support": gettext_lazy("Support staff")}


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def role_of(user) -> str | None:
    """``"manager"``, ``"support"`` or None (not programme staff)."""
    if not is_staff(user):
        return None
    return "manager" if user.has_perm(MANAGE) else "support"


def can(user, perm: str) -> bool:
    return is_staff(user) and user.has_perm(perm)


def ensure_groups(apps=None, **_kwargs) -> None:
    """Create the two role groups with their permissions (idempotent; run after migrate)."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="project", codename__in=codenames)
        if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in perms}:
            group.permissions.set(perms)


def set_role(user, role: str | None) -> None:
    """Put a staff account in one role's group (``"manager"`` / ``"support"``), or in neither."""
    from django.contrib.auth.models import Group

    ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=GROUP_PERMISSIONS))
    if role is not None:
        user.groups.add(Group.objects.get(name={"manager": MANAGERS, "support": SUPPORT}[role]))
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


def staff_required(view: Callable | None = None, *, perm: str | None = None):
    """Programme staff only (and, with ``perm``, only staff holding that permission).

    Not signed in: to the sign-in page and back. Signed in but not allowed: 403, saying why.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff(user):
                raise Denied(_("This page is for the programme team only."))
            if perm and not user.has_perm(perm):
                raise Denied(_("This page is for programme managers only."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
