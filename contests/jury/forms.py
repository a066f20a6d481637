"""The jury room's forms: a juror's score sheet for one entry and a declaration of a conflict of
interest. The form checks what a browser sends (whole numbers in range, lengths, no criterion the
entry is not judged on) so that the juror sees the message by the field; the rules themselves are
``contests.domain.score_sheet``'s, which checks everything again."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..assignment import REASON_MAX_LENGTH
from ..domain import score_sheet

#: The names of a criterion's fields: its score, «not applicable» and comment.
FIELD_NAME = re.compile(r"^(score|na|comment)_(.+)$")


class ScoreSheetForm(forms.Form):
    """One field triple per criterion (``score_<id>``, ``na_<id>``, ``comment_<id>``), the
    overall comment and the version of the sheet the form was made from."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "invalid": score_sheet.BAD_VERSION,
            "required": score_sheet.BAD_VERSION,
            "min_value": score_sheet.BAD_VERSION,
        },
    )
    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=score_sheet.OVERALL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, sheet=None, scores=None, **kwargs):
        scores = scores or {}
        initial = {
            "version": sheet.version if sheet else 0,
            "comment": sheet.comment if sheet else "",
        }
        for criterion in criteria:
            score = scores.get(criterion.pk)
            if score is not None:
                initial[f"score_{criterion.pk}"] = score.value
                initial[f"na_{criterion.pk}"] = score.not_applicable
                initial[f"comment_{criterion.pk}"] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        comment_field = self.fields.pop("comment")
        for criterion in self.criteria:
            out_of_range = score_sheet.OUT_OF_RANGE % {"max": criterion.max_score}
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Score"),
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
                error_messages={
                    "invalid": out_of_range,
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                },
            )
            self.fields[f"na_{criterion.pk}"] = forms.BooleanField(
                label=_("Not applicable to this entry"), required=False
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=score_sheet.COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = comment_field

    def rows(self):
        """Per criterion: the criterion and its score, «not applicable» and comment fields."""
        return [
            (
                criterion,
                self[f"score_{criterion.pk}"],
                self[f"na_{criterion.pk}"],
                self[f"comment_{criterion.pk}"],
            )
            for criterion in self.criteria
        ]

    def clean(self):
        cleaned = super().clean()
        known = {str(criterion.pk) for criterion in self.criteria}
        if any((match := FIELD_NAME.match(key)) and match[2] not in known for key in self.data):
            raise forms.ValidationError(score_sheet.UNKNOWN_CRITERION)
        for criterion in self.criteria:
            value = cleaned.get(f"score_{criterion.pk}")
            if value is not None and cleaned.get(f"na_{criterion.pk}"):
                self.add_error(f"score_{criterion.pk}", score_sheet.BOTH)
        return cleaned

    def scores(self):
        """What ``score_sheet.save`` takes, from a valid form."""
        data = self.cleaned_data
        cleaned = {
            criterion.pk: (
                data.get(f"score_{criterion.pk}"),
                bool(data.get(f"na_{criterion.pk}")),
                data.get(f"comment_{criterion.pk}") or "",
            )
            for criterion in self.criteria
        }
        cleaned[score_sheet.OVERALL] = data.get("comment") or ""
        return cleaned


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot judge this entry fairly"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the author is your colleague or relative. The entry is taken off your "
            "list and given to another juror."
        ),
    )
