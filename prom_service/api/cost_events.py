"""/api/v1/cost-events: activity with its cost, as a JSON batch or a CSV file, and a person's events."""

from __future__ import annotations

import functools
import io

import marshmallow as ma
from flask import abort, current_app, request
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.api.decimal_string import DecimalString
from prom_service.domain.cost_event_rows import COLUMNS
from prom_service.services import api_clients, cost_events
from prom_service.services.tariffs import load_tariffs, tariff_directory

blp = Blueprint("cost_events", __name__, url_prefix="/cost-events", description="Activity and what it cost")

READ_SCOPES = ("read:scores", "read:reports")
ROWS_422 = (
    "Some rows cannot be imported, so none were. `errors.rows` lists every problem as "
    "`{row, field, message}`: for CSV the spreadsheet row (the header is row 1), for JSON the position in "
    "`events` counted from 1. At most 1,000 problems are listed; `detail` gives the full count."
)


def _text(description: str, **extra) -> ma.fields.Raw:
    """Read as given and checked by the service, so JSON and CSV rows answer the same row report."""
    return ma.fields.Raw(allow_none=True, metadata={"description": description, **extra})


class CostEventIn(ma.Schema):
    source_id = _text("Required. Your id for the event, unique per source system", type="string")
    source_system = _text("Defaults to the batch's source_system, then your API client's name", type="string")
    patient_id = _text("Our patient id; or give external_id", type="integer")
    external_id = _text("Your id for the person, if it names one patient", type="string")
    activity = _text("Required. A tariff code: gp_appointment, ae_attendance, emergency_admission, …",
                     type="string")
    start_date = _text("Required. ISO date; its financial year chooses the tariff", type="string", format="date")
    end_date = _text("ISO date; required for stays (emergency_admission, elective_admission, respite_stay)",
                     type="string", format="date")
    quantity = _text("Units of the tariff (default 1; for stays, nights between the dates)", type="string")
    cost = _text("Actual cost in £ (2 decimals); overrides quantity × unit cost", type="string")
    provider = _text("Who delivered it", type="string")


class CostEventBatchIn(ma.Schema):
    source_system = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=64))
    events = ma.fields.List(ma.fields.Nested(CostEventIn), required=True,
                            validate=ma.validate.Length(min=1, max=100_000))


class CsvQuery(ma.Schema):
    source_system = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=64),
                                     metadata={"description": "For rows without a source_system column value"})


class DuplicateOut(ma.Schema):
    row = ma.fields.Integer()
    source_system = ma.fields.String()
    source_id = ma.fields.String()


class ImportReportOut(ma.Schema):
    rows = ma.fields.Integer(metadata={"description": "Rows read"})
    created = ma.fields.Integer(metadata={"description": "New events stored"})
    duplicate_count = ma.fields.Integer(metadata={"description": "Rows already stored: reported, not errors"})
    duplicates = ma.fields.List(ma.fields.Nested(DuplicateOut), metadata={"description": "The first 1,000"})
    total_cost = DecimalString(metadata={"description": "£ of the new events"})


class RowProblemOut(ma.Schema):
    row = ma.fields.Integer()
    field = ma.fields.String()
    message = ma.fields.String()


class RowsProblemOut(ma.Schema):
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Nested(RowProblemOut)),
                            metadata={"example": {"rows": [{"row": 3, "field": "start_date",
                                                            "message": "must be an ISO date (YYYY-MM-DD)"}]}})


class CostEventQuery(ma.Schema):
    patient = ma.fields.Integer(required=True, metadata={"description": "The patient's id"})


class CostEventOut(ma.Schema):
    id = ma.fields.Integer()
    patient_id = ma.fields.Integer()
    activity = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date(allow_none=True)
    quantity = DecimalString()
    unit_cost = DecimalString(allow_none=True, metadata={"description": "From the tariff"})
    actual_cost = DecimalString(allow_none=True)
    cost = DecimalString(metadata={"description": "actual_cost, else quantity × unit_cost"})
    tariff = ma.fields.String(allow_none=True, metadata={"description": "Financial year of the unit cost"})
    provider = ma.fields.String(allow_none=True)
    source_system = ma.fields.String()
    source_id = ma.fields.String()
    created_at = ma.fields.DateTime()


def requires_read_access(view):
    """Let keys holding read:scores or read:reports in; requires_scope checks a single scope."""
    guarded = {scope: requires_scope(scope)(view) for scope in READ_SCOPES}

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return guarded[_read_scope_presented()](*args, **kwargs)

    wrapper._prom_scope = " or ".join(READ_SCOPES)
    return wrapper


def _read_scope_presented() -> str:
    key = request.headers.get("Authorization", "").partition(" ")[2].strip()
    with current_app.extensions["prom"].uow() as uow:
        client = api_clients.authenticate(uow, key) if key else None
        scopes = set(client.scopes) if client else set()
    return "read:reports" if "read:reports" in scopes and "read:scores" not in scopes else "read:scores"


def _tariffs(parts):
    return load_tariffs(tariff_directory(parts.settings))


@blp.post("")
@blp.arguments(CostEventBatchIn)
@blp.response(200, ImportReportOut)
@blp.alt_response(422, schema=RowsProblemOut, description=ROWS_422, content_type="application/problem+json")
@requires_scope("write:costs")
def import_batch(batch):
    """Import a batch of events: all or nothing; an event already stored is a duplicate, not an error."""
    parts = current_app.extensions["prom"]
    return cost_events.import_cost_events(
        parts.uow(), current_actor(), enumerate(batch["events"], start=1), _tariffs(parts), parts.clock.now(),
        source_system=batch["source_system"],
    )


@blp.post("/import")
@blp.arguments(CsvQuery, location="query")
@blp.response(200, ImportReportOut)
@blp.alt_response(422, schema=RowsProblemOut, description=ROWS_422, content_type="application/problem+json")
@blp.doc(requestBody={"required": True, "description": f"UTF-8 CSV with a header row; columns: {', '.join(COLUMNS)}",
                      "content": {"text/csv": {"schema": {"type": "string"}},
                                  "multipart/form-data": {"schema": {"type": "object", "properties": {
                                      "file": {"type": "string", "format": "binary"}}}}}})
@requires_scope("write:costs")
def import_csv(query):
    """Import a CSV file (as the body, or a multipart `file`): all or nothing, with a row-level report."""
    parts = current_app.extensions["prom"]
    return cost_events.import_cost_event_csv(
        parts.uow(), current_actor(), _csv_text(), _tariffs(parts), parts.clock.now(),
        source_system=query["source_system"],
    )


def _csv_text() -> io.StringIO:
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    data = upload.read() if upload else request.get_data()
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        abort(415, description="The CSV must be UTF-8 text.")


@blp.get("")
@blp.arguments(CostEventQuery, location="query")
@blp.response(200, CostEventOut(many=True))
@requires_read_access
def list_events(query):
    """A person's cost events, oldest first, each with its computed cost (scope read:scores or read:reports)."""
    with current_app.extensions["prom"].uow() as uow:
        return cost_events.list_cost_events(uow, current_actor(), query["patient"])
