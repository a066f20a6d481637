"""Erasing a participant (the retention job, or their own request) also erases what judging made
of their entry: the jury copies and redacted text of their files, the «may reveal the author»
flags quoting their name, their certificate's name, library and PDF, and the contest's diploma
batches and protocols that print every participant's name. A winner's diploma keeps its name,
as the published results do."""

import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from contests import diplomas, protocol
from contests.models import Diploma, DiplomaBatch, EntryFile, EntryFlag, JuryProtocol
from kuzbib_site.base import retention
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.documents import published_contest
from tests.factories.jury import EntryFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(home_page):
    contest = published_contest(ContestIndexPageFactory(parent=home_page), entries=5)
    batch = diplomas.request(contest, None)
    diplomas.build(batch.pk)
    report = protocol.request(contest, None)
    protocol.build(report.pk)
    return contest


def jury_copy(entry):
    stored = EntryFileFactory(entry=entry, blind_text="Автор: [скрыто]")
    stored.blind_file.save("copy.pdf", ContentFile(b"%PDF-1.4 jury copy"))
    EntryFlag.objects.create(
        entry=entry,
        kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR,
        file=stored,
        fragment=f"текст: Автор: {entry.last_name}",
    )
    return stored


def test_erasing_a_participant_erases_what_judging_made_of_their_entry(contest):
    participant = contest.entries.order_by("number").last()  # place 5: a certificate
    winner = contest.entries.order_by("number").first()  # place 1: a diploma
    stored = jury_copy(participant)
    copy_path = stored.blind_file.path
    certificate = Diploma.objects.get(entry=participant)
    certificate_path = certificate.file.path
    batch_paths = [batch.file.path for batch in DiplomaBatch.objects.filter(contest=contest)]
    protocol_paths = [report.file.path for report in JuryProtocol.objects.filter(contest=contest)]
    assert batch_paths and protocol_paths

    retention.anonymise(participant, timezone.now())

    stored = EntryFile.objects.get(pk=stored.pk)
    assert not stored.blind_file and stored.blind_text == ""
    assert not EntryFlag.objects.filter(entry=participant).exists()
    certificate.refresh_from_db()
    assert certificate.recipient == "" and certificate.library_name == "" and not certificate.file
    assert certificate.number  # the number stays: the verification page says it was erased
    assert not DiplomaBatch.objects.filter(contest=contest).exists()
    assert not JuryProtocol.objects.filter(contest=contest).exists()
    for path in [copy_path, certificate_path, *batch_paths, *protocol_paths]:
        assert not os.path.exists(path), path

    kept = Diploma.objects.get(entry=winner)
    assert kept.recipient and kept.file


def test_a_winner_erased_keeps_the_name_on_their_diploma(contest):
    winner = contest.entries.order_by("number").first()
    diploma = Diploma.objects.get(entry=winner)
    name = diploma.recipient

    retention.anonymise(winner, timezone.now())

    diploma.refresh_from_db()
    assert diploma.recipient == name and diploma.file
