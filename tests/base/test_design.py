"""The design system (kuzbib_site/base/static/base/css/kuzbib.css and the layout): the palette meets
WCAG 2.1 AA, sizes are in rem and colours come from the variables (so the low-vision version can
scale and recolour everything), every class of the shared contract is styled, no template styles
itself, and the layout, the footer, the form fields and the pagination render the markup the
stylesheet expects."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string

from kuzbib_site.base.conf import setting
from kuzbib_site.base.templatetags.kuzbib_tags import page_numbers

ROOT = Path(settings.BASE_DIR)
STYLESHEET = ROOT / "kuzbib_site/base/static/base/css/kuzbib.css"
JURY_STYLESHEET = ROOT / "contests/static/contests/jury.css"
CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(")

# The class names the templates of every app use (design13.md §4), as CSS selectors.
CONTRACT = [
    ".container", ".section", ".section__title", ".page-header", ".lead",
    ".button", ".button--secondary", ".button--quiet", ".button--small",
    ".page-header__kind", ".page-header__actions", ".page-header__image",
    ".facts", ".facts--inline",
    ".badge", ".badge--success", ".badge--warning", ".badge--danger", ".badge--muted",
    ".kind", ".tags", ".tag",
    ".notice", ".notice--info", ".notice--success", ".notice--warning", ".notice--error",
    ".form", ".field", ".field__label", ".field__help", ".field__error", ".form-actions",
    ".filter-bar", ".filter-bar__field", ".filter-bar__actions",
    ".table-wrap", ".table", ".pagination", ".breadcrumbs",
    ".machine-links", ".machine-links__title",
    ".date-badge", ".date-badge__day", ".date-badge__month",
    ".cards", ".card", ".card__media", ".card__image", ".card__placeholder", ".card__body",
    ".card__kind", ".card__title", ".card__date", ".card__meta", ".card__text", ".card__more",
]  # fmt: skip


def stylesheet():
    return STYLESHEET.read_text(encoding="utf-8")


def without_comments(css):
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def root_variables(css):
    """The custom properties of the :root block, resolved through var() references."""
    block = re.search(r":root\s*{(.*?)}", without_comments(css), re.S).group(1)
    raw = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block))

    def resolve(value):
        reference = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
        return resolve(raw[reference.group(1)]) if reference else value.strip()

    return {name: resolve(value) for name, value in raw.items()}


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Text on its background needs 4.5:1; borders of inputs, focus rings and the menu's current-page
# bar (non-text) need 3:1 against what surrounds them.
@pytest.mark.parametrize(
    ("foreground", "background", "minimum"),
    [
        ("--ink", "--paper", 4.5),
        ("--ink", "--band", 4.5),
        ("--muted", "--paper", 4.5),
        ("--muted", "--band", 4.5),
        ("--accent", "--paper", 4.5),
        ("--accent", "--band", 4.5),
        ("--accent", "--accent-soft", 4.5),
        ("--accent-strong", "--paper", 4.5),
        ("--accent-ink", "--accent", 4.5),
        ("--accent-ink", "--accent-strong", 4.5),
        ("--success", "--success-soft", 4.5),
        ("--warning", "--warning-soft", 4.5),
        ("--danger", "--danger-soft", 4.5),
        ("--danger", "--paper", 4.5),
        ("--footer-ink", "--footer-bg", 4.5),
        ("--ink", "--mark", 4.5),
        ("--line-strong", "--paper", 3),
        ("--focus", "--paper", 3),
        ("--focus", "--band", 3),
        ("--focus-on-dark", "--accent", 3),
        ("--focus-on-dark", "--footer-bg", 3),
        ("--highlight", "--accent", 3),
    ],
)
def test_the_palette_meets_wcag_aa(foreground, background, minimum):
    colours = root_variables(stylesheet())
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f}:1 < {minimum}:1"


def test_colours_come_only_from_the_variables():
    """Outside :root no rule names a colour, so a low-vision scheme that redefines the variables
    recolours every rule (the jury room's stylesheet too)."""
    css = without_comments(stylesheet())
    rules = css[css.index("}", css.index(":root")) + 1 :]
    assert CSS_COLOUR.findall(rules) == []
    assert CSS_COLOUR.findall(without_comments(JURY_STYLESHEET.read_text(encoding="utf-8"))) == []


def test_sizes_are_in_rem_but_hairlines_and_rings():
    """Pixels would not grow with the low-vision size steps; only borders and focus rings of at
    most 3 px are allowed (and print sizes in pt)."""
    lengths = re.findall(r"(?<![\w.-])(\d*\.?\d+)px\b", without_comments(stylesheet()))
    assert lengths, "the check found no px at all: is the pattern still right?"
    assert [length for length in lengths if float(length) > 3] == []


def test_every_class_of_the_contract_is_styled():
    css = without_comments(stylesheet())
    missing = [name for name in CONTRACT if not re.search(re.escape(name) + r"(?![\w-])", css)]
    assert missing == []


def test_print_styles_hide_the_site_chrome():
    css = without_comments(stylesheet())
    print_rules = css[css.index("@media print") :]
    for selector in (".site-header", ".site-footer", ".breadcrumbs", ".machine-links"):
        assert selector in print_rules


def test_no_public_template_styles_itself():
    """No <style> element or style attribute in a template: the look is the stylesheets'. Only the
    PDF layout keeps its own (WeasyPrint gets no site stylesheet)."""
    offenders = []
    for app in ("kuzbib_site", "events", "contests", "heroes_archive", "dynasties"):
        for path in (ROOT / app).rglob("templates/**/*.html"):
            if "/pdf/" in path.as_posix():
                continue
            text = re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
            if re.search(r"<style[\s>]|\sstyle=\"", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_logo_and_the_favicon_are_svg():
    for name in ("logo.svg", "favicon.svg", "book-mask.svg"):
        svg = (ROOT / "kuzbib_site/base/static/base/img" / name).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg") and 'viewBox="0 0 64 64"' in svg


# --- The layout ------------------------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.django_db
def test_the_layout_links_the_stylesheets_the_favicon_and_the_logo(client, site_tree):
    page = soup(client.get("/about/"))
    sheets = [link["href"] for link in page.select("head link[rel=stylesheet]")]
    assert sheets[:2] == ["/static/base/css/kuzbib.css", "/static/base/css/low_vision.css"]
    icon = page.select_one("head link[rel=icon]")
    assert icon["href"] == "/static/base/img/favicon.svg" and icon["type"] == "image/svg+xml"
    brand = page.select_one("header.site-header a.brand")
    assert brand["href"] == "/"
    assert brand.select_one("svg.brand__logo")["aria-hidden"] == "true"
    assert brand.select_one(".brand__name").get_text(strip=True) == "Кузбасские библиотеки"
    # The standard version: no classes on <html>, no panel.
    assert page.html.get("class") is None
    assert page.select(".lv-panel") == []
    # The main menu is a list of links in a nav landmark.
    menu = page.select("nav.main-menu ul.main-menu__list > li > a")
    assert [a["href"] for a in menu] == ["/about/", "/libraries/"]


@pytest.mark.django_db
def test_the_low_vision_version_marks_the_root_and_shows_its_panel_first(client, site_tree):
    client.cookies[setting("LOW_VISION_COOKIE")] = "1.size-2"
    page = soup(client.get("/about/"))
    classes = page.html["class"]
    assert "low-vision" in classes and "lv-size-2" in classes
    assert "low-vision" not in (page.body.get("class") or [])
    skip = page.body.find("a", class_="skip-link")
    assert skip.find_next_sibling().name == "section"
    assert "lv-panel" in skip.find_next_sibling()["class"]


@pytest.mark.django_db
def test_a_page_may_drop_the_site_name_from_its_title(rf, site_tree):
    template = Template(
        '{% extends "base.html" %}{% block title %}Кузбасские библиотеки{% endblock %}'
        "{% block title_suffix %}{% endblock %}"
    )
    request = rf.get("/")
    html = template.render(RequestContext(request, {"request": request}))
    assert BeautifulSoup(html, "html.parser").title.string == "Кузбасские библиотеки"


@pytest.mark.django_db
def test_the_footer_lists_what_the_site_has_and_invents_no_contacts(client, site_tree):
    footer = soup(client.get("/about/")).select_one("footer.site-footer")
    hrefs = [a["href"] for a in footer.select("a")]
    assert "/about/" in hrefs and "/libraries/" in hrefs  # the sections
    assert "/sitemap.xml" in hrefs and "/search/" in hrefs
    text = footer.get_text(" ", strip=True)
    assert "Кемеровская" in text  # the partnership and its region
    assert not re.search(r"\+7|\(\d{3,4}\)\s*\d", text), "no made-up telephone"
    # Each navigation block of the footer is named by its heading.
    for nav in footer.select("nav"):
        assert footer.select_one(f"#{nav['aria-labelledby']}").name == "h2"


@pytest.mark.django_db
def test_error_pages_use_the_layout(client, site_tree):
    page = soup(client.get("/нет-такой-страницы/"))
    assert page.select_one("main .error-page h1") is not None
    assert page.select_one("main form[role=search] input[type=search]")["id"] == "notfound-search"
    assert page.select_one("label[for=notfound-search]") is not None
    standalone = BeautifulSoup(render_to_string("500.html"), "html.parser")
    assert standalone.select_one("link[rel=stylesheet]")["href"] == "/static/base/css/kuzbib.css"
    assert standalone.select_one("main h1").get_text() == "Ошибка на сервере"


# --- Form fields -----------------------------------------------------------------------------


class SampleForm(forms.Form):
    name = forms.CharField(label="ФИО", help_text="Как в паспорте.")
    email = forms.EmailField(label="Эл. почта", required=False)
    role = forms.ChoiceField(
        label="Роль", choices=[("listener", "слушатель"), ("speaker", "докладчик")],
        widget=forms.RadioSelect,
    )  # fmt: skip
    consent = forms.BooleanField(label="Согласие")
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def render_fields(form):
    html = render_to_string("base/includes/form_fields.html", {"form": form})
    return BeautifulSoup(html, "html.parser")


def test_form_fields_render_labels_help_and_required_marks():
    page = render_fields(SampleForm())
    assert page.select_one("#form-errors") is None
    assert len(page.select(".field")) == 4  # the hidden field has no row
    assert page.select_one("input[type=hidden][name=token]") is not None
    name = page.select_one("input[name=name]").find_parent(class_="field")
    assert name.select_one("label.field__label")["for"] == "id_name"
    assert name.select_one(".field__required").get_text() == "*"
    assert name.select_one(".field__help")["id"] == "id_name_helptext"
    assert page.select_one("#id_name")["aria-describedby"] == "id_name_helptext"
    email = page.select_one("input[name=email]").find_parent(class_="field")
    assert email.select_one(".field__required") is None
    role = page.select_one("fieldset.field")
    assert role.legend.get_text(strip=True).startswith("Роль")
    assert len(role.select(".choice input[type=radio]")) == 2
    consent = page.select_one("input[name=consent]").find_parent(class_="field")
    assert "field--checkbox" in consent["class"]


def test_form_fields_tie_each_error_to_its_input():
    form = SampleForm(data={"email": "не адрес", "token": ""})
    assert not form.is_valid()
    page = render_fields(form)
    summary = page.select_one("#form-errors")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    name = page.select_one("#id_name")
    assert name["aria-invalid"] == "true"
    for described in name["aria-describedby"].split():
        assert page.select_one(f"#{described}") is not None
    assert page.select_one("#id_name_error").get_text() == str(form.errors["name"][0])
    email_error = page.select_one("#id_email_error")
    assert "field__error" in email_error["class"]
    assert "field--error" in email_error.find_parent(class_="field")["class"]
    role = page.select_one("fieldset.field")
    assert role["aria-describedby"] == "id_role_error"


# --- Pagination ------------------------------------------------------------------------------


def test_page_numbers_elide_the_middle():
    paginator = Paginator(range(200), 10)
    assert page_numbers(paginator.page(5)) == [1, None, 4, 5, 6, None, 20]
    assert page_numbers(paginator.page(1)) == [1, 2, None, 20]
    assert page_numbers(Paginator(range(30), 10).page(2)) == [1, 2, 3]


def test_pagination_keeps_the_list_parameters():
    page_obj = Paginator(range(200), 10).page(5)
    html = Template(
        '{% include "base/includes/pagination.html" with page_obj=page_obj query_prefix=prefix %}'
    ).render(Context({"page_obj": page_obj, "prefix": "q=%D1%88&"}))
    nav = BeautifulSoup(html, "html.parser").select_one("nav.pagination")
    assert nav.select_one("a[rel=prev]")["href"] == "?q=%D1%88&page=4"
    assert nav.select_one("a[rel=next]")["href"] == "?q=%D1%88&page=6"
    assert [a["href"] for a in nav.select("a:not([rel])")] == [
        "?q=%D1%88&page=1",
        "?q=%D1%88&page=4",
        "?q=%D1%88&page=6",
        "?q=%D1%88&page=20",
    ]
    current = nav.select_one("[aria-current=page]")
    assert current.name == "span" and "5" in current.get_text()
    assert len(nav.select(".pagination__gap")) == 2


def test_a_single_page_has_no_pagination():
    page_obj = Paginator(range(5), 10).page(1)
    html = render_to_string("base/includes/pagination.html", {"page_obj": page_obj})
    assert html.strip() == ""
