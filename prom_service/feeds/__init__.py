"""Feeds to other systems: the score feed, FHIR resources, signed webhooks and bulk export.

Services only: nothing here imports Flask or marshmallow; the HTTP edges live in `prom_service.api`.
"""
