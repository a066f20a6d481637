"""Section leaders' rights on their sections' sessions.

A section's leaders are the groups that hold page permissions on the section's own page (an
administrator gives a group «Руководители: …» add, change and publish on it). A section session
lives under its conference, not under the section, so Wagtail's permissions on the section do not
reach it: each session of the section gets the same permissions for the same groups — when the
session is created, copied, moved or published (``events/signals.py``), and for every session by
``manage.py repair_section_permissions``. Permissions are only ever added here, never taken away.
"""

from wagtail.models import GroupPagePermission

from .models import SectionSessionPage

#: The page permissions a section's leaders carry over from the section to its sessions.
LEADER_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _leader_permissions(section_ids):
    """{section id: {(group id, permission id)}} of the leaders' permissions on the sections'
    own pages."""
    held = {}
    rows = GroupPagePermission.objects.filter(
        page_id__in=section_ids,
        permission__content_type__app_label="wagtailcore",
        permission__codename__in=LEADER_PERMISSIONS,
    ).values_list("page_id", "group_id", "permission_id")
    for section_id, group_id, permission_id in rows:
        held.setdefault(section_id, set()).add((group_id, permission_id))
    return held


def _grant(sessions):
    """Give each of ``sessions`` (with ``section_id``) its section's leaders' permissions; returns
    how many were added. Three queries, whatever the number of sessions."""
    sessions = [session for session in sessions if session.section_id]
    if not sessions:
        return 0
    held = _leader_permissions({session.section_id for session in sessions})
    present = set(
        GroupPagePermission.objects.filter(
            page_id__in=[session.pk for session in sessions]
        ).values_list("page_id", "group_id", "permission_id")
    )
    missing = [
        GroupPagePermission(page_id=session.pk, group_id=group_id, permission_id=permission_id)
        for session in sessions
        for group_id, permission_id in sorted(held.get(session.section_id, ()))
        if (session.pk, group_id, permission_id) not in present
    ]
    GroupPagePermission.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def grant_section_permissions(session):
    """Give the leaders of ``session``'s section (if it has one) the permissions they hold on the
    section's page, on this session. Returns how many permissions were added."""
    return _grant([session])


def repair_section_permissions():
    """Re-apply the leaders' permissions to every section session. Returns (sessions looked at,
    permissions added)."""
    sessions = list(SectionSessionPage.objects.exclude(section=None).only("pk", "section_id"))
    return len(sessions), _grant(sessions)
