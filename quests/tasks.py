"""The quests app's Celery tasks. Its deadline reminders are a source of the one reminder
runner (quests/reminders.py, run by cocreation.notifications.tasks.send_reminders every
15 minutes), and its notifications go out through notify() and notify_many(); its own
task is the digest of what people follow, run by beat every hour."""

from celery import shared_task


@shared_task
def send_follow_digests() -> dict[str, int]:
    """Every hour: the daily and weekly digests due now (services.follows.digests_send),
    each person's once per period however often this runs, or runs at once; returns
    {frequency: digests sent}."""
    from .services.follows import digests_send

    return digests_send()
