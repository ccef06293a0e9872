"""``POST /leeds/{id}/report``: a user reports a leed; the admins are emailed; three reporters hide it.

One transaction per report: the report item (``LEED#{id}`` / ``REPORT#{username}``, ``attribute_not_exists``,
so a user's second report is a 409), the leed's ``report_count`` moved from the value we read to the next
(a condition, so two concurrent reports cannot both count as the second), and the outbox entry of the
``reportLeed`` email event. The third reporter's transaction also sets ``hidden`` and REMOVEs the listing
index keys (``leeds.OFF_SALE``), pending review: it can no longer be found, though its seller, and anyone
with its link, still sees it. A count that moved under us is read again and retried (a few times, then 409).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared import db, dispatch, leeds, outbox, quotas
from shared.errors import Conflict, Forbidden, NotFound
from shared.text import MultiLineText

HIDE_AFTER = 3
ATTEMPTS = 5


class Report(BaseModel):
    """Body of ``POST /leeds/{id}/report``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: MultiLineText = Field(min_length=1, max_length=500, strict=True)


def report_key(leed_id: str, username: str) -> dict[str, str]:
    return {"pk": f"LEED#{leed_id}", "sk": f"REPORT#{username}"}


def _count_update(leed_id: str, seen: int) -> dict[str, object]:
    counted = seen + 1
    expression = "SET report_count = :next"
    vals: dict[str, object] = {"next": counted}
    if counted >= HIDE_AFTER:
        expression += f", #hidden = :yes REMOVE {leeds.OFF_SALE}"  # HIDDEN is a reserved word
        vals["yes"] = True
    condition = "attribute_not_exists(report_count)" if seen == 0 else "report_count = :seen"
    if seen:
        vals["seen"] = seen
    update = {"Key": db.to_ddb(db.leed_key(leed_id)), "UpdateExpression": expression,
              "ConditionExpression": f"attribute_exists(pk) AND {condition}",
              "ExpressionAttributeValues": db.values(**vals)}
    if counted >= HIDE_AFTER:
        update["ExpressionAttributeNames"] = {"#hidden": "hidden"}
    return {"Update": update}


def report_leed(leed_id: str, reporter: str, reason: str, correlation_id: str) -> None:
    for _ in range(ATTEMPTS):
        item = db.find_leed(leed_id)
        if item is None:
            raise NotFound("There is no such leed.")
        if item["seller"] == reporter:
            raise Forbidden("You cannot report your own leed.")
        report = {**report_key(leed_id, reporter), "leed_id": leed_id, "reporter": reporter, "reason": reason,
                  "created_at": datetime.now(UTC).isoformat()}
        writes = [{"Put": {"Item": db.to_ddb(report), "ConditionExpression": "attribute_not_exists(pk)"}},
                  _count_update(leed_id, int(item.get("report_count") or 0))]
        events = [dispatch.event("reportLeed", correlation_id, leed_id=leed_id, username=reporter)]
        outbox_id, entry = outbox.stage(events)
        quota = quotas.charge(reporter, "report")  # counted with the report, so a refused report counts nothing
        try:
            db.transact([*writes, quota.update, entry])
        except db.TransactionCancelled as exc:
            if exc.failed(0):
                raise Conflict("You have already reported this leed.") from exc
            if exc.failed(1):
                continue  # another report counted meanwhile: read the count again
            if exc.failed(2):
                raise quota.refused from exc
            raise
        outbox.release(outbox_id, events)
        return
    raise Conflict("Someone else is reporting this leed right now; try again.")
