"""The one way the portal hands work to Celery: it never turns a saved action into an error.

Every piece of queued work (a notification's mail, an account mail) is also recorded
somewhere that outlives Redis: a notification row stays pending in PostgreSQL until the
sweeper sees it sent; an account mail is sent inline instead. So when the broker cannot be
reached, `enqueue` logs it and answers False, and the caller's write stands.

After one failed publish the broker is not tried again for `BROKER_RETRY_AFTER` seconds
(a circuit breaker, pybreaker): a request that queues ten mails while Redis is down waits
for one failed connection, not ten.
"""

from __future__ import annotations

import logging

import pybreaker
from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_RETRY_AFTER = 30  # seconds the broker is left alone after a failed publish


def enqueue(task, *args) -> bool:
    """Queue `task(*args)` now; True when the broker took it, False (logged) when not.

    `task` is a Celery task; `args` must be JSON-serialisable. Never raises for a broker
    fault (kombu's OperationalError, a refused or timed-out connection, the breaker open).
    """
    try:
        _BROKER.call(task.delay, *args)
    except pybreaker.CircuitBreakerError:
        logger.info("Broker unavailable; %s%r not queued (it is kept for later).", task.name, args)
        return False
    except Exception:  # noqa: BLE001 - kombu, redis-py and socket errors differ by transport
        logger.exception("Could not queue %s%r (it is kept for later).", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args, on_failure=None) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one).

    `on_failure`, a callable with no arguments, runs when the broker did not take the
    task, e.g. to mark the work as not queued so the sweeper finds it sooner.
    """

    def run() -> None:
        if not enqueue(task, *args) and on_failure is not None:
            on_failure()

    transaction.on_commit(run)


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, breaker, old, new) -> None:
        if new.name == pybreaker.STATE_OPEN:
            logger.warning(
                "%s unreachable: not tried for %ss.", breaker.name, breaker.reset_timeout
            )
        elif new.name == pybreaker.STATE_CLOSED and old.name != pybreaker.STATE_CLOSED:
            logger.warning("%s reachable again.", breaker.name)


def breaker(name: str) -> pybreaker.CircuitBreaker:
    """A circuit breaker for one outside service (`name` appears in the log): after one
    failure the service is left alone for `BROKER_RETRY_AFTER` seconds, and each change
    of state is logged once, not each refused call."""
    return pybreaker.CircuitBreaker(
        fail_max=1, reset_timeout=BROKER_RETRY_AFTER, name=name, listeners=[_LogStateChanges()]
    )


def reset_breakers() -> None:
    """Close every breaker (tests, and after an operator has brought Redis back)."""
    for each in _BREAKERS:
        each.close()


_BROKER = breaker("Celery broker (Redis)")
CACHE = breaker("Cache (Redis)")
_BREAKERS = [_BROKER, CACHE]
