"""The jury room's URLs, for a site to include at ``jury/``:
``path("jury/", include("contests.jury.urls"))``."""

from django.urls import path

from . import account, chair, documents, views

app_name = "contests_jury"

urlpatterns = []

# Signing in and out, and setting a password from the invitation (account.py).
urlpatterns += [
    path("login/", account.sign_in, name="login"),
    path("logout/", account.sign_out, name="logout"),
    path("welcome/<str:uidb64>/<str:token>/", account.welcome, name="welcome"),
]

# The chair's pages: results, agreement, decisions, sheets, audit log, exports (chair.py).
urlpatterns += [
    path("<int:contest_id>/chair/", chair.chair, name="chair"),
    path("<int:contest_id>/chair/judging/", chair.move, name="chair_judging"),
    path("<int:contest_id>/chair/publish/", chair.publish, name="chair_publish"),
    path("<int:contest_id>/chair/decision/", chair.decide, name="chair_decision"),
    path("<int:contest_id>/chair/jurors/<int:juror_id>/", chair.sheets, name="chair_sheets"),
    path(
        "<int:contest_id>/chair/sheets/<int:sheet_id>/reopen/",
        chair.reopen_sheet,
        name="chair_reopen_sheet",
    ),
    path("<int:contest_id>/chair/changes/", chair.changes, name="chair_changes"),
    path("<int:contest_id>/chair/scores.csv", chair.matrix_csv, name="chair_scores_csv"),
    path("<int:contest_id>/chair/scores.xlsx", chair.matrix_xlsx, name="chair_scores_xlsx"),
    path("<int:contest_id>/chair/changes.csv", chair.changes_csv, name="chair_changes_csv"),
]

# The chair's documents: GET shows the newest builds, POST asks for a new one; the ready files
# (documents.py).
urlpatterns += [
    path("<int:contest_id>/chair/protocol/", documents.protocol_page, name="protocol"),
    path("<int:contest_id>/chair/diplomas/", documents.diplomas_page, name="diplomas"),
    path("<int:contest_id>/chair/collection/", documents.collection_page, name="collection"),
    path(
        "<int:contest_id>/chair/protocol/<int:build_id>/file/",
        documents.protocol_file,
        name="protocol_file",
    ),
    path(
        "<int:contest_id>/chair/diplomas/<int:build_id>/file/",
        documents.diplomas_file,
        name="diplomas_file",
    ),
    path(
        "<int:contest_id>/chair/collection/<int:build_id>/file/",
        documents.collection_file,
        name="collection_file",
    ),
]

# The juror's pages: the dashboard, an entry with its score sheet, a declared conflict, the
# entry's files and previews (views.py).
urlpatterns += [
    path("", views.dashboard, name="dashboard"),
    path("<int:contest_id>/entry/<int:number>/", views.entry, name="entry"),
    path(
        "<int:contest_id>/entry/<int:number>/conflict/",
        views.declare_conflict,
        name="declare_conflict",
    ),
    path(
        "<int:contest_id>/entry/<int:number>/file/<int:file_id>/",
        views.entry_file,
        name="entry_file",
    ),
    path(
        "<int:contest_id>/entry/<int:number>/preview/<int:file_id>/",
        views.entry_preview,
        name="entry_preview",
    ),
]
