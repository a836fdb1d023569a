"""manage.py erase_account EMAIL: erase a member's account as Delete my account does, for someone who
cannot do it themselves (a deactivated account, a request by letter). The Django admin deletes no
member: deleting the row would end their relationships without telling anyone and skip erasure."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Erase a member's account exactly as Delete my account does (people.services.delete_account): their "
        "open requests and relationships end (the other person is told), then their personal data is erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the account's sign-in address")
        parser.add_argument("--yes", action="store_true", help="do not ask to confirm")

    def handle(self, *args, email: str, yes: bool, **options):
        from people.services import delete_account

        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account signs in with {email}.")
        if user.is_staff or user.is_superuser:
            raise CommandError(f"{user.email} is a staff account: deactivate it in the admin instead.")
        if user.anonymised_at:
            raise CommandError(f"{user.email} was erased already.")
        if not yes:
            typed = input(
                f"This erases {user.display_name} ({user.email}) and cannot be undone. Type the address again: "
            )
            if typed.strip().lower() != user.email.lower():
                raise CommandError("Not erased: the address typed was not the same.")
        name = user.display_name
        delete_account(user)
        self.stdout.write(f"Erased {name}'s account: it remains only as an anonymous former participant.")
