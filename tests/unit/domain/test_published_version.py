import dataclasses

import pytest

from prom_service.domain.outcome_set_loader import read_community
from prom_service.domain.published_version import (
    Publication,
    PublicationError,
    PublishedVersionChangedError,
    canonical_definition,
    check_publication,
    fingerprint,
)

from .conftest import WORKED_EXAMPLE_YAML, fake_catalogue


def outcome_set_from(text: str):
    return read_community(text, "worked_example.yaml", fake_catalogue).outcome_set


class TestFingerprint:
    def test_is_a_sha256_hex_digest(self, worked_example):
        assert len(fingerprint(worked_example)) == 64

    def test_layout_comments_and_community_wording_do_not_change_it(self, worked_example):
        text = "# a comment\n" + WORKED_EXAMPLE_YAML.replace("weight: 3", "weight: 3.0").replace(
            "name: Worked example", "name: A renamed community"
        )
        assert fingerprint(outcome_set_from(text)) == fingerprint(worked_example)

    def test_any_change_to_the_definition_changes_it(self, worked_example):
        changed = outcome_set_from(WORKED_EXAMPLE_YAML.replace("weight: 3", "weight: 4"))
        assert fingerprint(changed) != fingerprint(worked_example)

    def test_the_canonical_definition_is_plain_json_values(self, worked_example):
        definition = canonical_definition(worked_example)
        assert definition["published"] == "2026-01-15"
        assert definition["schedule"]["followups"] == ["P6W"]
        assert definition["domains"][0]["measure"]["kind"] == "days_at_home"
        assert definition["alerts"][0]["severity"] == "urgent"


class TestCheckPublication:
    def test_a_version_not_yet_stored_is_new(self, worked_example):
        assert check_publication(worked_example, {}) is Publication.NEW_VERSION

    def test_the_same_version_with_the_same_content_is_already_published(self, worked_example):
        assert check_publication(worked_example, {1: fingerprint(worked_example)}) is Publication.ALREADY_PUBLISHED

    def test_the_same_version_with_different_content_is_refused(self, worked_example):
        changed = outcome_set_from(WORKED_EXAMPLE_YAML.replace("min_coverage: 0.6", "min_coverage: 0.5"))
        with pytest.raises(PublishedVersionChangedError, match="version 1 is already published with different content") as caught:
            check_publication(changed, {1: fingerprint(worked_example)})
        assert (caught.value.community, caught.value.version) == ("worked_example", 1)

    def test_a_changed_set_with_a_new_version_number_is_new(self, worked_example):
        changed = dataclasses.replace(worked_example, version=2)
        assert check_publication(changed, {1: fingerprint(worked_example)}) is Publication.NEW_VERSION

    def test_a_version_number_below_the_latest_is_refused(self, worked_example):
        with pytest.raises(PublicationError, match="older than the published version 3"):
            check_publication(worked_example, {2: "a" * 64, 3: "b" * 64})
