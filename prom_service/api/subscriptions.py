"""/api/v1/subscriptions: signed webhooks of the feed, with a delivery log and replay."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.feeds import webhooks
from prom_service.feeds.feed import EVENTS

blp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions",
                description="Webhooks: the feed pushed to your URL, signed, in order")


class SubscriptionIn(ma.Schema):
    url = ma.fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                        validate=ma.validate.Length(max=2000), metadata={"description": "https in production"})
    events = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(EVENTS)), required=True,
                            validate=ma.validate.Length(min=1))
    pseudonymise = ma.fields.Boolean(load_default=False,
                                     metadata={"description": "Send a keyed pseudonym instead of the patient id"})


class SubscriptionOut(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    events = ma.fields.List(ma.fields.String())
    pseudonymise = ma.fields.Boolean()
    state = ma.fields.String(metadata={"enum": ["active", "paused"]})
    paused_at = ma.fields.DateTime(allow_none=True)
    pause_reason = ma.fields.String(allow_none=True)
    failing_since = ma.fields.DateTime(allow_none=True)
    next_attempt_at = ma.fields.DateTime()
    delivered_count = ma.fields.Integer()
    last_delivered_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class CreatedSubscriptionOut(SubscriptionOut):
    secret = ma.fields.String(metadata={"description": "Shown once: verify PROM-Signature with it"})


class DeliveryOut(ma.Schema):
    id = ma.fields.Integer()
    feed_event_id = ma.fields.Integer()
    event = ma.fields.String()
    attempt = ma.fields.Integer()
    outcome = ma.fields.String(metadata={"enum": ["delivered", "failed"]})
    status_code = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    duration_ms = ma.fields.Integer()
    attempted_at = ma.fields.DateTime()


class DeliveryQuery(ma.Schema):
    limit = ma.fields.Integer(strict=False, load_default=100, validate=ma.validate.Range(min=1, max=1000))


class ReplayQuery(ma.Schema):
    from_cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64),
                                   metadata={"description": "A feed cursor; empty replays the whole feed"})


@blp.post("")
@blp.arguments(SubscriptionIn)
@blp.response(201, CreatedSubscriptionOut)
@requires_scope("read:scores")
def subscribe(data):
    """Deliver feed events from now on to `url`; the answer holds the signing secret, once."""
    parts = current_app.extensions["prom"]
    new = webhooks.NewSubscription(data["url"], tuple(data["events"]), data["pseudonymise"])
    return webhooks.subscribe(parts.uow(), current_actor(), new, parts.clock.now(), parts.settings.environment)


@blp.get("")
@blp.etag
@blp.response(200, SubscriptionOut(many=True))
@requires_scope("read:scores")
def list_subscriptions():
    """Your subscriptions, with whether each is paused and why."""
    with current_app.extensions["prom"].uow() as uow:
        return webhooks.subscriptions_of(uow, current_actor())


@blp.delete("/<int:subscription_id>")
@blp.response(204)
@requires_scope("read:scores")
def unsubscribe(subscription_id: int):
    """Stop delivering; the delivery log is kept."""
    parts = current_app.extensions["prom"]
    webhooks.unsubscribe(parts.uow(), current_actor(), subscription_id, parts.clock.now())


@blp.get("/<int:subscription_id>/deliveries")
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, DeliveryOut(many=True))
@requires_scope("read:scores")
def list_deliveries(query, subscription_id: int):
    """Every delivery attempt, newest first."""
    with current_app.extensions["prom"].uow() as uow:
        return webhooks.deliveries_of(uow, current_actor(), subscription_id, query["limit"])


@blp.post("/<int:subscription_id>/replay")
@blp.arguments(ReplayQuery, location="query")
@blp.response(200, SubscriptionOut)
@requires_scope("read:scores")
def replay(query, subscription_id: int):
    """Deliver again from a feed cursor; a paused subscription resumes."""
    parts = current_app.extensions["prom"]
    return webhooks.replay(parts.uow(), current_actor(), subscription_id, query["from_cursor"], parts.clock.now())
