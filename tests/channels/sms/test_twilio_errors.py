"""The two Twilio error tables, as the dispatcher and the status callback will read them."""

import pytest

from prom_service.channels.sms.twilio_errors import classify_api_error, classify_callback_error, send_failure


class TestErrorsOnCreate:
    @pytest.mark.parametrize("status, code, kind, reason", [
        (400, 21211, "not_mobile", "invalid-number"),
        (400, 21614, "not_mobile", "landline"),
        (400, 21610, "opted_out", "opted-out"),
        (429, 20429, "rate_limited", "too-many-requests"),
        (429, None, "rate_limited", "too-many-requests"),
        (400, 21611, "rate_limited", "sender-queue-full"),
        (400, 21408, "permanent", "region-not-permitted"),
        (500, 20500, "transient", "twilio-20500"),
        (503, None, "transient", "twilio-503"),
        (None, None, "transient", "connection-error"),
        (400, 21602, "permanent", "twilio-21602"),
        (404, 20404, "permanent", "twilio-20404"),
    ])
    def test_each_code_has_its_kind_and_reason(self, status, code, kind, reason):
        found = classify_api_error(status, code)
        assert (found.kind, found.reason) == (kind, reason)

    def test_only_geo_permissions_need_a_person(self):
        assert classify_api_error(400, 21408).needs_ops and not classify_api_error(400, 21610).needs_ops

    def test_send_failure_carries_code_kind_reason_and_retry_after(self):
        failure = send_failure(429, 20429, 3.0)
        assert (failure.code, failure.kind, failure.reason, failure.retry_after) == (20429, "rate_limited",
                                                                                   "too-many-requests", 3.0)


class TestErrorsInStatusCallbacks:
    @pytest.mark.parametrize("code, kind, retries", [
        (30003, "transient", 1), (30004, "permanent", 0), (30005, "not_mobile", 0), (30006, "not_mobile", 0),
        (30007, "permanent", 0), (30008, "transient", 1), (21610, "opted_out", 0),
    ])
    def test_each_code_has_its_kind_and_a_limited_number_of_retries(self, code, kind, retries):
        found = classify_callback_error(code)
        assert (found.kind, found.retries) == (kind, retries)

    def test_a_carrier_filter_asks_for_the_content_to_be_reviewed(self):
        assert classify_callback_error(30007).needs_ops

    def test_an_unknown_code_is_not_retried(self):
        found = classify_callback_error(30999)
        assert (found.kind, found.reason, found.retries) == ("permanent", "twilio-30999", 0)
