"""The per-process cache of reference data: served from memory, dropped on a save, reloaded after its time."""

from __future__ import annotations

from claimbridge.cases import reference
from claimbridge.core import reference_cache
from claimbridge.organisations.models import Insurer


def test_reference_data_is_served_from_memory_until_it_changes(db, settings, django_assert_num_queries):
    settings.REFERENCE_CACHE_SECONDS = 60
    reference_cache.forget()
    with django_assert_num_queries(1):
        first = reference.insurers()
        assert reference.insurers() is first
    insurer = Insurer.objects.get(code="fuxi")
    insurer.short_name = "伏羲"
    insurer.save()  # a save in this process is seen at once
    with django_assert_num_queries(1):
        assert reference.insurers()["fuxi"].short_name == "伏羲"
    reference_cache.forget()


def test_with_no_cache_time_every_call_reads_the_database(db, settings, django_assert_num_queries):
    settings.REFERENCE_CACHE_SECONDS = 0
    with django_assert_num_queries(2):
        reference.insurers()
        reference.insurers()
