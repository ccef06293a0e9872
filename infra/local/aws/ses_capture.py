"""Every email sent through the emulator, handed to the mailbox (``state/mailbox.py``) as each recipient got it.

Captured at send time by wrapping moto's SES request handlers (v1 and v2, with ``SendBulkEmail`` from
``ses_v2``): moto keeps only one body part and the template *name*, and templates may be deleted later, so we
render each email when it is sent. Each v2 send through a configuration set is also handed to ``feedback``
(the local SES event publisher, ``sources/ses_events.py``) with its message id and tags.
"""

from __future__ import annotations

import email
import email.policy
import functools
import json
from collections.abc import Callable
from typing import Any

Sink = Callable[..., None]  # (source, recipients, subject, html, text, headers=None, raw=None)
Feedback = Callable[[dict[str, Any]], None]  # one sent message: source, to, message_id, subject, headers, tags
# Where captured emails go and the account's send rate: set by ``install`` (wiring, not state: the mailbox
# that keeps the emails is the caller's).
_wiring: dict[str, Any] = {"sink": None, "rate": 200.0, "feedback": None}


def _record(source: str, recipients: list[str], subject: str, html: str | None, text: str | None,
            headers: dict[str, str] | None = None, raw: str | None = None) -> None:
    sink = _wiring["sink"]
    if sink is not None and recipients:
        sink(source, recipients, subject, html, text, headers=headers, raw=raw)


def _configuration_set(name: str | None) -> dict[str, str]:
    """The header SES adds for a configuration set (what the recipient's server sees of it)."""
    return {"X-SES-CONFIGURATION-SET": name} if name else {}


def _addresses(destination: dict[str, Any] | None) -> list[str]:
    destination = destination or {}
    return [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destination.get(key) or []]


def _render(backend: Any, name: str, data: dict[str, Any]) -> tuple[str, str | None, str | None]:
    from moto.ses.template import parse_template

    template = backend.templates[name]
    parts = [template.get(k) for k in ("subject_part", "html_part", "text_part")]
    subject, html, text = (parse_template(p, data) if p else None for p in parts)
    return subject or "", html, text


def _raw(source: str | None, recipients: list[str], raw: str) -> None:
    msg = email.message_from_string(raw, policy=email.policy.default)
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    if not recipients:
        recipients = [a.addr_spec for h in ("To", "Cc", "Bcc") for a in (msg[h].addresses if msg[h] else ())]
    headers = {name: str(value) for name, value in msg.items() if name.lower() != "bcc"}
    _record(source or str(msg["From"]), recipients, str(msg["Subject"] or ""),
            html.get_content() if html else None, text.get_content() if text else None, headers, raw)


def _v1_simple(resp: Any) -> None:
    p = resp._get_param
    _record(p("Source"), _addresses(p("Destination", {})), p("Message.Subject.Data") or "",
            p("Message.Body.Html.Data"), p("Message.Body.Text.Data"), _configuration_set(p("ConfigurationSetName")))


def _v1_templated(resp: Any) -> None:
    p = resp._get_param
    subject, html, text = _render(resp.backend, p("Template"), json.loads(p("TemplateData") or "{}"))
    _record(p("Source"), _addresses(p("Destination", {})), subject, html, text,
            _configuration_set(p("ConfigurationSetName")))


def _v1_bulk(resp: Any) -> None:
    p = resp._get_param
    default = json.loads(p("DefaultTemplateData") or "{}")
    for dest in p("Destinations", []) or []:
        data = {**default, **json.loads(dest.get("ReplacementTemplateData") or "{}")}
        subject, html, text = _render(resp.backend, p("Template"), data)
        _record(p("Source"), _addresses(dest.get("Destination")), subject, html, text,
                _configuration_set(p("ConfigurationSetName")))


def _v1_raw(resp: Any) -> None:
    p = resp._get_param
    raw = p("RawMessage.Data")
    _raw(p("Source"), list(p("Destinations", []) or []), raw.decode() if isinstance(raw, bytes) else raw)


def _published(params: dict[str, Any], recipients: list[str], message_id: str, subject: str,
               headers: dict[str, str], tags: list[dict[str, str]]) -> None:
    """Hand a v2 send through a configuration set to the local event publisher (SES publishes only then)."""
    feedback, configuration_set = _wiring["feedback"], params.get("ConfigurationSetName")
    if feedback is None or not configuration_set:
        return
    for address in recipients:
        feedback({"source": params.get("FromEmailAddress") or "", "to": address, "message_id": message_id,
                  "subject": subject, "headers": headers, "configuration_set": configuration_set,
                  "tags": {t["Name"]: t["Value"] for t in tags}})


