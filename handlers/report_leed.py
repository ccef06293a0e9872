"""POST /leeds/{id}/report (auth): report a leed to the admins; 202, one report per user and leed."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from shared import reports
from shared.api import caller, correlation_id, entrypoint, make_app
from shared.contract import answers
from shared.responses import no_content

router = Router()


@router.post(
    "/leeds/<leed_id>/report",
    responses=answers(202, None, 403, 409),
    summary="Report a leed",
    description="Reports a leed to the admins with a reason (1-500 characters): 202, no body; the admins are "
                "emailed asynchronously. One report per user and leed (409 for a second); 403 on one's own "
                "leed. After reports from 3 different users the leed is hidden from listings pending review.",
)
def report_leed(leed_id: str, report: Annotated[reports.Report, Body()]) -> Response[None]:
    reports.report_leed(leed_id, caller(router).username, report.reason, correlation_id())
    return no_content(202)


app = make_app(router)
handler = entrypoint(app)
