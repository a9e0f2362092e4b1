"""Account mails are queued for a Celery worker after the transaction commits
(cocreation/accounts/tasks.py). Tests that read them run the queued task in-process."""

from contextlib import contextmanager
from unittest import mock

from django.test import TestCase

from cocreation.accounts import tasks


@contextmanager
def account_mail_sent():
    """Within the block, queued account mails run as the worker would run them, when the
    block's transaction work commits (at the end of the block in a non-transactional
    test); afterwards they are in `django.core.mail.outbox`."""
    task = tasks.send_account_mail
    with (
        mock.patch.object(task, "delay", lambda *args, **kwargs: task.apply(args, kwargs)),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        yield
