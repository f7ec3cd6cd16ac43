"""Fixtures the drills share with the tests they grew out of."""

from tests.workspace.conftest import world  # noqa: F401 (the two-team world of the workspace tests)
