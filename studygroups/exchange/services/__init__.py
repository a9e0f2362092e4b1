"""Every write of the staff exchange: placements, applications and their decisions, the
weekly log, reports and on-site days."""
