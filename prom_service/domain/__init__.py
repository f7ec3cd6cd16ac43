"""The pure domain: communities, outcome sets, the Life Improver Score, change, schedules, alert rules.

Imports the standard library, `yaml` and `scoring` only, so every service, adapter and script can use it
without a database, a web request or a clock.
"""
