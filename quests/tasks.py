"""The quests app has no Celery task of its own: its deadline reminders are a source of
the one reminder runner (quests/reminders.py, run by
cocreation.notifications.tasks.send_reminders every 15 minutes), and its notifications go
out through notify()."""
