"""Operating the deployed stack (issue 15): alarms on what breaks, to an admin's email; a dashboard of the same.

Each test holds for every function or alarm the template has, so one added later without its alarms fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infra import alarms, cfn

# SES reviews an account at these rates (and may pause its sending above them): the alarms must fire earlier.
SES_REVIEW = {"Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001}


def _alarms() -> dict[str, dict[str, Any]]:
    return cfn.resources("AWS::CloudWatch::Alarm")


def _metric_names(props: dict[str, Any]) -> set[str]:
    names = {props.get("MetricName")}
    names |= {m["MetricStat"]["Metric"]["MetricName"] for m in props.get("Metrics", []) if "MetricStat" in m}
    return names - {None}


def test_the_generated_alarms_and_dashboard_are_up_to_date():
    text = cfn.TEMPLATE.read_text()
    generated = text[text.index(alarms.BEGIN): text.index(alarms.END) + len(alarms.END)]
    assert generated == alarms.block(), "run: python -m infra.alarms"


def test_every_alarm_notifies_the_topic_that_mails_the_admin_when_set():
    template = cfn.load()
    assert template["Parameters"]["AdminEmail"]["Default"] == ""
    assert template["Conditions"]["HasAdminEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AdminEmail"}, ""]}]}
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAdminEmail"
    assert subscription["Properties"] == {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                                          "Endpoint": {"Ref": "AdminEmail"}}
    assert _alarms()
    for name, props in _alarms().items():
        assert {"Ref": "AlarmTopic"} in props["AlarmActions"], name
        assert props["TreatMissingData"] == "notBreaching", name  # no traffic is not an incident


def test_every_function_has_an_errors_and_a_throttles_alarm():
    watched: dict[str, set[str]] = {}
    for props in _alarms().values():
        for dim in props.get("Dimensions", []):
            if dim["Name"] == "FunctionName":
                watched.setdefault(dim["Value"]["Ref"], set()).add(props["MetricName"])
    for name in cfn.resources("AWS::Serverless::Function"):
        assert watched.get(name) == {"Errors", "Throttles"}, name


def test_the_failure_queue_api_ses_and_table_are_watched():
    by_metric = {m: props for props in _alarms().values() for m in _metric_names(props)}
    queue = by_metric["ApproximateNumberOfMessagesVisible"]
    assert queue["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["FailureQueue", "QueueName"]} and queue["Threshold"] == 0
    assert by_metric["5XXError"]["Statistic"] == "Average" and 0 < by_metric["5XXError"]["Threshold"] <= 0.05
    assert by_metric["Latency"]["ExtendedStatistic"] == "p99"
    for metric, review in SES_REVIEW.items():
        assert 0 < by_metric[metric]["Threshold"] < review, metric
    assert {"ReadThrottleEvents", "WriteThrottleEvents"} <= set(by_metric)


def test_the_dashboard_shows_every_alarm_and_every_functions_errors_and_throttles():
    props = cfn.resources("AWS::CloudWatch::Dashboard")["LeedzDashboard"]
    body_text = props["DashboardBody"]["Fn::Sub"]
    body = json.loads(re.sub(r"\$\{[^}]+\}", "X", body_text))  # valid JSON once substituted
    assert {w["type"] for w in body["widgets"]} == {"alarm", "metric"}
    shown_alarms = set(re.findall(r"\$\{(\w+)\.Arn\}", body_text))
    assert shown_alarms == set(_alarms())
    for name in cfn.resources("AWS::Serverless::Function"):
        assert body_text.count(f'"${{{name}}}"') == 2, name  # errors and throttles graphs
