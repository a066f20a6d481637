"""«Памятные даты»: the heroes' birthdays and Hero title anniversaries of a month, grouped by
day with the years counted, the month chosen by the address (garbage answered with this month
and a notice), and the .ics feed read back with icalendar: yearly all-day events with stable
UIDs, 29 February kept in common years, one month or the whole archive."""

import datetime

import icalendar
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from heroes_archive import anniversaries as memorable
from heroes_archive.models import AwardKind
from kuzbib_site.base.partial_dates import PartialDate
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db

HERO = AwardKind.HERO


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


@pytest.fixture
def heroes(archive, home_page):
    """Heroes whose dates fall in March, or seem to and must not count."""
    made = {
        "exact": HeroPageFactory(
            parent=archive,
            identifier="GST-00001",
            surname="Углев",
            birth_date="12.03.1923",
            awards=[(HERO, "26.03.1957")],
        ),
        "month": HeroPageFactory(
            parent=archive,
            identifier="GST-00002",
            surname="Месяцев",
            birth_date="03.1925",
            awards=[(HERO, "1960")],
        ),
        "leap": HeroPageFactory(
            parent=archive,
            identifier="GST-00003",
            surname="Високосов",
            birth_date="29.02.1924",
            awards=[(HERO, "1961")],
        ),
        "twice": HeroPageFactory(
            parent=archive,
            identifier="GST-00004",
            surname="Дваждов",
            birth_date="1920",
            awards=[(HERO, "10.03.1957", 1), (HERO, "15.03.1966", 2)],
        ),
        # Not anniversaries: a year only, «около», a draft, another archive's hero.
        "year": HeroPageFactory(
            parent=archive,
            identifier="GST-00005",
            surname="Годов",
            birth_date="1923",
            awards=[(HERO, "1957")],
        ),
        "about": HeroPageFactory(
            parent=archive,
            identifier="GST-00006",
            surname="Околов",
            birth_date="ок. 12.03.1923",
            awards=[(HERO, "1957")],
        ),
        "draft": HeroPageFactory(
            parent=archive,
            identifier="GST-00007",
            surname="Черновиков",
            birth_date="12.03.1923",
            live=False,
        ),
    }
    other = HeroIndexPageFactory(parent=home_page, title="Другой архив", slug="drugoi")
    made["elsewhere"] = HeroPageFactory(
        parent=other, identifier="GST-00008", surname="Чужов", birth_date="12.03.1923"
    )
    return made


def names(days):
    return [[(a.hero.surname, a.kind) for a in day.anniversaries] for day in days]


def test_the_month_groups_births_and_titles_by_day(archive, heroes):
    days = memorable.of_month(archive, 3, 2023)
    assert [day.date for day in days] == [
        datetime.date(2023, 3, 10),
        datetime.date(2023, 3, 12),
        datetime.date(2023, 3, 15),
        datetime.date(2023, 3, 26),
        None,  # known to the month only
    ]
    assert names(days) == [
        [("Дваждов", "title")],
        [("Углев", "birth")],
        [("Дваждов", "title")],
        [("Углев", "title")],
        [("Месяцев", "birth")],
    ]


def test_years_and_round_anniversaries_are_counted(archive, heroes):
    days = memorable.of_month(archive, 3, 2023)
    by_day = {day.date: day.anniversaries for day in days}
    (birth,) = by_day[datetime.date(2023, 3, 12)]
    assert (birth.years, birth.is_round) == (100, True)
    (title,) = by_day[datetime.date(2023, 3, 26)]
    assert (title.years, title.is_round) == (66, False)
    (second,) = by_day[datetime.date(2023, 3, 15)]
    assert (second.years, second.number) == (57, 2)
    (month_only,) = by_day[None]
    assert (month_only.years, month_only.day) == (98, None)
    with translation.override("en"):
        assert birth.label == "100 years since the birth"
        assert title.label == "66 years since the Hero title"
        assert second.label == "57 years since the second Hero title"
    with translation.override("ru"):
        assert birth.label == ngettext(
            "%(years)s year since the birth", "%(years)s years since the birth", 100
        ) % {"years": 100}


def test_one_year_is_singular(archive):
    hero = HeroPageFactory(parent=archive, birth_date="01.04.2000", awards=[(HERO, "1957")])
    ((anniversary,),) = [day.anniversaries for day in memorable.of_month(archive, 4, 2001)]
    assert anniversary.hero == hero
    with translation.override("en"):
        assert anniversary.label == "1 year since the birth"


def test_29_february_falls_on_the_28th_in_a_common_year(archive, heroes):
    common = memorable.of_month(archive, 2, 2023)
    assert [day.date for day in common] == [datetime.date(2023, 2, 28)]
    leap = memorable.of_month(archive, 2, 2024)
    assert [day.date for day in leap] == [datetime.date(2024, 2, 29)]
    assert leap[0].anniversaries[0].years == 100


