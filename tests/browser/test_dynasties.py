"""The festival of library dynasties in chromium, with axe-core on every public page: a family
applies with three generations and two photos through the form that works without JavaScript
(a member row added by its button); an editor accepts the application in the admin and
publishes the draft it makes; the published page draws the tree and counts the figures from what
the family typed; a visitor sorts the festival's dynasties by years of service. On a phone
(390 px) no public page scrolls sideways as a whole (the tree scrolls inside its own region).

Interface strings are compared through gettext under ``translation.override("ru")`` or by
structure (ids, names, classes): the catalogues are translated at the end. With
``KUZBIB_SCREENSHOTS=<folder>`` the tests also save screenshots of the pages there (dyn-*.png).
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import GroupPagePermission

from dynasties.family import Family, Period, Person
from dynasties.models import Application, ApplicationPhoto, DynastyPage
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.dynasties import ApplicationFactory, DynastyPageFactory, FestivalPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Три-поколения-библиотекарей-1950"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("KUZBIB_SCREENSHOTS")


def ru(msgid):
    with translation.override("ru"):
        return gettext(msgid)


def shoot(page, name, part=None):
    """A screenshot ``dyn-<name>-<width>.png`` of the whole page (or of the locator ``part``)
    when KUZBIB_SCREENSHOTS names a folder."""
    if SHOTS:
        path = str(Path(SHOTS) / f"dyn-{name}-{page.viewport_size['width']}.png")
        if part is None:
            page.screenshot(path=path, full_page=True)
        else:
            part.screenshot(path=path)


def no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width} px wide on a 390 px phone"


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": DESKTOP}


@pytest.fixture
def festival(home_page):
    """A festival taking applications now, with a municipality and a library to choose."""
    municipality = MunicipalityFactory(name="Мариинск")
    LibraryFactory(full_name="Мариинская центральная библиотека", municipality=municipality)
    return FestivalPageFactory(parent=home_page, slug="festival")


@pytest.fixture
def editor(django_user_model, festival):
    """An editor who may decide on applications and add and publish pages under the festival."""
    user = django_user_model.objects.create_user(
        "redaktor", email="redaktor@example.ru", password=PASSWORD
    )
    group = Group.objects.create(name="Редакторы фестиваля")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="dynasties", codename="change_application"),
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=festival,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user.groups.add(group)
    return user


def fill_member(page, index, last, first, patronymic, sex, born, **more):
    """Fill member row ``index`` (0-based); ``more`` names other fields of the row, kinship
    given by the other member's row number."""
    row = f"#id_member-{index}"
    page.fill(f"{row}-last_name", last)
    page.fill(f"{row}-first_name", first)
    page.fill(f"{row}-patronymic", patronymic)
    page.select_option(f"{row}-sex", sex)
    page.fill(f"{row}-birth", born)
    for name, value in more.items():
        if name in ("parent1", "parent2", "spouse", "sibling"):
            page.select_option(f"{row}-{name}", str(value))
        else:
            page.fill(f"{row}-{name}", str(value))


def fill_period(page, index, member, start, end, library, position):
    row = f"#id_period-{index}"
    page.select_option(f"{row}-member", str(member))
    page.fill(f"{row}-start", str(start))
    page.fill(f"{row}-end", str(end) if end else "")
    page.fill(f"{row}-library_name", library)
    page.fill(f"{row}-position", position)


