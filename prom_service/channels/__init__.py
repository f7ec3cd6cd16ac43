"""Channels: the adapters that reach patients (SMS, web) and turn what they send back into service calls."""