def test_dates_not_yet_reached_in_the_year_are_left_out(archive, heroes):
    days = memorable.of_month(archive, 3, 1930)
    assert names(days) == [[("Углев", "birth")], [("Месяцев", "birth")]]


# --- The page ---------------------------------------------------------------------------------


def url(archive, query=""):
    return archive.url + archive.reverse_subpage("anniversaries") + query


def test_the_page_lists_the_month_with_links_and_calendars(client, archive, heroes):
    response = client.get(url(archive, "?month=3&year=2023"))
    assert response.status_code == 200
    text = response.content.decode()
    with translation.override("ru"):
        heading = f"{gettext('Memorable dates')}: {PartialDate.parse('03.2023').display()}"
    assert heading.endswith(("март 2023", "март 2023 г."))  # lower case inside a sentence
    assert f'<h1 id="anniversaries-heading">{heading}</h1>' in text
    assert '<time datetime="2023-03-12">' in text
    assert f'<a href="{heroes["exact"].url}">{heroes["exact"].title}</a>' in text
    assert 'class="anniversary anniversary--round"' in text
    for absent in ("year", "about", "draft", "elsewhere"):
        assert heroes[absent].title not in text
    assert 'href="/geroi/pamyatnye-daty/?month=2&amp;year=2023" rel="prev"' in text
    assert 'href="/geroi/pamyatnye-daty/?month=4&amp;year=2023" rel="next"' in text
    assert 'href="/geroi/pamyatnye-daty/ics/?month=3"' in text
    assert 'href="/geroi/pamyatnye-daty/ics/"' in text
    assert '<option value="3" selected>' in text
    assert 'id="anniversaries-year" name="year"' in text and 'value="2023"' in text


def test_this_month_by_default(client, archive):
    today = timezone.localdate()
    hero = HeroPageFactory(
        parent=archive, birth_date=f"{today.day:02d}.{today.month:02d}.1950", awards=[]
    )
    response = client.get(url(archive))
    assert response.status_code == 200
    text = response.content.decode()
    assert f'<option value="{today.month}" selected>' in text
    assert hero.title in text
    assert 'class="notice"' not in text


def test_an_empty_month_says_so(client, archive, heroes):
    response = client.get(url(archive, "?month=7&year=2023"))
    assert response.status_code == 200
    assert "anniversaries__day" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("?month=13", ["13"]),
        ("?month=0", ["0"]),
        ("?month=abc", ["abc"]),
        ("?month=-3", ["-3"]),
        ("?month=3.5", ["3.5"]),
        ("?month=%D9%A3", ["٣"]),  # an Arabic-Indic digit: not a month of this form
        ("?month=%00", ["\ufffd"]),
        ("?month=" + "9" * 5000, ["9" * 10]),
        ("?year=99999", ["99999"]),
        ("?year=1899", ["1899"]),
        ("?year=2101", ["2101"]),
        ("?year=20x3", ["20x3"]),
        ("?month=13&year=0", ["13", "0"]),
    ],
)
def test_garbage_is_answered_with_this_month_and_a_notice(client, archive, query, refused):
    today = timezone.localdate()
    response = client.get(url(archive, query))
    assert response.status_code == 200
    text = response.content.decode()
    notice = text.split('<div class="notice notice--warning" role="status">')[1].split("</div>")[0]
    assert notice.count("<li>") == len(refused)
    for value in refused:
        assert value in notice
    if "month" in query:
        assert f'<option value="{today.month}" selected>' in text
    if "year" in query:
        assert f'value="{today.year}"' in text


def test_repeated_parameters_count_once_with_a_notice(client, archive, heroes):
    response = client.get(url(archive, "?month=3&month=1&year=2023&year=2023"))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<option value="3" selected>' in text
    notice = text.split('<div class="notice notice--warning" role="status">')[1].split("</div>")[0]
    assert notice.count("<li>") == 1  # the month's two values; the year's were the same


def test_only_get(client, archive):
    assert client.post(url(archive)).status_code == 405


def test_hostile_names_are_escaped(client, archive):
    HeroPageFactory(
        parent=archive, surname="<script>alert(1)</script>", birth_date="12.03.1923", awards=[]
    )
    text = client.get(url(archive, "?month=3&year=2023")).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_page_reads_a_bounded_number_of_queries(archive, heroes, assert_queries_bounded):
    def add():
        for number in range(12):
            HeroPageFactory(
                parent=archive,
                birth_date=f"{number + 1:02d}.03.1930",
                awards=[(HERO, f"{number + 1:02d}.03.1960", 1), (HERO, "03.1970", 2)],
            )

    assert_queries_bounded(url(archive, "?month=3&year=2023"), add, cap=15)


