import os
import secrets
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kuzbib_site import demo
from kuzbib_site.demo import jury


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo site and print the admin login. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=os.environ.get("KUZBIB_DEMO_URL", "http://127.0.0.1:8000"),
            help="Where the demo is served (make demo passes its HOST and PORT): the site's "
            "address in e-mails and the logins printed.",
        )
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
    def handle(self, *args, url="", admin_password="", jury_password="", **options):
        address = urlsplit(url)
        if address.scheme not in ("http", "https") or not address.hostname:
            raise CommandError(
                f"--url must be an http(s) address such as http://127.0.0.1:8000, not {url!r}"
            )
        url = url.rstrip("/")
        password = admin_password or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username="admin", defaults={"email": "admin@example.org"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        jury_password = jury_password or secrets.token_urlsafe(12)
        demo.load(
            self.stdout,
            manager=user,
            jury_password=jury_password,
            hostname=address.hostname,
            port=address.port or (443 if address.scheme == "https" else 80),
        )
        self.stdout.write(self.style.SUCCESS("Demo site loaded."))
        self.stdout.write(f"Site: {url}/\nAdmin: {url}/admin/  login: admin  password: {password}")
        logins = ", ".join(username for username, *_rest in jury.JURORS)
        self.stdout.write(
            f"Jury room: {url}/jury/  logins: {logins} "
            f"(chair: {jury.JURORS[0][0]}; {jury.VISITOR_JUROR} has entries left to score)  "
            f"password: {jury_password}"
        )
