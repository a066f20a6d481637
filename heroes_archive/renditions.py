"""The pictures of a hero's page: which renditions it shows, and how the route reads the
portrait's rendition in the same query as the hero (``rendition_of``)."""

from django.db.models import FilteredRelation, Q

#: The renditions the page shows: the portrait beside the facts, pictures in the gallery.
PORTRAIT = "max-400x520"
PICTURE = "max-800x600"


def rendition_of(image_field, spec):
    """A join of the image in ``image_field`` with its rendition of ``spec``, to name in
    ``select_related`` after ``annotate(<name>=rendition_of(…))``: the rendition comes with the
    row that names the image, and the attribute is missing while it has not been made yet.
    Renditions of ``max-`` specs do not vary with the image's focal point (Wagtail keys them
    ''), so the join matches one row at most."""
    renditions = f"{image_field}__renditions"
    return FilteredRelation(
        renditions,
        condition=Q(**{f"{renditions}__filter_spec": spec, f"{renditions}__focal_point_key": ""}),
    )
