"""SES v2 operations moto 5.2 lacks, added to its SES v2 responder: email templates and ``SendBulkEmail``.

Templates live in moto's SES (v1) backend, as on AWS, where v1 and v2 templates are one set. ``SendBulkEmail``
checks what SES checks before it accepts a call (the sender verified, the template there, at most 50 entries)
and answers a ``BulkEmailEntryResults`` entry per destination; what each recipient got is rendered at send time
by ``ses_capture`` (the wrapper it installs around ``send_bulk_email``), with each entry's
``ReplacementHeaders`` and the configuration set's header.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from moto.core.exceptions import JsonRESTError

MAX_ENTRIES = 50  # SES's limit per SendBulkEmail call


class _Error(JsonRESTError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code, message)
        self.code = status


def _core(resp: Any) -> Any:
    return resp.sesv2_backend.core_backend


def _name(resp: Any) -> str:
    """The template name from ``/v2/email/templates/{TemplateName}`` (this responder has no URL parameters)."""
    from urllib.parse import unquote

    return unquote(resp.path.rstrip("/").rsplit("/", 1)[-1])


def create_email_template(resp: Any) -> str:
    params = json.loads(resp.body)
    name, content = params.get("TemplateName") or "", params.get("TemplateContent") or {}
    if name in _core(resp).templates:
        raise _Error("AlreadyExistsException", f"Template {name} already exists.")
    _core(resp).templates[name] = {"template_name": name, "subject_part": content.get("Subject") or "",
                                   "html_part": content.get("Html") or "", "text_part": content.get("Text") or "",
                                   "timestamp": time.time()}
    return "{}"


def get_email_template(resp: Any) -> str:
    name = _name(resp)
    template = _core(resp).templates.get(name)
    if template is None:
        raise _Error("NotFoundException", f"Template {name} does not exist.", 404)
    return json.dumps({"TemplateName": name, "TemplateContent": {
        "Subject": template["subject_part"], "Html": template["html_part"], "Text": template["text_part"]}})


def list_email_templates(resp: Any) -> str:
    """Every template on one page (``PageSize`` is at most 100 on AWS; a local account holds few)."""
    return json.dumps({"TemplatesMetadata": [{"TemplateName": name, "CreatedTimestamp": t.get("timestamp", 0)}
                                             for name, t in _core(resp).templates.items()]})


def delete_email_template(resp: Any) -> str:
    name = _name(resp)
    if _core(resp).templates.pop(name, None) is None:
        raise _Error("NotFoundException", f"Template {name} does not exist.", 404)
    return "{}"


def send_bulk_email(resp: Any) -> str:
    params = json.loads(resp.body)
    core, entries = _core(resp), params.get("BulkEmailEntries") or []
    if not entries or len(entries) > MAX_ENTRIES:
        raise _Error("BadRequestException", f"BulkEmailEntries must hold 1 to {MAX_ENTRIES} entries.")
    if not core._is_verified_address(params.get("FromEmailAddress") or ""):
        raise _Error("MessageRejected", f"Email address is not verified: {params.get('FromEmailAddress')}")
    name = ((params.get("DefaultContent") or {}).get("Template") or {}).get("TemplateName")
    if name not in core.templates:
        raise _Error("NotFoundException", f"Template {name} does not exist.", 404)
    core.sent_message_count += len(entries)
    return json.dumps({"BulkEmailEntryResults": [{"Status": "SUCCESS", "MessageId": f"local-{uuid.uuid4().hex}"}
                                                 for _ in entries]})


OPERATIONS = {f.__name__: f for f in (create_email_template, get_email_template, list_email_templates,
                                      delete_email_template, send_bulk_email)}


# Their URLs, for moto's server (its catch-all "/v2/.*" rule does not reach past one path segment there).
PATHS = ("{0}/v2/email/templates$", "{0}/v2/email/templates/(?P<TemplateName>[^/]+)$",
         "{0}/v2/email/outbound-bulk-emails$")


def install() -> None:
    """Add the operations to moto's SES v2 responder (it dispatches by the botocore operation name) and their
    URLs to its URL map (read when the server first routes an SES v2 request, so before it starts)."""
    from moto.sesv2 import urls
    from moto.sesv2.responses import SESV2Response

    for name, operation in OPERATIONS.items():
        if not hasattr(SESV2Response, name):
            setattr(SESV2Response, name, operation)
    for path in PATHS:
        urls.url_paths.setdefault(path, SESV2Response.dispatch)
