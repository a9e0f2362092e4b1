"""python manage.py load_demo: the demo regions, organisations and users (idempotent)."""

import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from demo import organisations as demo


class Command(BaseCommand):
    help = (
        "Load the demo data (regions, municipalities, organisations, users); safe to repeat. "
        "Demo users get the password 'kyoso-demo-2020' only when DEBUG is on."
    )

    def handle(self, *args, **options):
        summary = demo.load_demo(with_passwords=settings.DEBUG)
        from demo.quests import load_quests_demo

        quests = load_quests_demo(with_passwords=settings.DEBUG)
        from demo.spaces import load_spaces_demo

        spaces = load_spaces_demo()
        from demo.selection import load_selection_demo

        load_selection_demo()
        from demo.studygroups import load_studygroups_demo

        cohorts = load_studygroups_demo(with_passwords=settings.DEBUG)
        from django.utils import timezone

        from demo.handovers import load_handovers_demo

        handovers = load_handovers_demo(with_passwords=settings.DEBUG, today=timezone.localdate())
        from demo.transitions import load_transitions_demo

        load_transitions_demo()
        from demo.reuse import load_reuse_demo

        load_reuse_demo()
        from demo.follows import load_follows_demo

        load_follows_demo()
        from demo.desks import load_desks_demo

        load_desks_demo(with_passwords=settings.DEBUG)
        from demo.networks import load_networks_demo

        load_networks_demo()
        from demo.exchange import load_exchange_demo

        load_exchange_demo()
        from demo.meetings import load_meetings_demo

        load_meetings_demo(with_passwords=settings.DEBUG)
        if summary.changed:
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        else:
            self.stdout.write(_("Nothing changed: the demo data was already loaded."))
        counts = [
            (_("Regions"), summary.regions),
            (_("Municipality"), summary.municipalities),
            (_("Company"), summary.companies),
            (_("NPO / intermediary"), summary.intermediaries),
            (_("Registered email domains"), summary.domains),
            (capfirst(_("users")), summary.users),
            (capfirst(_("memberships")), summary.memberships),
            (_("Membership requests"), summary.pending_requests),
            (_("New demo quests"), quests["quests"]),
            (_("New demo spaces"), spaces["spaces"]),
            (_("New demo cohorts"), cohorts["cohorts"]),
            (_("New demo handovers"), handovers["handovers"]),
        ]
        for label, count in counts:
            self.stdout.write(f"  {label}: {count}")
        if not summary.with_passwords:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Passwords are set only when DEBUG is on; "
                        "the demo users cannot log in with a password."
                    )
                )
            )
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (shown only when DEBUG is on):"))
        rows = [(_("Role"), _("Email address"), _("Password")), *demo.demo_logins()]
        widths = [max(_display_width(row[i]) for row in rows) for i in range(2)]
        for role, email, password in rows:
            self.stdout.write(
                "  " + _pad(role, widths[0]) + "  " + _pad(email, widths[1]) + "  " + password
            )


def _display_width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))
