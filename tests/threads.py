"""Run functions in threads released at the same moment (the PostgreSQL concurrency tests)."""

import threading

from django.db import connections


def at_once(functions, timeout=120):
    """Run the functions in threads released together; (results, errors) in any order.

    Each thread closes its own database connection. A thread still waiting after
    `timeout` seconds fails the test: a deadlock, or a lock never released."""
    results, errors = [], []
    barrier = threading.Barrier(len(functions))

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still waiting: deadlock?"
    return results, errors
