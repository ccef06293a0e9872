"""What a client may send for a leed (pydantic, validated by powertools ``Body()``) and what it gets back.

Bodies are strict where the contract is: unknown fields are refused, prices are real integers (``true`` and
``1.5`` are not prices), times must carry a UTC offset (a naive time is ambiguous across time zones).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

from shared import contract
from shared.text import DisplayText, MultiLineText
from shared.trades import CATALOGUE

MAX_DURATION = timedelta(hours=24)
MAX_LEAD_TIME = timedelta(days=5 * 365)
# ASCII digits only: ``\d`` also takes other scripts' digits, and a ZIP stored as "٩٠٢١٠" is never found by
# ``?zip=90210``.
ZIP_PATTERN = r"^[0-9]{5}(-[0-9]{4})?$"


def _iso_text(value: Any) -> Any:
    """pydantic would also take a number as a Unix time; the contract asks for ISO 8601 text."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string with a UTC offset")
    return value


# A Literal of the catalogue, so the OpenAPI document lists the trades as an enum (422 for any other name).
def _calendar_date(value: Any) -> Any:
    """Exactly ``YYYY-MM-DD`` in ASCII digits: pydantic would also take a Unix time, and ``fromisoformat`` other
    scripts' digits or ``20300101``."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date as YYYY-MM-DD")


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]
TradeName = Literal[tuple(CATALOGUE)]  # type: ignore[valid-type]
IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
ZipCode = Annotated[str, Field(pattern=ZIP_PATTERN)]


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    address: DisplayText = Field(min_length=1, max_length=200)
    zip: ZipCode


class NewLeed(BaseModel):
    """Body of ``POST /leeds``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    trade: TradeName
    title: DisplayText = Field(min_length=1, max_length=120, strict=True)
    start: IsoTime
    end: IsoTime
    location: Location
    price_cents: StrictInt = Field(ge=0, le=1_000_000)
    details: MultiLineText = Field(default="", max_length=2000, strict=True)

    @model_validator(mode="after")
    def _sensible_times(self) -> NewLeed:
        if self.start <= datetime.now(UTC):
            raise ValueError("start must be in the future")
        if self.start - datetime.now(UTC) > MAX_LEAD_TIME:  # a gig lead, not a plan for the next century
            raise ValueError("start must be within 5 years")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > MAX_DURATION:
            raise ValueError("a leed lasts at most 24 hours")
        return self


def _left_out_never_null(schema: dict[str, Any]) -> None:
    """The document says what ``LeedChange`` accepts: a field may be left out, never sent as ``null`` (the
    validator refuses null, so a client or fuzzer trusting "X or null" would be refused), and at least one must
    be there."""
    schema["minProperties"] = 1
    schema["properties"] = {name: {k: v for k, v in contract.never_null(prop).items()
                                   if not (k == "default" and v is None)}
                            for name, prop in schema.get("properties", {}).items()}


class LeedChange(BaseModel):
    """Body of ``PATCH /leeds/{id}``: any of the fields a seller may correct, each as ``NewLeed`` checks it
    (the merged leed is checked again as a whole: a new start must still come before the old end)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_left_out_never_null)

    title: DisplayText | None = Field(default=None, min_length=1, max_length=120, strict=True)
    details: MultiLineText | None = Field(default=None, max_length=2000, strict=True)
    price_cents: StrictInt | None = Field(default=None, ge=0, le=1_000_000)
    start: IsoTime | None = None
    end: IsoTime | None = None
    location: Location | None = None

    @model_validator(mode="after")
    def _something(self) -> LeedChange:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


PUBLIC_FIELDS = ("id", "trade", "title", "start", "end", "zip", "price_cents", "seller", "status", "created_at")


def public_view(item: dict[str, Any]) -> dict[str, Any]:
    """What anyone may see: no address, no private details, no buyer."""
    return {name: item.get(name) for name in PUBLIC_FIELDS}


def full_view(item: dict[str, Any]) -> dict[str, Any]:
    """What the seller and the buyer see."""
    return {
        **public_view(item),
        "location": {"address": item.get("address"), "zip": item.get("zip")},
        "details": item.get("details", ""),
        "buyer": item.get("buyer"),
    }


def view_for(item: dict[str, Any], username: str) -> dict[str, Any]:
    return full_view(item) if username in (item.get("seller"), item.get("buyer")) else public_view(item)
