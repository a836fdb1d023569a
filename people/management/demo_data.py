"""Demo people for `manage.py seed_demo` and the search benchmark.

Two kinds of data:

* a handful of named participants (staff, mentors, mentees) with complete profiles,
  created or refreshed one by one so the command is safe to run again;
* any number of generated mentors, written with ``bulk_create`` in batches so that
  100,000 of them take a minute or so on PostgreSQL. Each generated mentor is
  derived from its number alone (``mentor-000042@demo.example.com``), so running the
  command twice, or asking for more later, only adds the ones that are missing.

No viewflow processes are started: demo people are just users, verified email
addresses and profiles.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from people.models import AreaOfSupport, DefaultRegion, ProfessionalCommunity, Profile, Role

DEMO_PASSWORD = "mentoring-demo-2024"
STAFF_EMAIL = "staff@example.com"
GENERATED_PREFIX = "mentor-"
GENERATED_DOMAIN = "@demo.example.com"
BATCH_SIZE = 5000

FIRST_NAMES = [
    "Alice",
    "Amara",
    "Ben",
    "Bethan",
    "Callum",
    "Chloe",
    "Daniel",
    "Deepa",
    "Eilidh",
    "Emeka",
    "Fatima",
    "Fraser",
    "Grace",
    "Hamza",
    "Hannah",
    "Isla",
    "Imran",
    "Jack",
    "Jasmine",
    "Kieran",
    "Kofi",
    "Laura",
    "Liam",
    "Mairead",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Olu",
    "Priya",
    "Rhys",
    "Rosie",
    "Ruth",
    "Sanjay",
    "Sarah",
    "Siobhan",
    "Tariq",
    "Tom",
    "Una",
    "Victoria",
    "Wei",
    "Yasmin",
    "Zara",
    "Owen",
    "Megan",
    "Aled",
    "Harriet",
    "Joseph",
    "Ngozi",
    "Lewis",
    "Ayesha",
]
LAST_NAMES = [
    "Kember",
    "Smith",
    "Jones",
    "Patel",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Khan",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Okafor",
    "Campbell",
    "Young",
    "Allen",
    "Mitchell",
    "Anderson",
    "MacLeod",
    "O'Neill",
    "Chen",
]
ORGANISATIONS = [
    "Mango Logistics",
    "Northern Freight Partners",
    "Severn Supply Chain",
    "Thames Port Services",
    "Clydeside Haulage",
    "Pennine Distribution",
    "Albion Rail Freight",
    "Harbourline Shipping",
    "Midlands Parcel Network",
    "Skyway Cargo",
    "Greenroute Transport",
    "Fenland Cold Chain",
    "Atlantic Gateway Ports",
    "Cotswold Buses",
    "Metro Connect",
    "Highland Ferries",
    "Westway Warehousing",
    "Brightside Procurement",
    "Lakeland Logistics",
    "Capital Couriers",
    "Tyne Intermodal",
    "Solent Marine Services",
    "Anglia Agri Freight",
    "Borders Coachworks",
    "Department for Transport",
    "Transport for the North",
    "City Council Fleet Services",
    "University of Logistics Studies",
    "Channel Tunnel Freight",
    "Heathside Air Logistics",
    "Kestrel Consulting",
    "Oakfield Retail Distribution",
    "Riverside Pharma Supply",
    "Ulster Haulage",
]
JOB_TITLES = {
    "Operations": [
        "Operations Manager",
        "Warehouse Manager",
        "Shift Supervisor",
        "Depot Manager",
        "Transport Co-ordinator",
    ],
    "Management": ["General Manager", "Logistics Manager", "Fleet Manager", "Head of Distribution", "Account Manager"],
    "Senior leadership": [
        "Operations Director",
        "Managing Director",
        "Chief Operating Officer",
        "Head of Supply Chain",
    ],
    "Planning": ["Transport Planner", "Demand Planner", "Network Planner", "Capacity Planning Lead", "Route Planner"],
    "Procurement": ["Procurement Manager", "Category Manager", "Senior Buyer", "Head of Procurement"],
    "Consultancy": ["Supply Chain Consultant", "Principal Consultant", "Logistics Adviser", "Freight Consultant"],
    "Academia and research": ["Senior Lecturer", "Research Fellow", "Professor of Logistics", "Programme Leader"],
    "Delivery": ["Delivery Manager", "Project Manager", "Programme Manager", "Implementation Lead"],
    "Graduate / early career": ["Graduate Analyst", "Trainee Manager", "Junior Planner", "Logistics Analyst"],
}
AREA_PHRASES = {
    "Networking and networking skills": [
        "building a professional network",
        "networking at industry events and on LinkedIn",
        "growing a network of contacts across the sector",
    ],
    "Career progression": ["planning the next career step", "preparing for promotion", "career progression"],
    "Leadership and management": [
        "leading teams through change",
        "first-time management",
        "leadership and people management",
    ],
    "Confidence and personal impact": [
        "presenting with confidence",
        "building confidence and personal impact",
        "speaking up in meetings",
    ],
    "Professional qualifications": [
        "studying for CILT qualifications",
        "chartership and professional qualifications",
        "balancing study with work",
    ],
    "Supply chain strategy": ["supply chain strategy", "designing resilient supply chains", "end-to-end planning"],
    "Logistics operations": ["warehouse and logistics operations", "running a distribution centre", "lean operations"],
    "Transport planning": ["transport planning and modelling", "route optimisation", "timetable planning"],
    "Procurement": ["procurement and supplier management", "tendering and contracts", "negotiation with suppliers"],
    "Sustainability and decarbonisation": [
        "fleet decarbonisation",
        "sustainability reporting",
        "moving freight from road to rail",
    ],
    "Digital skills and technology": [
        "data analysis and digital tools",
        "telematics and transport technology",
        "automation in warehouses",
    ],
    "Work-life balance": ["managing workload and wellbeing", "working flexibly", "shift work and family life"],
    "Starting a new role": ["settling into a new role", "the first ninety days in a job", "changing sector"],
    "Returning to work": ["returning after a career break", "coming back after parental leave", "rebuilding skills"],
}
EXPERIENCE_LINES = [
    "Led a team of {n} planners across {k} depots.",
    "Managed warehouse operations on {k} sites with more than {n} colleagues.",
    "Delivered a fleet decarbonisation programme that cut emissions by {p} per cent.",
    "Ran procurement for a {k}-country freight network.",
    "Chartered Member of the Chartered Institute of Logistics and Transport.",
    "Moved {p} per cent of our long-haul freight from road to rail.",
    "Introduced telematics and route optimisation for a fleet of {n} vehicles.",
    "Mentored {k} graduates through their professional qualifications.",
    "Set up a new distribution centre from an empty shed to {n} staff.",
    "Negotiated supplier contracts worth several million pounds a year.",
    "Planned bus timetables for a city network with {n} routes.",
    "Managed port operations and customs clearance during a busy peak season.",
    "Built a networking group for women in transport with {n} members.",
    "Spoke at industry conferences about supply chain resilience.",
    "Returned to work after a career break and now help others do the same.",
    "Coordinated aviation cargo handling for {k} airlines.",
    "Worked in the public sector on transport policy and funding bids.",
    "Cleared goods through customs at a busy roll-on roll-off port.",
    "Ran a cold chain network for chilled and frozen food.",
    "Trained drivers in the safe carriage of dangerous goods.",
    "Rolled out SAP across {k} warehouses.",
    "Built Power BI dashboards that the board now reads every week.",
    "Set up an apprenticeship scheme that has trained {n} people.",
    "Negotiated Incoterms and freight rates with carriers in {k} countries.",
    "Piloted hydrogen lorries on a regional distribution route.",
    "Led the switch of a van fleet to electric vehicles and charging depots.",
    "Redesigned last mile delivery for a city centre.",
    "Ran a cross-docking operation handling {n} pallets a night.",
    "Introduced sales and operations planning in a manufacturing business.",
    "Managed the procurement of rolling stock worth several million pounds.",
    "Planned airside ground handling at a regional airport.",
    "Wrote the business case for a new rail freight terminal.",
    "Coordinated humanitarian logistics for an international charity.",
    "Led a warehouse automation project with robotic picking.",
    "Ran lean and Six Sigma improvement projects across {k} sites.",
    "Looked after reverse logistics and returns for an online retailer.",
    "Managed bus depot operations and driver rostering.",
    "Planned a major event's transport, moving {n} thousand visitors a day.",
    "Oversaw health and safety audits for a national haulier.",
    "Taught logistics modules on a master's degree for {k} years.",
    "Chaired a regional freight quality partnership.",
    "Moved from the armed forces into civilian logistics.",
    "Built a supplier diversity programme in public procurement.",
    "Managed inland waterway freight on the River Thames.",
    "Ran a pharmaceutical distribution centre to strict quality standards.",
    "Forecast demand for a fashion retailer's seasonal ranges.",
    "Led contract negotiations with trade unions during a restructure.",
    "Set up a shared-user warehouse for small businesses.",
    "Managed a fleet maintenance workshop for {n} vehicles.",
    "Introduced carbon accounting for scope 3 transport emissions.",
    "Worked in shipping finance and chartering.",
    "Coached new team leaders through their first year in the job.",
]
BIO_OPENINGS = [
    "I have worked in {community} for {years} years and I am now {title_a} at {org}.",
    "{title} at {org}, with {years} years in {community}.",
    "After {years} years in {community}, I lead {team} at {org}.",
    "I started out on the shop floor and spent {years} years in {community} before joining {org}.",
]
BIO_MIDDLES = [
    "I am happy to help with {a1} and {a2}.",
    "Mentees often come to me for {a1}; I also enjoy talking about {a2}.",
    "I can share what I have learnt about {a1}, and about {a2}.",
    "My strengths are {a1} and {a2}.",
]
BIO_CLOSINGS = [
    "I was mentored early in my career and would like to give something back.",
    "I believe the best mentoring is honest, practical and fun.",
    "Outside work I volunteer with a local transport charity.",
    "I enjoy helping people find their own answers rather than giving them mine.",
    "",
]
REGION_WEIGHTS = {
    DefaultRegion.LONDON: 14,
    DefaultRegion.SOUTH_EAST: 13,
    DefaultRegion.NORTH_WEST: 11,
    DefaultRegion.WEST_MIDLANDS: 9,
    DefaultRegion.YORKSHIRE: 8,
    DefaultRegion.EAST: 9,
    DefaultRegion.EAST_MIDLANDS: 7,
    DefaultRegion.SOUTH_WEST: 8,
    DefaultRegion.NORTH_EAST: 4,
    DefaultRegion.SCOTLAND: 8,
    DefaultRegion.WALES: 5,
    DefaultRegion.NORTHERN_IRELAND: 3,
    DefaultRegion.OUTSIDE_UK: 1,
}


@dataclass(frozen=True)
class NamedPerson:
    email: str
    first_name: str
    last_name: str
    mentor: bool
    mentee: bool
    job_title: str
    organisation: str
    role: str
    community: str
    areas: tuple[str, ...]
    region: str
    biography: str = ""
    experience: str = ""
    capacity: int = 2


NAMED_PEOPLE = [
    NamedPerson(
        "alice.kember@example.com",
        "Alice",
        "Kember",
        True,
        False,
        "Transport Co-ordinator",
        "Mango Logistics",
        "Operations",
        "Logistics",
        ("Networking and networking skills", "Career progression", "Logistics operations"),
        DefaultRegion.NORTH_WEST,
        "I have coordinated road and rail transport for twelve years. I love helping people build a network "
        "and find their next role.",
        "Built a networking group for women in transport. Led a team of eight planners.",
        3,
    ),
    NamedPerson(
        "rhys.evans@example.com",
        "Rhys",
        "Evans",
        True,
        False,
        "Head of Procurement",
        "Severn Supply Chain",
        "Procurement",
        "Supply chain",
        ("Procurement", "Leadership and management", "Supply chain strategy"),
        DefaultRegion.WALES,
        "Procurement leader who enjoys coaching new managers through their first years in charge.",
        "Negotiated supplier contracts across Europe. Chartered Member of CILT.",
    ),
    NamedPerson(
        "priya.patel@example.com",
        "Priya",
        "Patel",
        True,
        True,
        "Transport Planner",
        "Metro Connect",
        "Planning",
        "Passenger transport",
        ("Transport planning", "Digital skills and technology", "Returning to work"),
        DefaultRegion.LONDON,
        "I plan bus networks and returned to work after a career break, so I know how daunting it can feel.",
        "Planned timetables for a city network with 120 routes. Introduced data dashboards for planners.",
    ),
    NamedPerson(
        "callum.macleod@example.com",
        "Callum",
        "MacLeod",
        True,
        False,
        "Operations Director",
        "Highland Ferries",
        "Senior leadership",
        "Maritime and ports",
        ("Leadership and management", "Confidence and personal impact"),
        DefaultRegion.SCOTLAND,
        "Thirty years at sea and in port operations. I help new leaders grow their confidence.",
        "Managed port operations through three peak seasons. Spoke at industry conferences.",
        1,
    ),
    NamedPerson(
        "ngozi.okafor@example.com",
        "Ngozi",
        "Okafor",
        True,
        False,
        "Sustainability Lead",
        "Albion Rail Freight",
        "Management",
        "Rail",
        ("Sustainability and decarbonisation", "Professional qualifications", "Career progression"),
        DefaultRegion.YORKSHIRE,
        "I help freight operators decarbonise and I support people studying for professional qualifications.",
        "Moved forty per cent of our long-haul freight from road to rail.",
    ),
    NamedPerson(
        "wei.chen@example.com",
        "Wei",
        "Chen",
        True,
        False,
        "Supply Chain Consultant",
        "Kestrel Consulting",
        "Consultancy",
        "Aviation",
        ("Supply chain strategy", "Networking and networking skills", "Starting a new role"),
        DefaultRegion.SOUTH_EAST,
        "Consultant in air cargo and supply chain design; I like helping people settle into a new role.",
        "Coordinated aviation cargo handling for four airlines.",
    ),
    NamedPerson(
        "john.smith@example.com",
        "John",
        "Smith",
        False,
        True,
        "Manager",
        "Capital Couriers",
        "Delivery",
        "Logistics",
        ("Networking and networking skills", "Career progression"),
        DefaultRegion.LONDON,
    ),
    NamedPerson(
        "hannah.wright@example.com",
        "Hannah",
        "Wright",
        False,
        True,
        "Graduate Analyst",
        "Pennine Distribution",
        "Graduate / early career",
        "Supply chain",
        ("Professional qualifications", "Confidence and personal impact"),
        DefaultRegion.YORKSHIRE,
    ),
    NamedPerson(
        "tariq.khan@example.com",
        "Tariq",
        "Khan",
        False,
        True,
        "Fleet Supervisor",
        "Greenroute Transport",
        "Operations",
        "Freight and road transport",
        ("Sustainability and decarbonisation", "Leadership and management"),
        DefaultRegion.WEST_MIDLANDS,
    ),
]


def _verified_email(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


@transaction.atomic
def ensure_staff() -> tuple[object, bool]:
    User = get_user_model()
    user, created = User.objects.get_or_create(email=STAFF_EMAIL, defaults={"first_name": "Sam", "last_name": "Staff"})
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    _verified_email(user)
    Profile.objects.get_or_create(user=user)
    return user, created


@transaction.atomic
def ensure_named_people() -> list[tuple[NamedPerson, bool]]:
    """Create (or bring back to their demo state) the named mentors and mentees."""
    User = get_user_model()
    areas = {a.name: a for a in AreaOfSupport.objects.all()}
    roles = {r.name: r for r in Role.objects.all()}
    communities = {c.name: c for c in ProfessionalCommunity.objects.all()}
    now = timezone.now()
    result = []
    for person in NAMED_PEOPLE:
        user, created = User.objects.get_or_create(email=person.email)
        user.first_name, user.last_name, user.is_active = person.first_name, person.last_name, True
        user.last_login = user.last_login or now  # they use the platform in the demo's story
        user.set_password(DEMO_PASSWORD)
        user.save()
        _verified_email(user)
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.is_mentor, profile.is_mentee = person.mentor, person.mentee
        profile.job_title, profile.organisation = person.job_title, person.organisation
        profile.role, profile.community = roles.get(person.role), communities.get(person.community)
        profile.region, profile.capacity = person.region, person.capacity
        profile.biography, profile.experience = person.biography, person.experience
        profile.accepting_requests = True
        profile.completed_at = profile.completed_at or now
        profile.save()
        profile.areas.set([areas[name] for name in person.areas if name in areas])
        result.append((person, created))
    return result


def generated_email(number: int) -> str:
    return f"{GENERATED_PREFIX}{number:06d}{GENERATED_DOMAIN}"


def generated_mentor_count() -> int:
    User = get_user_model()
    return User.objects.filter(email__startswith=GENERATED_PREFIX, email__endswith=GENERATED_DOMAIN).count()


@dataclass
class _Taxonomy:
    areas: list[AreaOfSupport]
    roles: list[Role]
    communities: list[ProfessionalCommunity]


def _sentence(rng: random.Random, template: str, **values) -> str:
    return template.format(n=rng.randint(5, 250), k=rng.randint(2, 12), p=rng.choice([15, 20, 25, 30, 40]), **values)


def _generated_mentor(number: int, taxonomy: _Taxonomy, today: dt.date, now: dt.datetime) -> dict:
    """Everything about generated mentor ``number``, derived from the number alone."""
    rng = random.Random(number)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    role = rng.choice(taxonomy.roles)
    community = rng.choice(taxonomy.communities)
    title = rng.choice(JOB_TITLES.get(role.name, ["Manager"]))
    org = rng.choice(ORGANISATIONS)
    areas = rng.sample(taxonomy.areas, k=min(len(taxonomy.areas), rng.choice([2, 2, 3, 3, 3, 4, 5])))
    phrases = [rng.choice(AREA_PHRASES.get(a.name, [a.name.lower()])) for a in areas]
    years = rng.randint(4, 35)
    bio = " ".join(
        part
        for part in (
            rng.choice(BIO_OPENINGS).format(
                community=community.name.lower(),
                years=years,
                title=title,
                title_a=f"{'an' if title[0] in 'AEIOU' else 'a'} {title}",
                org=org,
                team=rng.choice(["a small team", "the planning team", "our operations", "a regional team"]),
            ),
            rng.choice(BIO_MIDDLES).format(a1=phrases[0], a2=phrases[1]),
            rng.choice(BIO_CLOSINGS),
        )
        if part
    )
    experience = " ".join(_sentence(rng, line) for line in rng.sample(EXPERIENCE_LINES, k=rng.randint(2, 4)))
    region = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
    roll = rng.random()
    accepting = roll > 0.06
    away_until = today + dt.timedelta(days=rng.randint(3, 90)) if 0.06 <= roll < 0.10 else None
    return {
        "email": generated_email(number),
        "first_name": first,
        "last_name": last,
        "date_joined": now - dt.timedelta(days=rng.randint(30, 1200)),
        "profile": {
            "is_mentor": True,
            "is_mentee": rng.random() < 0.08,
            "job_title": title,
            "organisation": org,
            "role_id": role.pk,
            "community_id": community.pk,
            "biography": bio,
            "experience": experience,
            "capacity": rng.choice([1, 2, 2, 2, 3, 3, 4, 5]),
            "accepting_requests": accepting,
            "away_until": away_until,
            "region": region,
            "completed_at": now - dt.timedelta(days=rng.randint(1, 900)),
            "last_active_at": now - dt.timedelta(minutes=int(rng.expovariate(1 / (60 * 24 * 20)))),
        },
        "area_ids": [a.pk for a in areas],
    }


def _batches(numbers: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]


def ensure_generated_mentors(total: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Make sure generated mentors 1..``total`` exist; return how many were created.

    Users, verified email addresses, profiles and their areas are written with
    ``bulk_create`` in batches of 5,000, one transaction per batch. Every password is
    the same demo password, hashed once.
    """
    from allauth.account.models import EmailAddress

    User = get_user_model()
    existing = set(
        User.objects.filter(email__startswith=GENERATED_PREFIX, email__endswith=GENERATED_DOMAIN).values_list(
            "email", flat=True
        )
    )
    missing = [n for n in range(1, total + 1) if generated_email(n) not in existing]
    if not missing:
        return 0
    taxonomy = _Taxonomy(
        areas=list(AreaOfSupport.objects.filter(active=True)),
        roles=list(Role.objects.filter(active=True)),
        communities=list(ProfessionalCommunity.objects.filter(active=True)),
    )
    if not (taxonomy.areas and taxonomy.roles and taxonomy.communities):
        raise RuntimeError("The matching taxonomy is empty: run the migrations first.")
    password = make_password(DEMO_PASSWORD)
    now, today = timezone.now(), timezone.localdate()
    Through = Profile.areas.through
    done = 0
    for batch in _batches(missing, BATCH_SIZE):
        people = [_generated_mentor(n, taxonomy, today, now) for n in batch]
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=p["email"],
                        first_name=p["first_name"],
                        last_name=p["last_name"],
                        password=password,
                        date_joined=p["date_joined"],
                        last_login=p["profile"]["last_active_at"],  # active members have signed in
                    )
                    for p in people
                ]
            )
            if any(u.pk is None for u in users):  # a backend that does not return ids
                ids = dict(User.objects.filter(email__in=[p["email"] for p in people]).values_list("email", "pk"))
                for u in users:
                    u.pk = ids[u.email]
            EmailAddress.objects.bulk_create(
                [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users]
            )
            profiles = [Profile(user_id=u.pk, **p["profile"]) for u, p in zip(users, people, strict=True)]
            if connection.vendor == "postgresql":
                # Areas first (the foreign key is checked at commit), so the profile trigger
                # fills ``area_ids`` as each profile is inserted instead of rewriting it after.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence('people_profile', 'id')) FROM generate_series(1, %s)",
                        [len(profiles)],
                    )
                    for profile, (pk,) in zip(profiles, cursor.fetchall(), strict=True):
                        profile.pk = pk
                Through.objects.bulk_create(_area_links(Through, profiles, people))
                Profile.objects.bulk_create(profiles)
            else:
                Profile.objects.bulk_create(profiles)
                if any(p.pk is None for p in profiles):
                    ids = dict(Profile.objects.filter(user_id__in=[u.pk for u in users]).values_list("user_id", "pk"))
                    for profile in profiles:
                        profile.pk = ids[profile.user_id]
                Through.objects.bulk_create(_area_links(Through, profiles, people))
        done += len(batch)
        if progress:
            progress(done, len(missing))
    refresh_statistics()
    return done


def _area_links(through, profiles: list[Profile], people: list[dict]) -> list:
    return [
        through(profile_id=profile.pk, areaofsupport_id=area_id)
        for profile, person in zip(profiles, people, strict=True)
        for area_id in person["area_ids"]
    ]


MENTOR_TABLES = ("people_user", "people_profile", "people_profile_areas", "account_emailaddress")


def refresh_statistics(tables=MENTOR_TABLES) -> None:
    """After a bulk load, let PostgreSQL's planner (and index-only scans) know the new rows of ``tables``."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            # VACUUM cannot run inside a transaction (tests wrap everything in one).
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")
