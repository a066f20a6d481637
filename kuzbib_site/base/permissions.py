from wagtail.permission_policies import ModelPermissionPolicy


class PublicFormOnlyPolicy(ModelPermissionPolicy):
    """For records that only the public forms create (registrations, proposals, entries): the
    admin may view and change them, but nobody adds one by hand."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class WithoutChooserMixin:
    """For snippets of personal data that no panel or block chooses: Wagtail's chooser
    (``/admin/snippets/choose/…``, its ``results/`` and ``chosen/<pk>/``) checks only admin access,
    so it would list and search every person's name and e-mail for any admin user. Without a
    chooser viewset those routes do not exist, and foreign keys to the model keep Django's
    plain widget."""

    def register_chooser_viewset(self):
        pass
