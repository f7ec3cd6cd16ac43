"""Persistence: typed models, the engine, and the unit of work."""
