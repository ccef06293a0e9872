"""The deploy rehearsal's own logic (tests/integration/iam_rehearsal.py): IAM's matching, the IAM actions and
resources an API call needs, and the roles the SAM transform gives the functions."""

from __future__ import annotations

from tests.integration import iam_rehearsal as iam
from tests.integration.aws_calls import names_in_tests

NAMES = {"LeedzTable": "t", "UploadBucket": "up", "EmailController": "EmailController"}
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/"


def test_wildcards_match_as_iam_matches_them():
    statements = [{"Action": ["ses:Get*"], "Resource": ["*"]},
                  {"Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::up/leeds/*"]}]
    assert iam.allows(statements, "ses:GetTemplate", "*")
    assert iam.allows(statements, "SES:gettemplate", "anything")  # actions are case-insensitive
    assert iam.allows(statements, "s3:PutObject", "arn:aws:s3:::up/leeds/1/a.jpg")
    assert not iam.allows(statements, "s3:PutObject", "arn:aws:s3:::up/other/a.jpg")
    assert not iam.allows(statements, "s3:PutObject", "arn:aws:s3:::UP/leeds/a.jpg")  # resources are not
    assert not iam.allows(statements, "ses:SendEmail", "*")


def test_what_a_call_needs():
    items = [{"Put": {"TableName": "t"}}, {"ConditionCheck": {"TableName": "t"}}]
    assert iam.required("dynamodb", "TransactWriteItems", {"TransactItems": items}) == [
        ("dynamodb:PutItem", TABLE + "t"), ("dynamodb:ConditionCheckItem", TABLE + "t")]
    assert iam.required("dynamodb", "Query", {"TableName": "t", "IndexName": "gsi1"}) == [
        ("dynamodb:Query", TABLE + "t/index/gsi1")]
    assert iam.required("s3", "HeadObject", {"Bucket": "b", "Key": "k"}) == [("s3:GetObject", "arn:aws:s3:::b/k")]
    assert iam.required("lambda", "Invoke", {"FunctionName": "arn:aws:lambda:us-east-1:1:function:F:live"}) == [
        ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:F")]
    assert iam.required("ses", "GetTemplate", {"TemplateName": "x"}) == [("ses:GetTemplate", "*")]
    assert iam.required("ses", "SendBulkTemplatedEmail", {"Source": "Leedz <a@b.c>", "Template": "x"}) == [
        ("ses:SendBulkTemplatedEmail", "arn:aws:ses:us-east-1:123456789012:identity/a@b.c"),
        ("ses:SendBulkTemplatedEmail", "arn:aws:ses:us-east-1:123456789012:template/x")]


def test_roles_come_from_the_transformed_template_with_the_tests_names():
    names = names_in_tests({"TABLE_NAME": "t", "UPLOAD_BUCKET": "leedz-uploads-test"})
    assert names["LeedzTable"] == "t" and names["UploadBucket"] == "leedz-uploads-test"
    roles = iam.role_statements(names)
    # a policy template, expanded by SAM, on the test's table
    assert iam.allows(roles["GetLeedFunction"], "dynamodb:GetItem", TABLE + "t")
    assert not iam.allows(roles["ListTradesFunction"], "dynamodb:PutItem", TABLE + "t")  # DynamoDBReadPolicy
    # the upload bucket's name, built from the stack id, resolves to the test's bucket
    assert iam.allows(roles["ThumbnailFunction"], "s3:GetObject", "arn:aws:s3:::leedz-uploads-test/leeds/a.jpg")
    # a separate AWS::IAM::Policy attached to the role counts (the email fan-out continuing itself)
    email = "arn:aws:lambda:us-east-1:123456789012:function:EmailController"
    assert iam.allows(roles["EmailController"], "lambda:InvokeFunction", email)
    assert not iam.allows(roles["AddLeedFunction"], "lambda:InvokeFunction", email.replace("Email", "Notification"))


def test_a_hand_written_grant_nothing_used_is_named_and_a_bundles_idle_actions_only_listed():
    from tests.integration import iam_coverage

    names = names_in_tests({"TABLE_NAME": "t"})
    every = {(fn, a) for fn, sts in iam.role_statements(names).items() for st in sts for a in st["Action"]}
    assert iam_coverage.unused(every, names) == ([], [])
    failing, listed = iam_coverage.unused(every - {("EmailController", "ses:GetSendQuota"),
                                                   ("GetLeedFunction", "dynamodb:Scan")}, names)
    assert failing == ["EmailController: ses:GetSendQuota"]
    assert listed == ["GetLeedFunction: dynamodb:Scan"]


def test_idle_grants_count_only_after_every_integration_module_ran_unfiltered():
    from tests.integration import iam_coverage

    class Config:
        def __init__(self, **options):
            self.options = options

        def getoption(self, name, default=None):
            return self.options.get(name, default)

    every = {p.name for p in iam_coverage.INTEGRATION.glob("test_*.py")}
    assert iam_coverage.whole_suite_ran(every, Config())
    assert not iam_coverage.whole_suite_ran(every - {"test_users.py"}, Config())
    assert not iam_coverage.whole_suite_ran(every, Config(keyword="buy"))
