"""The personal-data retention job (152-FZ): records that hold applicants' personal data are
anonymised a configurable number of days after their event ends, or at once when the person asks
on their private page («Удалить мои данные»).

``base`` does not know the domain apps: each app describes its records with a ``RetentionPolicy``
in its own ``retention`` module and registers it from ``AppConfig.ready``. The engine finds what
is due, reports it (the admin's dry run) and anonymises it, one record per transaction. A record
is marked ``anonymised_at``, so running the job twice changes nothing."""

import datetime
import logging

from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Greatest
from django.utils import timezone

from .conf import setting
from .privacy import ERASED_NAME, erased_email
from .tokens import new_token

logger = logging.getLogger(__name__)

_policies = {}


class RetentionPolicy:
    """What one kind of record keeps and loses. Subclasses set ``key`` (the key of
    ``KUZBIB_BASE["RETENTION"]`` that gives the number of days), ``model``, ``end_field`` (the
    lookup of the date its event ends, e.g. ``"conference__end"``) and implement
    ``anonymise(record, now)``, which runs inside a transaction holding the record's row lock and
    returns the stored files to delete."""

    key = None
    model = None
    end_field = None

    @property
    def label(self):
        return self.model._meta.verbose_name_plural

    @property
    def days(self):
        return int(setting("RETENTION")[self.key])

    def pending(self):
        """Records not yet anonymised."""
        return self.model._default_manager.filter(anonymised_at=None)

    def cutoff(self, now):
        return now - datetime.timedelta(days=self.days)

    def due(self, now):
        """Records whose event ended, and which were made, more than ``days`` ago."""
        cutoff = self.cutoff(now)
        return self.pending().filter(**{f"{self.end_field}__lt": cutoff, "created_at__lt": cutoff})

    def due_since(self, now):
        """Since when the oldest due record has been due, or None."""
        first = self.due(now).aggregate(first=Min(Greatest(self.end_field, "created_at")))["first"]
        return first + datetime.timedelta(days=self.days) if first else None

    def user_may_run(self, user):
        meta = self.model._meta
        return user.is_active and (
            user.has_perm(f"{meta.app_label}.change_{meta.model_name}")
            or user.has_perm(f"{meta.app_label}.delete_{meta.model_name}")
        )

    def anonymise(self, record, now):
        raise NotImplementedError


class ApplicantPolicy(RetentionPolicy):
    """A policy for a model with ``Applicant``'s person fields (``kuzbib_site.base.models``),
    erased alike for every kind: name, e-mail, position, a typed library name and the private
    link (a new, never-sent token); plus the kind's own ``erased`` fields and ``files``."""

    #: The kind's own fields and the values they are erased to.
    erased = {}

    def person_fields(self, record):
        """The person fields and what they become."""
        return {
            "last_name": ERASED_NAME,
            "first_name": "",
            "patronymic": "",
            "email": erased_email(record.pk),
            "position": "",
            "new_library_name": "",
            "token": new_token(),
        }

    def files(self, record):
        """The stored files the record names, deleted once it is anonymised."""
        return []

    def anonymise(self, record, now):
        files = self.files(record)
        self.model._default_manager.filter(pk=record.pk).update(
            **self.person_fields(record), **self.erased
        )
        return files


def register(policy):
    """Called by an app's ``ready()``; registering the same key again replaces it."""
    _policies[policy.key] = policy
    return policy


def policies():
    return list(_policies.values())


def policy_for(model):
    for policy in _policies.values():
        if policy.model is model or isinstance(model, policy.model):
            return policy
    raise LookupError(f"No retention policy for {model!r}")


def report(now=None, user=None):
    """The dry run: per kind of record, how many are due and since when. Reads, never writes."""
    now = now or timezone.now()
    rows = []
    for policy in policies():
        if user is not None and not policy.user_may_run(user):
            continue
        rows.append(
            {
                "key": policy.key,
                "label": policy.label,
                "days": policy.days,
                "due": policy.due(now).count(),
                "since": policy.due_since(now),
                "anonymised": policy.model._default_manager.exclude(anonymised_at=None).count(),
            }
        )
    return rows


def anonymise(record, now=None):
    """Anonymise one record at once (the person asked). Returns False when it already was."""
    policy = policy_for(type(record))
    return _anonymise_one(policy, record.pk, now or timezone.now())


def _anonymise_one(policy, pk, now):
    with transaction.atomic():
        record = policy.pending().select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            return False  # gone, or anonymised by a concurrent run
        files = policy.anonymise(record, now)
        policy.model._default_manager.filter(pk=pk).update(anonymised_at=now)
        # The rows no longer name the files; removing them last means a failure above leaves
        # both in place for the next run.
        for stored in files:
            if stored and stored.name:
                try:
                    stored.storage.delete(stored.name)
                except OSError:
                    logger.warning("Retention could not delete %s", stored.name, exc_info=True)
    return True


def run(now=None, keys=None, limit=None):
    """Anonymise every due record (of the kinds in ``keys``, or all). Returns ``{key: count}``.
    Idempotent: what was anonymised is no longer due."""
    now = now or timezone.now()
    done = {}
    for policy in policies():
        if keys is not None and policy.key not in keys:
            continue
        ids = policy.due(now).order_by("pk").values_list("pk", flat=True)
        if limit:
            ids = ids[:limit]
        done[policy.key] = sum(_anonymise_one(policy, pk, now) for pk in list(ids))
    return done
