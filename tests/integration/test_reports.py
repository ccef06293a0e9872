"""POST /leeds/{id}/report: one report per user and leed, the admins emailed once, hidden after three."""

from controllers import email_controller
from handlers import get_leed, list_leeds, report_leed
from tests.apigw import call
from tests.integration.controller_helpers import posted
from tests.integration.leed_factory import leed_item

ADMIN = "admins@leedz.example"


def report(context, leed_id, user, reason="Looks like a scam"):
    return call(report_leed, "POST", "/leeds/{id}/report", context, path_params={"id": leed_id}, user=user,
                body={"reason": reason})


def run_email_events(invocations, context):
    for event in invocations.events("reportLeed"):
        email_controller.handler(event, context)


def test_a_report_is_202_and_the_admins_get_it_once(invocations, inbox, lambda_context, monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN)
    leed_id = posted(lambda_context)

    reply = report(lambda_context, leed_id, "bob", reason="Phone number is fake <b>really</b>")

    assert reply.status == 202 and reply.raw_body in ("", None)
    run_email_events(invocations, lambda_context)
    run_email_events(invocations, lambda_context)  # a repeated event sends nothing more
    [email] = [m for m in inbox() if m["to"] == [ADMIN]]
    assert email["subject"].startswith("Leed reported: Wedding DJ")
    assert "Phone number is fake <b>really</b>" in email["text"]
    assert "&lt;b&gt;really&lt;/b&gt;" in email["html"]  # escaped, never markup
    assert "bob" in email["text"] and leed_id in email["text"]


def test_a_second_report_by_the_same_user_is_409(invocations, lambda_context):
    leed_id = posted(lambda_context)
    assert report(lambda_context, leed_id, "bob").status == 202
    assert report(lambda_context, leed_id, "bob", reason="again").status == 409
    assert leed_item(leed_id)["report_count"] == 1
    assert len(invocations.events("reportLeed")) == 1


def test_three_reporters_hide_the_leed_from_listings(invocations, lambda_context):
    leed_id = posted(lambda_context)
    listed = lambda: [i["id"] for i in call(list_leeds, "GET", "/leeds", lambda_context,  # noqa: E731
                                            query={"trade": "dj"}).body["items"]]
    for n, user in enumerate(("bob", "carol")):
        assert report(lambda_context, leed_id, user).status == 202
        assert listed() == [leed_id], n
    assert report(lambda_context, leed_id, "dave").status == 202

    assert listed() == []
    item = leed_item(leed_id)
    assert item["hidden"] is True and item["report_count"] == 3 and "gsi1pk" not in item
    seller_view = call(get_leed, "GET", "/leeds/{id}", lambda_context, path_params={"id": leed_id}, user="sally")
    assert seller_view.status == 200  # still there for its seller


def test_refusals(invocations, lambda_context):
    leed_id = posted(lambda_context)
    assert report(lambda_context, leed_id, "sally").status == 403  # one's own leed
    assert report(lambda_context, "f" * 32, "bob").status == 404
    assert report(lambda_context, leed_id, "bob", reason="").status == 422
    assert report(lambda_context, leed_id, "bob", reason="x" * 501).status == 422
    assert report(lambda_context, leed_id, "bob", reason="evil\u202e").status == 422
    assert leed_item(leed_id).get("report_count") is None


def test_the_reporting_quota_answers_429_and_records_nothing(invocations, lambda_context, monkeypatch):
    monkeypatch.setenv("QUOTA_REPORT", "2/3600")
    leeds = [posted(lambda_context, location={"address": f"{n} Elm St.", "zip": "10001"}) for n in range(3)]
    assert [report(lambda_context, leed_id, "bob").status for leed_id in leeds[:2]] == [202, 202]
    fired = len(invocations.events("reportLeed"))

    reply = report(lambda_context, leeds[2], "bob")

    assert reply.status == 429 and reply.body["error"] == "too_many_requests"
    assert 1 <= int(reply.headers["Retry-After"]) <= 3600
    assert len(invocations.events("reportLeed")) == fired  # no admin email
    assert report(lambda_context, leeds[2], "cal").status == 202  # another user may; the leed was not reported
