"""The outcome archive is forgotten by the page cache whenever a row it shows changes
(`cocreation.core.page_cache`): an outcome, its team, field, cohort or programme."""

from cocreation.core.page_cache import ARCHIVE, invalidates

from .models import Cohort, Field, Outcome, Programme, Team

# cohort_save_settings renames the programme and the fields and teams with
# QuerySet.update (no signal); it saves the cohort in the same transaction, which does.
invalidates(ARCHIVE, Programme, Cohort, Field, Team, Outcome)
