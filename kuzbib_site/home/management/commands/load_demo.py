import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from kuzbib_site import demo
from kuzbib_site.demo import jury


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo site and print the admin login. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-password",
            default=os.environ.get("KUZBIB_ADMIN_PASSWORD", ""),
            help="Password for the 'admin' user (default: a new random one, printed).",
        )
        parser.add_argument(
            "--jury-password",
            default=os.environ.get("KUZBIB_JURY_PASSWORD", ""),
            help="Password of the demo jurors (default: a new random one, printed).",
        )

    @transaction.atomic
    def handle(self, *args, admin_password="", jury_password="", **options):
        password = admin_password or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username="admin", defaults={"email": "admin@example.org"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        jury_password = jury_password or secrets.token_urlsafe(12)
        demo.load(self.stdout, manager=user, jury_password=jury_password)
        self.stdout.write(self.style.SUCCESS("Demo site loaded."))
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  login: admin  password: {password}"
        )
        logins = ", ".join(username for username, *_rest in jury.JURORS)
        self.stdout.write(
            f"Jury room: http://127.0.0.1:8000/jury/  logins: {logins} "
            f"(chair: {jury.JURORS[0][0]}; {jury.VISITOR_JUROR} has entries left to score)  "
            f"password: {jury_password}"
        )
