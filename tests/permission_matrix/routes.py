"""Who gets 200 on which route: the seven roles, our routes by URL name (``EXPECTED``), the
admin-only namespaces of our snippets, Wagtail's own and public routes, and ``classify(name)``.
A new route of ours must be added to ``EXPECTED``: tests/test_permission_matrix.py fails until
it is."""

import re

ANON, PARTICIPANT, LEADER, VIEWER, EDITOR = "anonymous", "participant", "leader", "viewer", "editor"
# The jury of the world's contest (judged blind, judging open): a member and its chair, signed-in
# users without admin access.
JUROR, CHAIR = "juror", "chair"
ROLES = (ANON, PARTICIPANT, LEADER, VIEWER, EDITOR, JUROR, CHAIR)
MARKERS = ("Маркерова", "leak-marker@example.org")
# Roles that may see Маркерова's personal data: they hold «Can view» on registrations, proposals,
# entries and dynasties' applications. Everyone else must never find it in any response — the
# jury included: the contest is judged blind, and its results (where a winner's name is public)
# are not published.
MAY_SEE_PERSONAL_DATA = {VIEWER, EDITOR}

# Who gets 200; every other role must not. Sets of roles:
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset({LEADER, VIEWER, EDITOR, JUROR, CHAIR})
STAFF = frozenset({LEADER, VIEWER, EDITOR})
VIEWERS = frozenset({VIEWER, EDITOR})
EDITORS = frozenset({EDITOR})
JURY = frozenset({JUROR, CHAIR})
CHAIRS = frozenset({CHAIR})
NOBODY = frozenset()
# Roles without access to Wagtail's admin: never a 200 on an admin-only route.
NO_ADMIN_ACCESS = frozenset({ANON, PARTICIPANT, JUROR, CHAIR})
# Wagtail's own admin views: the public never gets 200; what each staff role gets is Wagtail's
# business (and the markers check still applies).
ADMIN_ONLY = "admin-only"

