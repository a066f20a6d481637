"""The schedule for conference apps (Frab/Pentabarf XML and JSON), validated against the c3voc's
published schemas (tests/events/schemas/, see its README) and read back."""

import datetime
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from tests.factories import PersonFactory, SectionSessionPageFactory, TalkFactory
from tests.factories.events import at

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
XML_URL = "/events/viii/schedule-xml/"
JSON_URL = "/events/viii/schedule-json/"


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator():
    # The published schema has two «// TODO» comment lines, which JSON does not allow.
    text = (SCHEMAS / "schedule.schema.json").read_text()
    schema = json.loads("\n".join(line for line in text.splitlines() if "//" not in line))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # Formats are asserted too. Event "start" is left out: the schema says date-time, but frab,
    # pretalx (the schema's own examples) and the apps use "HH:MM" there; it is checked below.
    checker = jsonschema.FormatChecker(formats=["uuid", "date", "email", "ipv4"])
    return validator_class(schema, format_checker=checker)


def get_xml(client, xml_schema, url=XML_URL):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = etree.fromstring(response.content)
    assert xml_schema.validate(document), xml_schema.error_log
    return document


def get_json(client, json_validator, url=JSON_URL):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(data)]
    assert errors == []
    for day in data["schedule"]["conference"]["days"]:
        for key in ("day_start", "day_end"):
            assert datetime.datetime.fromisoformat(day[key]).utcoffset()
        for events in day["rooms"].values():
            for event in events:
                assert datetime.datetime.fromisoformat(event["date"]).utcoffset()
                assert datetime.datetime.strptime(event["start"], "%H:%M")
    return data


def test_the_schemas_reject_a_broken_schedule(client, conference_tree, xml_schema, json_validator):
    document = get_xml(client, xml_schema)
    document.find("conference").remove(document.find("conference/acronym"))
    assert not xml_schema.validate(document)
    data = get_json(client, json_validator)
    event = next(iter(data["schedule"]["conference"]["days"][0]["rooms"].values()))[0]
    event["guid"] = "not-a-uuid"
    del event["persons"]
    assert len(list(json_validator.iter_errors(data))) == 2


def test_xml_validates_and_has_talks_as_events(client, conference_tree, xml_schema):
    document = get_xml(client, xml_schema)
    conference = document.find("conference")
    assert conference.findtext("title") == "VIII Ежегодная сессия"
    assert conference.findtext("acronym") == "kuzbib_viii"
    assert conference.findtext("start") == conference.findtext("end") == "2008-12-16"
    assert conference.findtext("days") == "1"
    assert conference.findtext("time_zone_name") == "Asia/Novokuznetsk"
    assert conference.findtext("base_url") == "http://localhost/events/viii/"
    (day,) = document.findall("day")
    assert day.get("date") == "2008-12-16" and day.get("index") == "1"
    (room,) = day.findall("room")
    assert room.get("name") == "Ауд. 201"
    events = room.findall("event")
    assert len(events) == 4  # two sessions of two talks each
    first, second = events[:2]
    # Talks follow one another from the session's start, each for its duration.
    assert first.findtext("date") == "2008-12-16T13:00:00+07:00"
    assert (first.findtext("start"), first.findtext("duration")) == ("13:00", "00:15")
    assert second.findtext("start") == "13:15"
    assert events[2].findtext("start") == "15:00"
    assert first.findtext("track") == "Секция научно-методической работы"
    assert first.findtext("type") == "talk" and first.findtext("language") == "ru"
    assert first.findtext("subtitle") == "Заседание: Секция научно-методической работы"
    session = conference_tree["sessions"][0]
    assert first.findtext("url") == f"http://localhost{session.url}"
    speakers = conference_tree["speakers"]
    assert [p.text for p in second.findall("persons/person")] == [s.full_name for s in speakers]
    assert second.find("persons/person").get("id") == str(speakers[0].pk)
    talk = session.talks.order_by("sort_order").first()
    assert first.get("id") == str(2 * talk.pk)
    assert first.get("guid") == str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"https://kuzbib.ru/schedule/talk/{talk.pk}")
    )


def test_json_validates_and_matches_the_xml(client, conference_tree, xml_schema, json_validator):
    data = get_json(client, json_validator)
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "kuzbib_viii"
    assert conference["daysCount"] == 1 and conference["time_zone_name"] == "Asia/Novokuznetsk"
    assert [room["name"] for room in conference["rooms"]] == ["Ауд. 201"]
    events = conference["days"][0]["rooms"]["Ауд. 201"]
    document = get_xml(client, xml_schema)
    assert [e["guid"] for e in events] == [e.get("guid") for e in document.iter("event")]
    assert [e["start"] for e in events] == ["13:00", "13:15", "15:00", "15:15"]
    assert events[1]["persons"][0]["name"] == conference_tree["speakers"][0].full_name


