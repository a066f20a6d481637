"""``manage.py repair_section_permissions``: give every section session its section's leaders'
page permissions again (``events/leaders.py``) — after groups were given a section, or sessions
were imported without the signals that grant them."""

from django.core.management.base import BaseCommand

from events.leaders import repair_section_permissions


class Command(BaseCommand):
    help = "Give each section session the page permissions its section's leaders hold."

    def handle(self, *args, **options):
        sessions, added = repair_section_permissions()
        self.stdout.write(f"Section sessions: {sessions}; permissions added: {added}.")
