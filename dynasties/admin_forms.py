"""The dynasty page's admin form: the family typed in the inline panels is checked as a whole
(``dynasties.family.problems``: member numbers, kinship cycles, impossible years) before the
page or a revision is saved."""

from wagtail.admin.forms import WagtailAdminPageForm

from . import family


def _rows(formset):
    """The cleaned rows of an inline formset that stay (not deleted, not left empty)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or (not form.has_changed() and not form.instance.pk):
            continue
        rows.append(data)
    return rows


class DynastyPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        formsets = [self.formsets.get(name) for name in ("members", "links", "periods")]
        if any(formset is None or not formset.is_valid() for formset in formsets):
            return cleaned  # the rows' own errors first
        members, links, periods = (_rows(formset) for formset in formsets)
        people = tuple(
            family.Person(
                number=row["number"],
                last_name=row["last_name"],
                first_name=row["first_name"],
                patronymic=row.get("patronymic", ""),
                maiden_name=row.get("maiden_name", ""),
                sex=row.get("sex", ""),
                birth=row.get("birth_date", ""),
                death=row.get("death_date", ""),
            )
            for row in members
        )
        typed = family.Family(
            people=people,
            links=tuple(
                family.Link(
                    kind=row["kind"],
                    person=row["person"],
                    relative=row["relative"],
                    start=row.get("start_year"),
                    end=row.get("end_year"),
                )
                for row in links
            ),
            periods=tuple(
                family.Period(
                    member=row["member"],
                    start=row["start_year"],
                    end=row.get("end_year"),
                    library=(row["library"].full_name if row.get("library") else "")
                    or row.get("library_name", ""),
                    library_id=row["library"].pk if row.get("library") else None,
                    position=row.get("position", ""),
                )
                for row in periods
            ),
        )
        for problem in family.problems(typed):
            self.add_error(None, problem)
        return cleaned
