"""Exact decimals (money, quantities) travel as strings such as "12.50": a JSON number could round them."""

from __future__ import annotations

import marshmallow as ma


class DecimalString(ma.fields.Decimal):
    """A Decimal written as a string, documented in OpenAPI as `type: string, format: decimal`."""

    def __init__(self, **kwargs) -> None:
        super().__init__(as_string=True, **kwargs)