# --- The calendar -----------------------------------------------------------------------------


def ics_url(archive, query=""):
    return archive.url + archive.reverse_subpage("anniversaries_ics") + query


def read_ics(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return icalendar.Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_a_yearly_all_day_event_per_date_known_to_the_day(client, archive, heroes):
    calendar = read_ics(client.get(ics_url(archive)))
    events = events_by_uid(calendar)
    assert sorted(events) == [
        "hero-gst-00001-birth@localhost",
        "hero-gst-00001-title-1@localhost",
        "hero-gst-00003-birth@localhost",
        "hero-gst-00004-title-1@localhost",
        "hero-gst-00004-title-2@localhost",
    ]
    birth = events["hero-gst-00001-birth@localhost"]
    assert birth.decoded("dtstart") == datetime.date(1923, 3, 12)
    assert birth["dtstart"].params["VALUE"] == "DATE"
    assert birth.decoded("dtend") == datetime.date(1923, 3, 13)
    assert birth["rrule"]["FREQ"] == ["YEARLY"]
    assert str(birth["transp"]) == "TRANSPARENT"
    assert str(birth["url"]) == heroes["exact"].get_full_url()
    hero_name = heroes["exact"].title
    with translation.override("ru"):
        assert str(birth["summary"]) == gettext(
            "Birthday of %(name)s, Hero of Socialist Labour (%(date)s)"
        ) % {"name": hero_name, "date": "12.03.1923"}
        second = events["hero-gst-00004-title-2@localhost"]
        assert str(second["summary"]) == gettext(
            "%(name)s awarded the second Hero of Socialist Labour title (%(date)s)"
        ) % {"name": heroes["twice"].title, "date": "15.03.1966"}
    assert str(calendar["version"]) == "2.0"


def test_29_february_recurs_on_the_last_day_of_february(client, archive, heroes):
    events = events_by_uid(read_ics(client.get(ics_url(archive))))
    leap = events["hero-gst-00003-birth@localhost"]
    assert leap["rrule"]["FREQ"] == ["YEARLY"]
    assert leap["rrule"]["BYMONTH"] == [2]
    assert leap["rrule"]["BYMONTHDAY"] == [-1]
    rule = leap["rrule"].to_ical().decode()
    from dateutil.rrule import rrulestr

    days = list(
        rrulestr(rule, dtstart=datetime.datetime(1924, 2, 29)).between(
            datetime.datetime(2023, 1, 1), datetime.datetime(2025, 1, 1)
        )
    )
    assert [day.date() for day in days] == [datetime.date(2023, 2, 28), datetime.date(2024, 2, 29)]


def test_a_month_feed_has_that_month_only(client, archive, heroes):
    march = events_by_uid(read_ics(client.get(ics_url(archive, "?month=3"))))
    assert "hero-gst-00003-birth@localhost" not in march
    assert len(march) == 4
    february = events_by_uid(read_ics(client.get(ics_url(archive, "?month=2"))))
    assert list(february) == ["hero-gst-00003-birth@localhost"]


@pytest.mark.parametrize(
    "query", ["?month=13", "?month=x", "?month=%00", "?month=", "?month=2&month=3"]
)
def test_a_feed_with_a_bad_month_is_the_whole_archive(client, archive, heroes, query):
    response = client.get(ics_url(archive, query))
    assert len(events_by_uid(read_ics(response))) == 5
    assert 'filename="pamyatnye-daty.ics"' in response["Content-Disposition"]


def test_uids_are_stable_across_edits(client, archive, heroes):
    before = sorted(events_by_uid(read_ics(client.get(ics_url(archive)))))
    hero = heroes["exact"]
    hero.surname = "Углёв"
    hero.save_revision().publish()
    after = events_by_uid(read_ics(client.get(ics_url(archive))))
    assert sorted(after) == before
    assert "Углёв" in str(after["hero-gst-00001-birth@localhost"]["summary"])


def test_hostile_names_stay_text_in_the_feed(client, archive):
    HeroPageFactory(
        parent=archive,
        identifier="GST-09999",
        surname="Злов;\r\nBEGIN:VEVENT\r\nUID:evil",
        birth_date="12.03.1923",
        awards=[],
    )
    calendar = read_ics(client.get(ics_url(archive)))
    assert [str(event["uid"]) for event in calendar.walk("VEVENT")] == [
        "hero-gst-09999-birth@localhost"
    ]


def test_the_feed_reads_a_bounded_number_of_queries(archive, heroes, assert_queries_bounded):
    def add():
        for number in range(10):
            HeroPageFactory(
                parent=archive,
                birth_date=f"{number + 1:02d}.05.1930",
                awards=[(HERO, f"{number + 1:02d}.05.1960")],
            )

    assert_queries_bounded(ics_url(archive), add, cap=10)
