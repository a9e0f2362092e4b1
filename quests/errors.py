"""The refusals of quests."""

from cocreation.core.errors import PortalError


class QuestError(PortalError):
    """A refused quest operation (of any part of a quest's life: the quest, its team and
    criteria, proposals, the Q&A, the trial); the message is shown to the user as it is.
    `field` names the form field it belongs next to; `row` the index of the row (in a list
    of rows given to the service, e.g. criteria) it is about (see PortalError)."""
