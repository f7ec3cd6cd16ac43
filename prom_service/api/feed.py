"""/api/v1/feed/scores: every score, Life Improver Score and alert, in order, by cursor."""

from __future__ import annotations

import hashlib

import marshmallow as ma
import orjson
from flask import Response
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, request_unit_of_work, requires_scope
from prom_service.feeds import feed_reading
from prom_service.feeds.feed import EVENTS, MAX_LIMIT

blp = Blueprint("feed", __name__, url_prefix="/feed", description="The score feed, in transaction order")


class FeedQuery(ma.Schema):
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64),
                              metadata={"description": "`next_cursor` of the previous page; empty to start"})
    # Query strings are text: strict=False parses "10" but still refuses "1.5" and "1e3".
    limit = ma.fields.Integer(strict=False, load_default=100, validate=ma.validate.Range(min=1, max=MAX_LIMIT))


class AlertPart(ma.Schema):
    id = ma.fields.Integer()
    rule = ma.fields.String()
    severity = ma.fields.String(metadata={"enum": ["urgent", "high", "medium", "low"]})
    status = ma.fields.String()
    summary = ma.fields.String()
    score_id = ma.fields.Integer(allow_none=True)


class FeedItemOut(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "The feed event's id (not the score's)"})
    event = ma.fields.String(metadata={"enum": list(EVENTS)})
    ref_id = ma.fields.Integer(metadata={"description": "Id of the score, LIS or alert"})
    patient_id = ma.fields.Integer(allow_none=True)
    patient_pseudonym = ma.fields.String(allow_none=True)
    instrument = ma.fields.String(allow_none=True)
    scale = ma.fields.String(allow_none=True)
    value = ma.fields.Float(allow_none=True)
    value_text = ma.fields.String(allow_none=True)
    band = ma.fields.String(allow_none=True)
    flags = ma.fields.List(ma.fields.String())
    reason = ma.fields.String(allow_none=True)
    definition_version = ma.fields.String(allow_none=True)
    observed_at = ma.fields.String(metadata={"format": "date-time"})
    enrolment_id = ma.fields.Integer(allow_none=True)
    response_id = ma.fields.Integer(allow_none=True)
    life_improver_score = ma.fields.Dict(allow_none=True)
    alert = ma.fields.Nested(AlertPart, allow_none=True)
    published_at = ma.fields.DateTime()


class FeedPageOut(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedItemOut))
    next_cursor = ma.fields.String(metadata={"description": "Pass back as `cursor`; unchanged when nothing new"})


@blp.get("/scores")
@blp.etag
@blp.arguments(FeedQuery, location="query")
@blp.response(200, FeedPageOut)
@requires_scope("read:scores", one_transaction=True)
def read_scores(query):
    """Events after `cursor`, oldest first; no gaps and no repeats even with concurrent writers."""
    page = feed_reading.read_page(request_unit_of_work(), current_actor(), query["cursor"], query["limit"])
    body = page_json(page)
    blp.set_etag(hashlib.sha1(body).hexdigest())  # answers 304 to a matching If-None-Match
    return Response(body, mimetype="application/json")


def page_json(page: feed_reading.FeedPage) -> bytes:
    """The page exactly as `FeedPageOut` dumps it (a test holds the two equal), written by orjson.

    Dumping 500 items through marshmallow, and hashing the dump for the ETag, cost four times what
    reading them did. The items already hold the documented fields with their documented types, but
    for `value`, which the schema writes as a float where a stored payload may hold an int.
    """
    for item in page.items:
        if item["value"] is not None:
            item["value"] = float(item["value"])
    return orjson.dumps({"items": page.items, "next_cursor": page.next_cursor},
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
