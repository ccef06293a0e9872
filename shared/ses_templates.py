"""The one SES template of the new-leed email: static source, user text only ever in the template *data*.

SES templates are Handlebars: user text placed in a template's source is code (``{{{name}}}`` in a leed title
broke rendering, issue 18). So the source is rendered once from ``templates/new_leed.*`` with a placeholder for
every value, and each send passes the values as data, which SES substitutes and never parses again. The HTML
part takes ``<field>_html`` (escaped by us with markupsafe: SES does not escape replacement data in HTML, "SES
doesn't escape HTML content when rendering the HTML template", SES developer guide), the text part takes
``<field>`` as typed and the subject ``<field>_subject`` (on one line).

The template is named by a hash of its source, so a changed design is a new template and an email in flight
keeps the one it started with; it is created on first use (get, then create) and cached per container.
Creating a new one also sweeps what older code left: per-leed templates (``leedz-new-leed-<leed id>``) older
than an hour (a fan-out still running on an old container keeps its own).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from markupsafe import Markup, escape

from shared import clients, warm_caches
from shared.formatting import header_safe
from shared.observability import logger
from shared.rendering import render_email

PREFIX = "leedz-new-leed-"
PER_LEED = re.compile(r"leedz-new-leed-[0-9a-f]{32}")
LEED_FIELDS = ("title", "trade_label", "when", "zip", "price", "seller", "url")
SWEEP_AFTER = timedelta(hours=1)
_ensured: dict[str, str] = {}


def source() -> tuple[str, str, str]:
    """(subject, html, text) with SES placeholders in place of every value."""
    def context(suffix: str, wrap: Any) -> dict[str, Any]:
        return {"leed": {f: wrap(f"{{{{{f}{suffix}}}}}") for f in LEED_FIELDS},
                "recipient_name": wrap(f"{{{{name{suffix}}}}}"),
                "unsubscribe_url": wrap(f"{{{{unsubscribe_url{suffix}}}}}")}
    subject = render_email("new_leed", context("_subject", str))[0]
    text = render_email("new_leed", context("", str))[2]
    html = render_email("new_leed", context("_html", Markup))[1]
    return subject, html, text


def data(values: dict[str, str]) -> dict[str, str]:
    """Template data for ``values`` (field -> text as typed): as typed for the text part, escaped for the HTML
    part, on one line for the subject (a line break in a header would start another header)."""
    return {**values, **{f"{k}_html": str(escape(v)) for k, v in values.items()},
            **{f"{k}_subject": header_safe(v) for k, v in values.items()}}


def template_name(parts: tuple[str, str, str]) -> str:
    return PREFIX + "v-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def new_leed_template() -> str:
    """The template's name, created in SES if it is not there yet."""
    if "new_leed" in _ensured:
        return _ensured["new_leed"]
    parts = source()
    name = template_name(parts)
    ses = clients.sesv2()
    try:
        ses.get_email_template(TemplateName=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
        subject, html, text = parts
        try:
            ses.create_email_template(TemplateName=name,
                                      TemplateContent={"Subject": subject, "Html": html, "Text": text})
        except ClientError as exc2:
            if exc2.response["Error"]["Code"] != "AlreadyExistsException":  # another container made it
                raise
        sweep()
    _ensured["new_leed"] = name
    return name


def sweep(now: datetime | None = None) -> list[str]:
    """Delete the per-leed templates older code made and did not remove; the names deleted."""
    ses, deleted = clients.sesv2(), []
    cutoff = (now or datetime.now(UTC)) - SWEEP_AFTER
    kwargs: dict[str, Any] = {"PageSize": 100}
    while True:
        page = ses.list_email_templates(**kwargs)
        for meta in page.get("TemplatesMetadata", []):
            created = meta.get("CreatedTimestamp")
            if isinstance(created, datetime) and created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            if PER_LEED.fullmatch(meta["TemplateName"]) and (not isinstance(created, datetime) or created < cutoff):
                try:
                    ses.delete_email_template(TemplateName=meta["TemplateName"])
                    deleted.append(meta["TemplateName"])
                except ClientError as exc:
                    if exc.response["Error"]["Code"] != "NotFoundException":
                        raise
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    if deleted:
        logger.info("leftover per-leed SES templates deleted", extra={"deleted": len(deleted)})
    return deleted


@warm_caches.forgets
def forget() -> None:
    _ensured.clear()
