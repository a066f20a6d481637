"""Wagtail's reference index, brought up to date once per object at the end of the demo.

Wagtail indexes an object's references on every save of it (its task runs at once: django-tasks'
immediate backend), and the demo saves most of its pages and snippets several times — created,
revised, published, linked. ``indexed_once`` lets the saves through unindexed and then indexes
each saved object once, through the same task, from the state the demo leaves it in: the index
ends as it would have, at a fraction of the work. Deletions still update the index at once.
"""

import contextlib

from django.apps import apps
from django.db.models.signals import post_save
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import (
    reference_index_auto_update_disabled,
    update_reference_index_on_save,
)
from wagtail.tasks import update_reference_index_task


@contextlib.contextmanager
def indexed_once():
    """Within the block, remember what is saved instead of indexing it; index it on leaving."""
    saved = {}

    def remember(sender, instance, raw=False, **kwargs):
        # As Wagtail's own handler: a fixture's raw save and a block that turned the index
        # off (``disable_reference_index_auto_update``, which indexes by itself) are left out.
        if raw or getattr(reference_index_auto_update_disabled, "value", False):
            return
        meta = instance._meta
        saved[(meta.app_label, meta.model_name, str(instance.pk))] = None

    models = list(ReferenceIndex.tracked_models)
    for model in models:
        post_save.disconnect(update_reference_index_on_save, sender=model)
        post_save.connect(remember, sender=model, weak=False)
    try:
        yield
    finally:
        for model in models:
            post_save.disconnect(remember, sender=model)
            post_save.connect(update_reference_index_on_save, sender=model)
    for app_label, model_name, pk in saved:
        # An object saved and deleted again has no references left to index.
        if apps.get_model(app_label, model_name)._default_manager.filter(pk=pk).exists():
            update_reference_index_task.enqueue(app_label, model_name, pk)
