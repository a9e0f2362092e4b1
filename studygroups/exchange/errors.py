"""The refusals of the staff exchange."""

from cocreation.core.errors import PortalError


class ExchangeError(PortalError):
    """A staff-exchange service refused what was asked (`cocreation.core.errors.PortalError`:
    a translated message, the form field it belongs next to, a code)."""
