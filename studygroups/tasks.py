"""Background work of study groups. The day-before session reminders are a source of the
one reminder runner (studygroups/reminders.py, run by
cocreation.notifications.tasks.send_reminders); nothing else runs in the background."""
