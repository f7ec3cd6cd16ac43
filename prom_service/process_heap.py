"""How the long-running processes (web workers, the job worker) set up CPython's garbage collector.

Once the app is built a process holds about 150,000 objects (mappings, schemas, scoring tables), and
every full collection rescans them all. Bulk readers hold many short-lived objects at once (a feed page
its 500 rows and payloads, an export batch its 5,000 rows), so with the default first-generation
threshold (700) each page's objects were examined twice, promoted to the old generation, and set off a
full collection every few pages: about a third of the feed's CPU went to the collector.

The two usual remedies, applied once start-up is done: freeze what start-up built (`gc.freeze`: never
rescanned, and pre-forked workers keep sharing its pages), and a larger first generation, so most of a
request's objects are freed by reference counting before any collection looks at them.
"""

from __future__ import annotations

import gc


def settle(settings) -> None:
    """Freeze the objects built at start-up and widen the first generation (`process.gc_young_threshold`)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(int(settings["process.gc_young_threshold"]), older, oldest)
