"""A small programme to run rounds on: areas, mentees and mentors whose best pairs are known."""

from __future__ import annotations

from people.models import AreaOfSupport, ProfessionalCommunity, Role
from people.tests.factories import make_mentee, make_mentor, make_staff


def taxonomy():
    areas = list(AreaOfSupport.objects.filter(active=True).order_by("position", "name")[:4])
    roles = list(Role.objects.filter(active=True).order_by("position", "name")[:2])
    communities = list(ProfessionalCommunity.objects.filter(active=True).order_by("position", "name")[:2])
    return areas, roles, communities


def small_world():
    """Two mentees who both fit Maya best; Maya has one place. The best total gives Ada to Maya
    (she fits nobody else) and Ben to Noor."""
    areas, roles, communities = taxonomy()
    a, b, c, d = areas
    staff = make_staff()
    maya = make_mentor(
        first_name="Maya",
        last_name="Mentor",
        email="maya@example.com",
        capacity=1,
        areas=[a, b, c],
        role=roles[0],
        community=communities[0],
        organisation="Northern Rail",
    )
    noor = make_mentor(
        first_name="Noor",
        last_name="Mentor",
        email="noor@example.com",
        capacity=2,
        areas=[c, d],
        role=roles[0],
        community=communities[0],
        organisation="Harbour Freight",
    )
    ada = make_mentee(
        first_name="Ada",
        last_name="Mentee",
        email="ada@example.com",
        areas=[a, b],
        role=roles[1],
        community=communities[1],
    )
    ben = make_mentee(
        first_name="Ben",
        last_name="Mentee",
        email="ben@example.com",
        areas=[b, c, d],
        role=roles[0],
        community=communities[0],
    )
    for mentee, org in ((ada, "Acme Logistics"), (ben, "Bolt Transport")):
        mentee.profile.organisation = org
        mentee.profile.save()
    return {
        "staff": staff,
        "maya": maya,
        "noor": noor,
        "ada": ada,
        "ben": ben,
        "areas": areas,
        "roles": roles,
        "communities": communities,
    }
