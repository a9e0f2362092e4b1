"""Periodic space work. The app's reminders are sources of the one reminder runner
(spaces/reminders.py, run by `cocreation.notifications.tasks.send_reminders`), so the app
has no task of its own."""