def test_session_without_talks_is_one_event_with_its_moderators(
    client, conference_tree, xml_schema, json_validator
):
    moderator = PersonFactory(last_name="Модератова")
    session = SectionSessionPageFactory(
        parent=conference_tree["conference"],
        title="Круглый стол",
        format="round_table",
        room="",
        start=at(16),
        end=at(16) + datetime.timedelta(minutes=30),
    )
    session.moderators.set([moderator])
    session.save_revision().publish()
    document = get_xml(client, xml_schema)
    (event,) = [e for e in document.iter("event") if e.findtext("title") == "Круглый стол"]
    assert event.get("id") == str(2 * session.pk + 1)
    assert (event.findtext("start"), event.findtext("duration")) == ("16:00", "00:30")
    assert event.findtext("type") == "discussion"
    assert [p.text for p in event.findall("persons/person")] == [moderator.full_name]
    room_name = event.findtext("room")
    assert room_name and room_name != "Ауд. 201"
    data = get_json(client, json_validator)
    assert [e["title"] for e in data["schedule"]["conference"]["days"][0]["rooms"][room_name]] == [
        "Круглый стол"
    ]


def test_days_and_rooms_follow_the_sessions(client, conference_tree, xml_schema, json_validator):
    conference = conference_tree["conference"]
    conference.end = at(17, datetime.date(2008, 12, 17))
    conference.save_revision().publish()
    next_day = SectionSessionPageFactory(
        parent=conference,
        room="Конференц-зал",
        start=at(10, datetime.date(2008, 12, 17)),
        end=at(12, datetime.date(2008, 12, 17)),
    )
    TalkFactory(session=next_day, duration=40, speakers=conference_tree["speakers"][:1])
    next_day.save_revision().publish()
    document = get_xml(client, xml_schema)
    assert document.findtext("conference/days") == "2"
    days = document.findall("day")
    assert [d.get("date") for d in days] == ["2008-12-16", "2008-12-17"]
    assert days[1].get("start") == "2008-12-17T00:00:00+07:00"
    assert [r.get("name") for r in days[1].findall("room")] == ["Конференц-зал"]
    assert days[1].findtext("room/event/duration") == "00:40"
    data = get_json(client, json_validator)
    assert [d["date"] for d in data["schedule"]["conference"]["days"]] == [
        "2008-12-16",
        "2008-12-17",
    ]


def test_guids_and_ids_are_stable_and_unique(client, conference_tree, xml_schema):
    before = get_xml(client, xml_schema)
    session = conference_tree["sessions"][1]
    session.title = "Переименованное заседание"
    session.start, session.end = at(14), at(16)
    session.save_revision().publish()
    after = get_xml(client, xml_schema)

    def ids(document):
        return sorted((e.get("id"), e.get("guid")) for e in document.iter("event"))

    assert ids(before) == ids(after)
    assert len({guid for _, guid in ids(after)}) == 4


def test_text_that_is_not_xml_cannot_break_the_export(
    client, conference_tree, xml_schema, json_validator
):
    session = conference_tree["sessions"][0]
    talk = session.talks.first()
    talk.title = "</title><evil/> & \x0b\x1f «кавычки»"
    talk.abstract = "]]><!-- -->"
    talk.save()
    document = get_xml(client, xml_schema)
    titles = [e.findtext("title") for e in document.iter("event")]
    assert "</title><evil/> &  «кавычки»" in titles
    assert document.find(".//evil") is None
    data = get_json(client, json_validator)
    events = data["schedule"]["conference"]["days"][0]["rooms"]["Ауд. 201"]
    assert any(e["abstract"] == "]]><!-- -->" for e in events)


def test_unpublished_sessions_are_left_out(client, conference_tree, xml_schema):
    conference_tree["sessions"][1].unpublish()
    document = get_xml(client, xml_schema)
    assert len(document.findall(".//event")) == 2


def test_conference_without_sessions_still_validates(
    client, conference_tree, xml_schema, json_validator
):
    for session in conference_tree["sessions"]:
        session.unpublish()
    document = get_xml(client, xml_schema)
    assert len(document.findall("day")) == 1 and document.find(".//event") is None
    assert get_json(client, json_validator)["schedule"]["conference"]["daysCount"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/events/viii/schedule-xml/extra/",
        "/events/viii/schedule-yaml/",
        "/events/viii/schedule.xml",
        "/events/viii/schedule.json/",
        "/events/ix/schedule-xml/",
    ],
)
def test_unknown_schedule_urls_are_not_found(client, conference_tree, url):
    assert client.get(url, follow=True).status_code == 404


def test_query_parameters_are_ignored(client, conference_tree):
    plain = client.get(XML_URL).content
    hostile = {"format": "<script>", "day": "-1", "room": "' OR 1=1", "x": "\x00"}
    assert client.get(XML_URL, hostile).content == plain
    assert client.get(JSON_URL, hostile).content == client.get(JSON_URL).content


def test_queries_do_not_grow_with_sessions_and_talks(conference_tree, assert_queries_bounded):
    conference, session = conference_tree["conference"], conference_tree["sessions"][0]

    def more_sessions_and_talks():
        for n in range(15):
            extra = SectionSessionPageFactory(
                parent=conference, section=conference_tree["methodology"], room=f"Ауд. {300 + n}"
            )
            TalkFactory(session=extra, speakers=conference_tree["speakers"])
            extra.save_revision().publish()
            TalkFactory(session=session, speakers=conference_tree["speakers"])

    assert_queries_bounded([XML_URL, JSON_URL], more_sessions_and_talks, cap=15)
