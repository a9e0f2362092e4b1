"""Study-group pages, by the same sub-domains as the services. Each view says who may
use it and asks `studygroups.permissions`; one URL per action."""
