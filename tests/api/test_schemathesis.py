"""Fuzz every operation of the OpenAPI document in-process: no server errors, no schema violations.

Bounded (10 examples an operation) and derandomised so CI is repeatable. One test walks every
operation itself, because schemathesis' lazy pytest loader does not work with pytest 9 (it reads a
private `_nodeid`). Checks left out, and why:
- positive_data_acceptance: the schema cannot say which ids exist, which cursors we issued, or which
  community codes are published, so schema-valid input is rightly refused (404, 409, 422) by business rules.
- use_after_free, ensure_resource_availability: stateful checks for link-driven runs; these are single calls.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ensure_resource_availability, positive_data_acceptance, use_after_free

# Failures known and not yet fixed, each with why; none at present.
KNOWN: dict[str, str] = {}
EXCLUDED = [positive_data_acceptance, use_after_free, ensure_resource_availability]
BOUNDED = settings(max_examples=10, derandomize=True, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))


def test_every_operation_answers_generated_requests_within_its_schema(app, communities, issue_key):
    headers = issue_key("admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as failure:  # collect every operation's failure, report them all
            failures[operation.label] = f"{type(failure).__name__}: {failure}"[:2000]
    unexpected = {label: text for label, text in failures.items() if label not in KNOWN}
    assert not unexpected, "\n\n".join(f"{label}:\n{text}" for label, text in unexpected.items())
