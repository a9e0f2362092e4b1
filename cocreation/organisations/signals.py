"""Organisations and regions appear on public pages (a quest's host and co-hosts, the
quest list's municipality and region filters, an outcome's organiser): the page cache
forgets those pages when one changes (`cocreation.core.page_cache`)."""

from cocreation.core.page_cache import DIRECTORY, invalidates

from .models import Organisation, Region

invalidates(DIRECTORY, Organisation, Organisation.regions.through, Region)
