"""The portal's one error type for refusals, and the one way it reaches a form.

Every app's service raises `PortalError` (or a subclass named for its domain, such as
`BookingError`) when it refuses what a person asked: the message is already in their
language and says what to do; `field` puts it next to the form field it is about.
Views never build messages from exceptions themselves: they call `add_to_form`.
"""

from __future__ import annotations

from collections.abc import Sequence


class PortalError(Exception):
    """A refusal a person can act on.

    `message`: translated text for the person (str or lazy string).
    `field`: the form field it belongs next to; None for the form as a whole.
    `code`: a stable machine-readable reason ("overlap", "closed", "stale") for tests and
    logs; never shown.
    `row`: the index of the row it is about, when the service was given a list of rows
    (criteria, opening hours); None otherwise.
    `also`: further refusals of the same request, for services that check everything
    before answering (a booking can be both too long and on a closed day).
    """

    def __init__(
        self,
        message,
        *,
        field: str | None = None,
        code: str = "",
        row: int | None = None,
        also: Sequence[PortalError] = (),
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code
        self.row = row
        self.also = list(also)

    @property
    def refusals(self) -> list[PortalError]:
        """This refusal and those in `also`, in order."""
        return [self, *self.also]

    @classmethod
    def of(cls, refusals: Sequence[PortalError]) -> PortalError:
        """One error carrying several refusals (the first leads). `refusals` must not be
        empty."""
        first, *rest = refusals
        return cls(first.message, field=first.field, code=first.code, row=first.row, also=rest)


def add_to_form(form, error: PortalError, *, rows: Sequence | None = None) -> None:
    """Show each refusal of `error` on `form`: next to its field when the form has that
    field, else among the form's own errors. With `rows` (the forms of a formset, in the
    order the service was given them), a refusal with a `row` goes on that row's form."""
    for refusal in error.refusals:
        target = form
        if rows is not None and refusal.row is not None and 0 <= refusal.row < len(rows):
            target = rows[refusal.row]
        field = refusal.field if refusal.field in target.fields else None
        target.add_error(field, refusal.message)


def refused(request, error: PortalError | str, to, *args):
    """The answer to a POST refused where no form is shown again (a button on a list):
    a redirect to `to` (a URL, a model instance, or a URL name with `args`) with the
    refusal as an error message. The error message also tells OnceMiddleware that nothing
    was done, so the same button pressed again runs again."""
    from django.contrib import messages
    from django.http import HttpResponseRedirect
    from django.shortcuts import resolve_url

    for refusal in error.refusals if isinstance(error, PortalError) else [error]:
        messages.error(request, refusal.message if isinstance(refusal, PortalError) else refusal)
    return HttpResponseRedirect(resolve_url(to, *args))
