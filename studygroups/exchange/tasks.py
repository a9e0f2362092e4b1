"""Celery tasks of the staff exchange: none of its work runs in the background; every
notification goes through `cocreation.notifications` (its own task)."""
