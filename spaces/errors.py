"""The one error of the spaces app: a refused booking, change, decision or rules change."""

from cocreation.core.errors import PortalError


class BookingError(PortalError):
    """A refusal of the spaces app (`cocreation.core.errors.PortalError`).

    `code` is the rule refused: "forbidden", "kind", "quest", "taken", "own_overlap",
    "full", "not_live", "not_pending", "changed", "reason", "choice", "order",
    "too_many", or a booking-time rule of `spaces.rules` ("date_window", "midnight",
    "past", "too_far_ahead", "weekday", "closure", "holiday", "outside_period", "hours",
    "grid", "too_long", "too_short", "cancel_deadline").
    `field` is the booking forms' field the message goes next to ("date", "start_time",
    "end_time", "kind", "quest", "last_date", "reason", "choice"), so that
    `add_to_form` places it; None for the page as a whole. A booking breaking several
    opening rules at once carries them all (`PortalError.of`, `.refusals`).
    """
