"""The collector set-up the long-running processes apply once start-up is done."""

import gc

from prom_service import process_heap
from prom_service.settings import load_settings


def _collectable(thing) -> bool:
    """Whether the collector still scans `thing` (frozen objects are in none of its generations)."""
    return any(found is thing for found in gc.get_objects())


class TestSettle:
    def test_start_up_objects_are_frozen_and_the_first_generation_widened(self):
        settings = load_settings({"process.gc_young_threshold": 12345}, environ={})
        before = gc.get_threshold()
        built_at_start_up = object.__new__(type("BuiltAtStartUp", (), {}))
        try:
            process_heap.settle(settings)
            assert gc.get_freeze_count() > 0 and gc.get_threshold() == (12345, *before[1:])
            assert not _collectable(built_at_start_up)
        finally:
            gc.unfreeze()
            gc.set_threshold(*before)
        assert _collectable(built_at_start_up)

    def test_the_default_threshold_is_wider_than_cpythons(self):
        assert load_settings(environ={})["process.gc_young_threshold"] > 700
