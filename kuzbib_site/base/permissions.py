from wagtail.permission_policies import ModelPermissionPolicy


class PublicFormOnlyPolicy(ModelPermissionPolicy):
    """For records that only the public forms create (registrations, proposals, entries): the
    admin may view and change them, but nobody adds one by hand."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