def test_a_family_applies_an_editor_accepts_and_the_page_shows_the_tree_and_totals(
    page, festival, editor, tmp_path, axe_check
):
    this_year = timezone.localdate().year
    jpeg, png = tmp_path / "бабушка.jpg", tmp_path / "семья.png"
    jpeg.write_bytes(sample.image("jpeg", (800, 600)))
    png.write_bytes(sample.image("png", (640, 480)))

    # The festival calls to apply.
    page.goto(festival.url)
    shoot(page, "festival")
    page.get_by_role("link", name=ru("Apply"), exact=True).click()
    page.wait_for_url("**/zayavka/")
    assert page.locator("fieldset.application-member").count() == 3
    axe_check(page)
    shoot(page, "form")

    # Sent empty: every problem is listed at the top and nothing is saved.
    page.locator("button.application-submit").click()
    summary = page.locator("#form-errors")
    summary.wait_for()
    assert ru("Please correct the errors below. Nothing has been saved.") in summary.inner_text()
    assert page.locator("#id_consent-error").is_visible()
    assert not Application.objects.exists()
    axe_check(page)
    shoot(page, "form-errors")

    page.fill("#id_family_name", "Ивановы")
    page.select_option("#id_municipality", label="Мариинск")
    page.fill("#id_last_name", "Иванова")
    page.fill("#id_first_name", "Ольга")
    page.fill("#id_patronymic", "Петровна")
    page.fill("#id_email", "ivanova@example.ru")
    page.fill("#id_position", "библиограф")
    page.select_option("#id_library", label="Мариинская центральная библиотека")
    fill_member(page, 0, "Иванова", "Мария", "Петровна", "f", "1925", death="2001")
    fill_member(page, 1, "Иванов", "Пётр", "Иванович", "m", "1950", parent1=1)
    fill_member(page, 2, "Иванова", "Анна", "Сергеевна", "f", "1952", spouse=2, marriage_year=1974)
    page.fill("#id_member-2-maiden_name", "Смирнова")

    # A fourth row, by the button that works without JavaScript: what was typed stays.
    page.get_by_role("button", name=ru("Add a family member")).click()
    page.locator("#id_member-3-last_name").wait_for()
    assert page.locator("fieldset.application-member").count() == 4
    assert page.input_value("#id_member-2-maiden_name") == "Смирнова"
    assert page.input_value("#id_member-1-parent1") == "1"
    assert page.input_value("#id_family_name") == "Ивановы"
    fill_member(page, 3, "Иванова", "Ольга", "Петровна", "f", "1980", parent1=2, parent2=3)
    fill_period(page, 0, 1, 1950, 1985, "Кемеровская областная библиотека", "библиотекарь")
    fill_period(page, 1, 4, 2005, None, "Мариинская центральная библиотека", "библиограф")
    page.fill("#id_story", "Бабушка открыла сельскую библиотеку, внучка — библиограф.")
    page.set_input_files("#id_photos", [str(jpeg), str(png)])
    page.check("#id_consent")
    page.locator("button.application-submit").click()

    # The private status page shows the family as sent and the photos, processed on commit.
    page.wait_for_url("**/zayavka/*/?new=1")
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.token in page.url
    people = page.locator(".application-people li").all_inner_texts()
    assert len(people) == 4
    assert people[0].startswith("Иванова Мария Петровна")
    assert "Смирнова" in people[2]
    photos = page.locator(".application-photos").inner_text()
    assert "бабушка.jpg" in photos and "семья.png" in photos
    assert set(application.photos.values_list("status", flat=True)) == {
        ApplicationPhoto.Status.READY
    }
    axe_check(page)
    shoot(page, "status")

    # The editor finds it under «Заявки династий», opens it and accepts it.
    page.goto("/admin/login/")
    page.locator("#id_username").fill("redaktor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name=ru("Dynasty applications")).click()
    page.wait_for_url("**/admin/snippets/dynasties/application/")
    page.locator("main table.listing").get_by_role("link", name="Ивановы").click()
    page.wait_for_url(f"**/admin/snippets/dynasties/application/inspect/{application.pk}/")
    main = page.locator("main")
    assert "Иванова Мария Петровна" in main.inner_text()
    axe_check(page)
    shoot(page, "admin-application")
    page.set_viewport_size(PHONE)
    shoot(page, "admin-application")
    page.set_viewport_size(DESKTOP)
    # The tree's boxes are light behind dark names here too, without the site's colours.
    box = main.locator(".family-tree__box").first
    text = main.locator(".family-tree__surname").first
    assert box.evaluate("rect => getComputedStyle(rect).fill") != text.evaluate(
        "text => getComputedStyle(text).fill"
    )
    shoot(page, "admin-tree", main.locator(".family-tree__figure"))
    thumbnail = main.locator("img[alt='бабушка.jpg']")
    thumbnail.scroll_into_view_if_needed()  # loaded lazily
    thumbnail.evaluate("img => img.decode()")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    page.get_by_role("button", name=ru("Accept and make a draft of the dynasty's page")).click()

    # The draft opens in the page editor; the editor publishes it.
    page.wait_for_url("**/admin/pages/*/edit/")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    dynasty = application.dynasty
    assert f"/admin/pages/{dynasty.pk}/edit/" in page.url
    assert not dynasty.live
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(f"**/admin/pages/{festival.pk}/")
    dynasty = DynastyPage.objects.get(pk=dynasty.pk)
    assert dynasty.live

    # The published page: the tree, its list and the figures counted from what was typed.
    page.goto(dynasty.url)
    tree = page.locator("svg.family-tree__svg")
    # Each member's box links to their entry below, so the drawing is a group, not one image.
    assert tree.get_attribute("role") == "group"
    assert tree.locator(":scope > title").text_content() == "Ивановы"
    people = [
        "Иванова Мария Петровна",
        "Иванов Пётр Иванович",
        "Иванова Анна Сергеевна",
        "Иванова Ольга Петровна",
    ]
    labels = tree.locator("a").evaluate_all("links => links.map(a => a.getAttribute('aria-label'))")
    assert len(labels) == 4
    assert all(any(label.startswith(name) for label in labels) for name in people)
    figures = dict(
        zip(
            page.locator(".dynasty-figures__list dt").all_inner_texts(),
            page.locator(".dynasty-figures__list dd").all_inner_texts(),
            strict=True,
        )
    )
    # 1950–1985 is 36 calendar years; 2005 to this year inclusive is this year − 2004.
    assert figures[ru("Years of library service")] == str(36 + this_year - 2004)
    assert figures[ru("Generations")] == "3"
    assert figures[ru("Family members")] == "4"
    assert figures[ru("In libraries since")] == "1950"
    outline = page.locator("details.family-tree__list")
    assert outline.locator("summary").inner_text() == ru("The family tree as a list")
    outline.locator("summary").click()
    listed = outline.locator(".family-tree__member").all_inner_texts()
    assert len(listed) == 4
    assert all(any(item.startswith(name) for item in listed) for name in people)
    assert any("Смирнова" in item for item in listed)  # the maiden name
    # The list nests: the granddaughter is inside her grandmother's entry.
    assert (
        outline.locator("ul.family-tree__outline > li ul li")
        .filter(has_text="Иванова Ольга Петровна")
        .count()
        >= 1
    )
    axe_check(page)
    shoot(page, "dynasty")


def test_a_visitor_sorts_the_dynasties_by_years_of_service(page, home_page, axe_check):
    festival = FestivalPageFactory(parent=home_page, slug="festival")

    def one_librarian(last_name, start):
        return Family(
            people=(Person(1, last_name, "Анна", "Ивановна", sex="f", birth="1930"),),
            periods=(Period(1, start, 1999, "Городская библиотека"),),
        )

    for family_name, start in (("Петровы", 1990), ("Сидоровы", 1960), ("Кузнецовы", 1980)):
        DynastyPageFactory(
            parent=festival,
            family_name=family_name,
            slug=family_name.lower(),
            family=one_librarian(family_name[:-1] + "а", start),
        )

    def shown():
        return page.locator(".dynasty-card__name").all_inner_texts()

    page.goto(festival.url + "?sort=name")
    assert shown() == ["Кузнецовы", "Петровы", "Сидоровы"]
    page.select_option("#filter-sort", "service")
    page.locator("form.dynasty-filters").get_by_role("button", name=ru("Show")).click()
    page.wait_for_url("**sort=service**")
    # 40, 20 and 10 years of service.
    assert shown() == ["Сидоровы", "Кузнецовы", "Петровы"]
    figures = page.locator(".dynasty-card__figures li:first-child strong").all_inner_texts()
    assert figures == ["40", "20", "10"]
    assert page.locator("#filter-sort").input_value() == "service"
    axe_check(page)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_on_a_phone_no_public_page_scrolls_sideways(phone, festival, axe_check):
    page = phone
    dynasty = DynastyPageFactory(parent=festival, family_name="Ивановы", slug="ivanovy")
    application = ApplicationFactory(festival=festival)

    page.goto(festival.url)
    no_horizontal_scroll(page)
    shoot(page, "festival")

    page.goto(festival.url + "zayavka/")
    no_horizontal_scroll(page)
    shoot(page, "form")

    page.goto(festival.url + f"zayavka/{application.token}/")
    assert page.locator(".application-people li").count() == 4
    no_horizontal_scroll(page)
    shoot(page, "status")

    page.goto(dynasty.url)
    scroller = page.locator(".family-tree__scroller")
    assert scroller.is_visible()
    no_horizontal_scroll(page)
    # The tree is wider than the phone: its own region scrolls, inside the page's width.
    box = scroller.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    axe_check(page)
    shoot(page, "dynasty")

    # The low-vision version's largest type (250 %) in white on black: still no sideways page.
    for name, url in (("festival", festival.url), ("dynasty", dynasty.url)):
        page.goto(f"/low-vision/?size=3&scheme=wb&next={url}")
        assert "lv-size-3" in page.locator("html").get_attribute("class").split()
        no_horizontal_scroll(page)
        shoot(page, f"lv-{name}")