#: Our routes, by URL name (``namespace:name``; ``Page:route`` for routable pages).
EXPECTED = {
    # The public site.
    "search": EVERYONE,
    "healthz": EVERYONE,
    "robots_txt": EVERYONE,
    "sitemap": EVERYONE,
    "low_vision": NOBODY,  # switches the mode with a cookie and redirects back
    "language": NOBODY,  # switches the language with a cookie and redirects back
    "page": EVERYONE,  # every live page through wagtail_serve
    "EventIndexPage:index_route": EVERYONE,
    "EventIndexPage:ics": EVERYONE,
    "ConferencePage:index_route": EVERYONE,
    "ConferencePage:ics": EVERYONE,
    "ConferencePage:programme": EVERYONE,
    "ConferencePage:schedule_xml": EVERYONE,
    "ConferencePage:schedule_json": EVERYONE,
    "ConferencePage:register": EVERYONE,
    "ConferencePage:register_done": EVERYONE,
    "ConferencePage:propose": EVERYONE,
    "ConferencePage:proposal_done": EVERYONE,
    # Private links: the link is the credential, so whoever holds it gets the page (the
    # participant's own data, never anyone else's); a forged token gets 404.
    "ConferencePage:registration_status": EVERYONE,
    "ConferencePage:registration_agenda": EVERYONE,
    "ConferencePage:proposal_status": EVERYONE,
    # Cancelling and withdrawing ask on a page of their own (a GET never writes).
    "ConferencePage:registration_cancel": EVERYONE,
    "ConferencePage:proposal_withdraw": EVERYONE,
    "SectionSessionPage:index_route": EVERYONE,
    "SectionSessionPage:ics": EVERYONE,
    "ResolutionPage:index_route": EVERYONE,
    "ResolutionPage:pdf": EVERYONE,
    "ContestPage:index_route": EVERYONE,
    "ContestPage:ics": EVERYONE,
    "ContestPage:submit": EVERYONE,
    "ContestPage:entry_status": EVERYONE,
    # Withdrawing asks on a page of its own (a GET never writes) while the world's contest takes
    # entries; last year's contest is long past them: its link sends everyone back to the
    # entry's page.
    "ContestPage:entry_withdraw": NOBODY,
    "ContestPage:entry_withdraw (before publication)": EVERYONE,
    "ContestPage:entry_state": EVERYONE,
    # What judging publishes (contests.results_views, contests.document_views), requested on
    # last year's contest, whose results are published, and on the world's contest, where they
    # are not: before publication everyone gets 404 — the chair and the jurors too — and the
    # participant's link has no diploma; a code of another contest's diploma verifies nothing.
    "ContestPage:results": EVERYONE,
    "ContestPage:results (before publication)": NOBODY,
    "ContestPage:collection": EVERYONE,
    "ContestPage:collection (before publication)": NOBODY,
    "ContestPage:entry_diploma": EVERYONE,  # the participant's private link, as entry_status
    "ContestPage:entry_diploma (before publication)": NOBODY,
    "ContestPage:verify_diploma": EVERYONE,  # whoever holds the code printed on the diploma
    "ContestPage:verify_diploma (before publication)": NOBODY,
    # The heroes archive: browsing, «Памятные даты» and its calendar, the filtered list's
    # exports (CSV here), and the OAI-PMH endpoint for aggregators — all public.
    "HeroIndexPage:index_route": EVERYONE,
    "HeroIndexPage:anniversaries": EVERYONE,
    "HeroIndexPage:anniversaries_ics": EVERYONE,
    "HeroIndexPage:export": EVERYONE,
    "heroes_oai:endpoint": EVERYONE,
    # The periodicals archive's finding: the archive, its search across every title, a title's
    # page and its calendar of a year — all public.
    "PeriodicalsIndexPage:index_route": EVERYONE,
    "PeriodicalsIndexPage:search": EVERYONE,
    "TitlePage:index_route": EVERYONE,
    "TitlePage:calendar": EVERYONE,
    # The IIIF collections of the archive and of a title (the world's issue is open).
    "PeriodicalsIndexPage:iiif_collection": EVERYONE,
    "TitlePage:iiif_collection": EVERYONE,
    # The union catalogue (public information): the catalogue, its CSV and MARC exports, and
    # the titles' OAI-PMH endpoint.
    "PeriodicalsIndexPage:union_catalogue": EVERYONE,
    "PeriodicalsIndexPage:union_catalogue_export": EVERYONE,
    "periodicals_oai:endpoint": EVERYONE,
    # The festival of library dynasties: the festival, its .ics and its application form (open
    # in the world), the contact person's private link (as registration_status), the dynasty
    # and its GEDCOM files — all public.
    "FestivalPage:index_route": EVERYONE,
    "FestivalPage:ics": EVERYONE,
    "FestivalPage:apply": EVERYONE,
    "FestivalPage:application_status": EVERYONE,
    "DynastyPage:index_route": EVERYONE,
    "DynastyPage:gedcom": EVERYONE,
    "DynastyPage:gedcom7": EVERYONE,
    # The periodicals archive. A reader's correction of a line of an open issue's text (no
    # account needed), its thank-you page and the line's public history.
    "IssuePage:correct_line": EVERYONE,
    "IssuePage:correction_done": EVERYONE,
    "IssuePage:line_history": EVERYONE,
    # The reader of the world's open issue: the viewer, its downloads and clips, IIIF (manifest,
    # content search, the image service) — public for an open issue
    # (tests/periodicals/test_access.py checks the other access levels from each side).
    "IssuePage:index_route": EVERYONE,
    "IssuePage:reader_page": EVERYONE,
    "IssuePage:page_pdf": EVERYONE,
    "IssuePage:page_alto": EVERYONE,
    "IssuePage:page_text": EVERYONE,
    "IssuePage:clip_form": NOBODY,  # without x, y, w, h: the form again, 400
    "IssuePage:clip": EVERYONE,
    "IssuePage:clip_image": EVERYONE,
    "IssuePage:iiif_manifest": EVERYONE,
    "IssuePage:iiif_search": EVERYONE,
    "IssuePage:iiif_search2": EVERYONE,
    "periodicals_iiif_base": NOBODY,  # redirects to info.json
    "periodicals_iiif_info": EVERYONE,
    "periodicals_iiif_image": EVERYONE,
    # Our admin views.
    "base_reports:arrears": EDITORS,
    "base_reports:arrears_results": EDITORS,
    "base_reports:retention": EDITORS,
    "events_admin:proceedings_build": EDITORS,
    "events_admin:proposal_decide": EDITORS,  # Маркерова's proposal is not the leader's section
    "events_admin:proposal_file": EDITORS,
    "events_admin:participants_list": VIEWERS,
    "events_admin:badges": VIEWERS,
    "events_admin:certificates": VIEWERS,
    "events_admin:certificate": VIEWERS,
    "contests_entry_file": VIEWERS,
    "contests_entry_preview": VIEWERS,
    "contests_entry_reprocess": NOBODY,  # POST only
    "contests_entry_disqualify": EDITORS,
    "contests_entry_withdraw": EDITORS,
    "contests_archives": EDITORS,
    "contests_contest_archives": EDITORS,
    "contests_archive_request": NOBODY,  # POST only
    "contests_archive_download": EDITORS,
    # The anonymity check in the entry's admin page: the jury's copy of a file for whoever may
    # see entries; accepting a «may reveal the author» flag is a POST (for «Can change entry»).
    "contests_entry_blind_file": VIEWERS,
    "contests_flag_accept": NOBODY,  # POST only
    # «Жюри» in the admin (contests.jury_admin): JuryMember's own permissions, which only the
    # editor holds (all of the contests app's); the entries' «Can view» is not enough.
    "jury:index": EDITORS,
    "jury:index_results": EDITORS,
    "jury:add": EDITORS,
    "jury:copy": EDITORS,
    "jury:edit": EDITORS,
    "jury:delete": EDITORS,
    "jury:history": EDITORS,
    "jury:history_results": EDITORS,
    "jury:usage": EDITORS,
    "jury:invite_again": EDITORS,
    # The jury room (contests.jury). Signing in: a signed-in user is sent on to the room; signing
    # out is a POST. The invitation's link (a member who has not set a password) is the
    # credential, like a participant's; a forged token gets 404.
    "contests_jury:login": frozenset({ANON, PARTICIPANT}),
    "contests_jury:logout": NOBODY,  # POST only
    "contests_jury:welcome": EVERYONE,
    # The dashboard: any signed-in user, listing only their own memberships (none for staff).
    "contests_jury:dashboard": SIGNED_IN,
    # Маркерова's entry, requested by number through the user's own membership and assignment:
    # the juror and the chair (a juror too) are assigned every entry; its file is the jury's
    # copy and its preview (the first page, without her name) is shown. Declaring a conflict is
    # a POST.
    "contests_jury:entry": JURY,
    "contests_jury:declare_conflict": NOBODY,  # POST only
    "contests_jury:entry_file": JURY,
    "contests_jury:entry_preview": JURY,
    # The chair's pages: the chair of the contest's jury only (access.membership(chair=True)) —
    # not a juror, not the managers; actions are POSTs.
    "contests_jury:chair": CHAIRS,
    "contests_jury:chair_judging": NOBODY,  # POST only
    "contests_jury:chair_publish": CHAIRS,  # GET: what publishing will do
    "contests_jury:chair_decision": NOBODY,  # POST only
    "contests_jury:chair_sheets": CHAIRS,  # the juror's sheets
    "contests_jury:chair_reopen_sheet": NOBODY,  # POST only
    "contests_jury:chair_changes": CHAIRS,
    "contests_jury:chair_scores_csv": CHAIRS,
    "contests_jury:chair_scores_xlsx": CHAIRS,
    "contests_jury:chair_changes_csv": CHAIRS,
    # The chair's documents (contests.jury.documents), on last year's contest where they are
    # built: its jury's chair, or managers who may change entries (the editor).
    "contests_jury:protocol": frozenset({CHAIR, EDITOR}),
    "contests_jury:diplomas": frozenset({CHAIR, EDITOR}),
    "contests_jury:collection": frozenset({CHAIR, EDITOR}),
    "contests_jury:protocol_file": frozenset({CHAIR, EDITOR}),
    "contests_jury:diplomas_file": frozenset({CHAIR, EDITOR}),
    "contests_jury:collection_file": frozenset({CHAIR, EDITOR}),
    # «Импорт героев»: «Can import heroes», which only the editor holds; starting an import is
    # a POST.
    "heroes_imports": EDITORS,
    "heroes_import": EDITORS,
    "heroes_import_start": NOBODY,  # POST only
    "heroes_import_template": EDITORS,
    # «Импорт фондов» (periodicals.holdings_admin): «Can add holdings import», which only the
    # editor holds; applying is a POST.
    "periodicals_holdings_imports": EDITORS,
    "periodicals_holdings_import": EDITORS,
    "periodicals_holdings_import_apply": NOBODY,  # POST only
    # «Заявки династий» (dynasties.admin_views): the decisions for those who may change
    # applications (GET shows the return and reject forms; accepting is a POST), an
    # application's processed photo for those who may see applications.
    "dynasties_application_accept": NOBODY,  # POST only
    "dynasties_application_return": EDITORS,
    "dynasties_application_reject": EDITORS,
    "dynasties_application_photo": VIEWERS,
    # «Страницы выпуска» (periodicals.ingest_admin): for those who may edit the page;
    # «Run again» is a POST.
    "periodicals_issue_pages": EDITORS,
    "periodicals_scan_rerun": NOBODY,  # POST only
    "periodicals_scan_thumbnail": EDITORS,
    # «Исправления текста» (periodicals.corrections_admin): moderators of corrections only —
    # the editor holds periodicals.moderate_correction (every title); no one else moderates.
    "periodicals_corrections": EDITORS,
    "periodicals_correction": EDITORS,
    # The snippets of personal data: listing and export for those who may view them; editing,
    # history, usage and actions for those who may change them (Wagtail's rule); no chooser at
    # all; nobody adds one by hand.
    "wagtailsnippets_events_registration:list": VIEWERS,
    "wagtailsnippets_events_registration:list_results": VIEWERS,
    "wagtailsnippets_events_registration:add": NOBODY,
    "wagtailsnippets_events_registration:copy": NOBODY,
    "wagtailsnippets_events_registration:edit": EDITORS,
    "wagtailsnippets_events_registration:delete": EDITORS,
    "wagtailsnippets_events_registration:delete-multiple": EDITORS,
    "wagtailsnippets_events_registration:history": EDITORS,
    "wagtailsnippets_events_registration:history_results": EDITORS,
    "wagtailsnippets_events_registration:usage": EDITORS,
    "wagtailsnippets_events_registration:action": EDITORS,
    # Leaders list the proposals they may decide (their section's); others get an empty list
    # unless they may edit the conference (ProposalPermissionPolicy, domain.proposal.decidable_by).
    "wagtailsnippets_events_proposal:list": STAFF,
    "wagtailsnippets_events_proposal:list_results": STAFF,
    "wagtailsnippets_events_proposal:add": NOBODY,
    "wagtailsnippets_events_proposal:copy": NOBODY,
    "wagtailsnippets_events_proposal:edit": EDITORS,
    "wagtailsnippets_events_proposal:delete": EDITORS,
    "wagtailsnippets_events_proposal:delete-multiple": EDITORS,
    "wagtailsnippets_events_proposal:history": EDITORS,
    "wagtailsnippets_events_proposal:history_results": EDITORS,
    "wagtailsnippets_events_proposal:usage": EDITORS,
    "wagtailsnippets_contests_entry:list": VIEWERS,
    "wagtailsnippets_contests_entry:list_results": VIEWERS,
    "wagtailsnippets_contests_entry:add": NOBODY,
    "wagtailsnippets_contests_entry:copy": NOBODY,
    "wagtailsnippets_contests_entry:edit": EDITORS,
    "wagtailsnippets_contests_entry:delete": EDITORS,
    "wagtailsnippets_contests_entry:delete-multiple": EDITORS,
    "wagtailsnippets_contests_entry:history": EDITORS,
    "wagtailsnippets_contests_entry:history_results": EDITORS,
    "wagtailsnippets_contests_entry:usage": EDITORS,
    "wagtailsnippets_contests_entry:inspect": VIEWERS,
    # A family's application is never edited in the admin (ModerationOnlyPolicy: «change» is
    # the editors' decisions above), so Wagtail's edit and usage views, which ask for «change»,
    # are nobody's; history asks for any of add, change, delete.
    "wagtailsnippets_dynasties_application:list": VIEWERS,
    "wagtailsnippets_dynasties_application:list_results": VIEWERS,
    "wagtailsnippets_dynasties_application:add": NOBODY,
    "wagtailsnippets_dynasties_application:copy": NOBODY,
    "wagtailsnippets_dynasties_application:edit": NOBODY,
    "wagtailsnippets_dynasties_application:delete": EDITORS,
    "wagtailsnippets_dynasties_application:delete-multiple": EDITORS,
    "wagtailsnippets_dynasties_application:history": EDITORS,
    "wagtailsnippets_dynasties_application:history_results": EDITORS,
    "wagtailsnippets_dynasties_application:usage": NOBODY,
    "wagtailsnippets_dynasties_application:inspect": VIEWERS,
}
#: Our snippets without personal data (people on the programme, libraries, municipalities, dues,
#: resolution items): Wagtail's usual admin rules, by namespace.
ADMIN_ONLY_NAMESPACES = (
    "wagtailsnippets_base_person",
    "wagtailsnippets_base_library",
    "wagtailsnippets_base_municipality",
    "wagtailsnippets_base_membershipfee",
    "wagtailsnippets_events_resolutionitem",
    "wagtailsnippets_periodicals_correctionmoderator",
    "periodicals_holdings",  # «Фонды периодики»: holdings, no personal data
    "wagtailsnippetchoosers_base_person",
    "wagtailsnippetchoosers_base_library",
    "wagtailsnippetchoosers_base_municipality",
    "wagtailsnippetchoosers_base_membershipfee",
    "wagtailsnippetchoosers_events_resolutionitem",
    "wagtailsnippetchoosers_periodicals_correctionmoderator",
)
#: Wagtail's own namespaces and names (the admin's pages, images, documents, users, workflows…):
#: admin only, except the public ones below. A snippet or chooser of a model of ours is never
#: Wagtail's own: it must be listed above.
WAGTAIL_OWN = re.compile(
    r"^(wagtailadmin\w*|wagtailimages\w*|wagtaildocs\w*|wagtailusers\w*|wagtailsites|"
    r"wagtailredirects|wagtailforms|wagtailsettings|wagtailembeds|wagtail_bulk_action|"
    r"wagtailcore\w*)(:|$)|^wagtailsnippets:"
)
WAGTAIL_PUBLIC = {
    # Staff are sent on to the admin; a juror, without admin access, gets the form.
    "wagtailadmin_login": frozenset({ANON, PARTICIPANT, JUROR, CHAIR}),
    "wagtailadmin_password_reset": EVERYONE,
    "wagtailadmin_password_reset_done": EVERYONE,
    "wagtailadmin_password_reset_complete": EVERYONE,
    "wagtailadmin_password_reset_confirm": EVERYONE,  # "invalid link" page for a made-up token
    "wagtailadmin_javascript_catalog": EVERYONE,
    "wagtailadmin_sprite": EVERYONE,
    "wagtaildocs_serve": EVERYONE,  # a public document
    # No page or document of the world has a password: 404 for everyone.
    "wagtaildocs_authenticate_with_password": NOBODY,
    "wagtailcore_authenticate_with_password": NOBODY,
    "wagtailcore_login": EVERYONE,
}
EXPORTS = ("csv", "xlsx")
#: Routes built by hand rather than from their pattern (regex routes with unnamed groups).
SPECIAL_URLS = {
    "wagtaildocs_serve": lambda world: world["document"].url,
    # A regex route whose escaped dot the walk would keep.
    "periodicals_iiif_info": lambda world: f"/iiif/periodicals/{world['scan'].pk}/info.json",
}
#: Private links among our routes, also requested with a forged token (404 for everyone):
#: route name → the token's argument.
FORGED = {"contests_jury:welcome": "token"}
#: Wagtail's «failwhale» page raises an error on purpose, for admins to test error reporting.
FAILS_ON_PURPOSE = {"wagtailadmin_error_test"}
UNNAMED = {
    "admin/test404/": ADMIN_ONLY,
    "admin/^.*/$": ADMIN_ONLY,
    "admin/password_reset/": EVERYONE,
}


def classify(name):
    if name in EXPECTED:
        return EXPECTED[name]
    if name in WAGTAIL_PUBLIC:
        return WAGTAIL_PUBLIC[name]
    namespace = name.rpartition(":")[0]
    if namespace in ADMIN_ONLY_NAMESPACES:
        return ADMIN_ONLY
    if WAGTAIL_OWN.search(name) and namespace not in OUR_PERSONAL_NAMESPACES:
        return ADMIN_ONLY
    return None


OUR_PERSONAL_NAMESPACES = {
    "wagtailsnippets_events_registration",
    "wagtailsnippets_events_proposal",
    "wagtailsnippets_contests_entry",
    "wagtailsnippets_dynasties_application",
    "wagtailsnippetchoosers_events_registration",
    "wagtailsnippetchoosers_events_proposal",
    "wagtailsnippetchoosers_contests_entry",
    "wagtailsnippetchoosers_dynasties_application",
}
