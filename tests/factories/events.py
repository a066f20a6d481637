import datetime

import factory
import wagtail_factories
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from events.models import (
    EVENT_TIMEZONE,
    ConferencePage,
    EventIndexPage,
    ResolutionItem,
    ResolutionPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
    Talk,
    TalkSpeaker,
)
from events.models.registration import split_full_name

DAY = datetime.date(2008, 12, 16)


def open_cfp(conference, days=10):
    """Take report proposals for ``conference`` from yesterday for ``days`` more days."""
    now = timezone.now()
    conference.cfp_opens = now - datetime.timedelta(days=1)
    conference.cfp_closes = now + datetime.timedelta(days=days)
    conference.save()
    return conference


def section_leader(user, pages, codenames=("change_page", "publish_page"), permissions=()):
    """Give ``user`` a section leader's rights as ``kuzbib_site/demo/events.py`` does: admin
    access (and the model ``permissions`` named) plus page permissions on ``pages`` — their
    section's page and its sessions — and nothing else."""
    group = Group.objects.create(name=f"Руководители: {user.username}")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *permissions]))
    for page in pages:
        for codename in codenames:
            GroupPagePermission.objects.create(
                group=group,
                page=page,
                permission=Permission.objects.get(
                    codename=codename, content_type__app_label="wagtailcore"
                ),
            )
    user.groups.add(group)
    return user


def open_registration(conference, capacity=None, requires_approval=False, **fields):
    """Open ``conference``'s registration from yesterday for a month (and set ``fields``)."""
    now = timezone.now()
    conference.registration_opens = now - datetime.timedelta(days=1)
    conference.registration_closes = now + datetime.timedelta(days=30)
    conference.capacity = capacity
    conference.requires_approval = requires_approval
    for name, value in fields.items():
        setattr(conference, name, value)
    conference.save()
    return conference


def at(hour, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=EVENT_TIMEZONE)


class EventIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = EventIndexPage

    title = "Мероприятия"
    slug = "events"


class ConferencePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ConferencePage

    title = factory.Sequence(lambda n: f"Сессия конференции {n}")
    number = factory.Sequence(lambda n: n + 1)
    start = at(10)
    end = at(17)
    venue = "Областная научная библиотека"
    city = "Кемерово"
    organisers = "НП «Кузбасские библиотеки»"


class SectionIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionIndexPage

    title = "Секции"
    slug = "sections"


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Секция {n}")


class SectionSessionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionSessionPage

    title = factory.Sequence(lambda n: f"Заседание {n}")
    start = at(13)
    end = at(15)
    room = "Ауд. 201"


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Доклад {n}")
    abstract = "Тезисы."

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        # In the order given, as the editor orders them (the many-to-many's set() adds its rows
        # in no particular order).
        if create and extracted:
            for position, person in enumerate(extracted):
                TalkSpeaker.objects.create(talk=self, person=person, sort_order=position)
            self.save()


class ResolutionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ResolutionPage

    title = "Резолюция"
    adopted_on = DAY


class ResolutionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResolutionItem

    kind = ResolutionItem.Kind.DECIDED
    number = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"Пункт резолюции {n}")


# --- Registration (appended by the registration work) --------------------------------------------


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration made directly, bypassing the capacity rules; tests of the rules go
    through ``events.domain.registration.register``."""

    class Meta:
        model = "events.Registration"

    class Params:
        # The full name as the registration form takes it, stored as Applicant's parts.
        name = factory.Sequence(lambda n: f"Участница {n}")

    conference = None
    last_name = factory.LazyAttribute(lambda o: split_full_name(o.name)[0])
    first_name = factory.LazyAttribute(lambda o: split_full_name(o.name)[1])
    patronymic = factory.LazyAttribute(lambda o: split_full_name(o.name)[2])
    email = factory.Sequence(lambda n: f"reader{n}@library.example.ru")
    new_library_name = "Сельская библиотека"
    position = "библиотекарь"
    role = "listener"
    consent_given_at = factory.LazyFunction(timezone.now)
    status = "confirmed"
