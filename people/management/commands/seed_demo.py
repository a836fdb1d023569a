"""`manage.py seed_demo [--mentors N]`: demo logins, and as many generated mentors as asked."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from people.management import demo_data


class Command(BaseCommand):
    help = (
        "Create demo data: a staff superuser, named mentors and mentees with complete profiles and "
        "verified email addresses, and optionally N generated mentors (--mentors). Safe to run again: "
        "existing demo people are refreshed, missing ones added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mentors",
            type=int,
            default=0,
            metavar="N",
            help="Make sure N generated mentors exist (mentor-000001@demo.example.com onwards).",
        )

    def handle(self, *args, mentors: int = 0, **options) -> None:
        if mentors < 0:
            self.stderr.write("--mentors must be zero or more.")
            return
        verbosity = options.get("verbosity", 1)
        staff, _ = demo_data.ensure_staff()
        named = demo_data.ensure_named_people()
        if mentors:
            started = time.monotonic()

            def progress(done: int, total: int) -> None:
                if verbosity > 1 or done == total:
                    self.stdout.write(f"  generated mentors: {done:,} of {total:,}")

            created = demo_data.ensure_generated_mentors(mentors, progress)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"Generated mentors: {created:,} created, {mentors - created:,} already there ({elapsed:.1f} s)."
            )

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with any of these:"))
        self.stdout.write(f"  {'staff (superuser)':<22} {staff.email}")
        for person, _ in named:
            kind = "mentor and mentee" if person.mentor and person.mentee else ("mentor" if person.mentor else "mentee")
            self.stdout.write(f"  {kind:<22} {person.email}")
        if mentors:
            self.stdout.write(
                f"  {'generated mentors':<22} {demo_data.generated_email(1)} … {demo_data.generated_email(mentors)}"
            )
        self.stdout.write(f"Password for every demo login: {demo_data.DEMO_PASSWORD}")
        from journeys.demo import ensure_demo_journeys

        for line in ensure_demo_journeys():
            self.stdout.write(f"  demo journey: {line}")
