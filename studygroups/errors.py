"""The refusals of study groups."""

from cocreation.core.errors import PortalError


class StudyError(PortalError):
    """A study-group service refused what was asked (`cocreation.core.errors.PortalError`:
    a translated message, the form field it belongs next to, a code, the row of a list)."""