def _v2(resp: Any, result: Any = None) -> None:
    import base64

    params = json.loads(resp.body)
    content = params.get("Content") or {}
    source = params.get("FromEmailAddress")
    recipients = _addresses(params.get("Destination"))
    message_id = json.loads(result).get("MessageId", "") if isinstance(result, str) else ""
    if "Raw" in content:
        _raw(source, recipients, base64.b64decode(content["Raw"]["Data"]).decode())
    elif "Simple" in content:
        body = content["Simple"].get("Body") or {}
        headers = {**_configuration_set(params.get("ConfigurationSetName")),
                   **{h["Name"]: h["Value"] for h in content["Simple"].get("Headers") or []}}
        subject = content["Simple"]["Subject"]["Data"]
        _record(source, recipients, subject, (body.get("Html") or {}).get("Data"),
                (body.get("Text") or {}).get("Data"), headers)
        _published(params, recipients, message_id, subject, headers, params.get("EmailTags") or [])


def _v2_bulk(resp: Any, result: Any = None) -> None:
    """Each entry as its recipient got it: the template rendered with the default data and the entry's
    replacement data, the template's headers overridden by the entry's ``ReplacementHeaders``."""
    params = json.loads(resp.body)
    default = (params.get("DefaultContent") or {}).get("Template") or {}
    backend = resp.sesv2_backend.core_backend
    results = json.loads(result)["BulkEmailEntryResults"] if isinstance(result, str) else []
    for index, entry in enumerate(params.get("BulkEmailEntries") or []):
        replacement = ((entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate") or {})
        data = {**json.loads(default.get("TemplateData") or "{}"),
                **json.loads(replacement.get("ReplacementTemplateData") or "{}")}
        subject, html, text = _render(backend, default["TemplateName"], data)
        headers = {**_configuration_set(params.get("ConfigurationSetName")),
                   **{h["Name"]: h["Value"] for h in default.get("Headers") or []},
                   **{h["Name"]: h["Value"] for h in entry.get("ReplacementHeaders") or []}}
        recipients = _addresses(entry.get("Destination"))
        _record(params.get("FromEmailAddress") or "", recipients, subject, html, text, headers)
        message_id = results[index]["MessageId"] if index < len(results) else ""
        tags = {**{t["Name"]: t for t in params.get("DefaultEmailTags") or []},
                **{t["Name"]: t for t in entry.get("ReplacementTags") or []}}
        _published(params, recipients, message_id, subject, headers, list(tags.values()))


def _wrap(cls: Any, method: str, capture: Callable[..., None]) -> None:
    original = getattr(cls, method)
    if getattr(original, "_leedz_wrapped", False):
        return

    @functools.wraps(original)  # __wrapped__: the canary tests see moto's own signature, wrapped or not
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)  # raises when SES refuses: then nothing was sent
        if capture in (_v2, _v2_bulk):
            capture(self, result)  # the answer holds the message ids the notifications name
        else:
            capture(self)
        return result

    wrapper._leedz_wrapped = True  # type: ignore[attr-defined]
    setattr(cls, method, wrapper)


def install(sink: Sink, max_send_rate: float, feedback: Feedback | None = None) -> None:
    """Wrap moto's SES handlers in this process (the in-process moto server, or ``mock_aws`` in tests): each
    email sent goes to ``sink(source, recipients, subject, html, text)``; the quota reports ``max_send_rate``;
    each v2 send through a configuration set goes to ``feedback`` too."""
    from infra.local.aws import ses_v2

    _wiring.update(sink=sink, rate=max_send_rate, feedback=feedback)
    ses_v2.install()
    from moto.ses import models
    from moto.ses.responses import EmailResponse
    from moto.sesv2.responses import SESV2Response

    # moto reports a sandbox account's MaxSendRate of 1 email/s, and the email controller paces itself by it:
    # a local fan-out to a few thousand demo subscribers would take an hour. Report a production-like rate.
    original_quota = models.SESQuota.__init__
    if not getattr(original_quota, "_leedz_wrapped", False):
        def quota(self: Any, sent: int) -> None:
            original_quota(self, sent)
            self.max_send_rate = _wiring["rate"]
        quota._leedz_wrapped = True  # type: ignore[attr-defined]
        models.SESQuota.__init__ = quota  # type: ignore[method-assign]

    _wrap(EmailResponse, "send_email", _v1_simple)
    _wrap(EmailResponse, "send_templated_email", _v1_templated)
    _wrap(EmailResponse, "send_bulk_templated_email", _v1_bulk)
    _wrap(EmailResponse, "send_raw_email", _v1_raw)
    _wrap(SESV2Response, "send_email", _v2)
    _wrap(SESV2Response, "send_bulk_email", _v2_bulk)
