"""Fire requests at the same moment from separate threads, each with its own database
connection and real transaction, as simultaneous users would."""

import threading

from django.db import connection


def parallel_posts(requests, *, follow=False):
    """requests: [(client, url, data)]; returns the responses in the same order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)
    errors = []

    def worker(i):
        client, url, data = requests[i]
        try:
            barrier.wait(timeout=15)
            responses[i] = client.post(url, data, follow=follow)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return responses


def at_once(function, times: int) -> list:
    """Call `function()` from `times` threads released together, each with its own database
    connection; returns the results (in finishing order). Raises if any call raised."""
    barrier = threading.Barrier(times)
    results = []
    errors = []

    def worker():
        try:
            barrier.wait(timeout=15)
            results.append(function())
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
