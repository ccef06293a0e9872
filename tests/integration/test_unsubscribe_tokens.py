"""Unsubscribe tokens: signed with a key from Secrets Manager (not the table), bound to one subscription (user,
trade, creation time), with a key id and an expiry."""

from __future__ import annotations

import time

import boto3
import pytest

from shared import base64url, config, db, subscriptions, unsubscribe, users
from shared.errors import Forbidden

CREATED = "2026-01-02T03:04:05+00:00"


@pytest.fixture(autouse=True)
def fresh_key(aws):
    unsubscribe.forget_key()
    yield
    unsubscribe.forget_key()


def test_a_token_names_its_user_trade_and_subscription_and_nothing_else():
    token = unsubscribe.token("ann", "dj", CREATED)
    assert unsubscribe.verify(token) == ("ann", "dj", CREATED)
    other = unsubscribe.token("ann", "magician", CREATED)
    with pytest.raises(Forbidden):  # another trade's payload with this token's signature
        unsubscribe.verify(f"{other.split('.')[0]}.{token.split('.')[1]}")


@pytest.mark.parametrize("bad", ["", ".", "abc", "abc.def", "x" * 2000, "e30.e30", "a.\u00e9",
                                 "\u00e9.abc", "a.\udcff", base64url.encode(b'{"k":"nope"}') + ".abc",
                                 base64url.encode(b'{"k":5}') + ".abc", base64url.encode(b"[1]") + ".abc"])
def test_garbage_is_forbidden(bad):
    with pytest.raises(Forbidden):
        unsubscribe.verify(bad)


def test_the_key_lives_in_secrets_manager_not_in_the_table():
    token = unsubscribe.token("ann", "dj", CREATED)
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=config.unsubscribe_key_secret())
    claims = __import__("json").loads(base64url.decode(token.split(".")[0]))
    assert claims["k"] == secret["VersionId"]  # the key id is the secret's version
    assert db.get({"pk": "CONFIG#unsubscribe-key", "sk": "CONFIG"}) is None
    unsubscribe.forget_key()  # another cold start reads the same key
    assert unsubscribe.verify(token) == ("ann", "dj", CREATED)


def test_a_rotated_key_keeps_old_links_valid_and_signs_new_ones():
    old = unsubscribe.token("ann", "dj", CREATED)
    boto3.client("secretsmanager").put_secret_value(SecretId=config.unsubscribe_key_secret(),
                                                    SecretString="a-new-key-" + "x" * 54)
    unsubscribe.forget_key()
    new = unsubscribe.token("ann", "dj", CREATED)
    assert new.split(".")[1] != old.split(".")[1]
    assert unsubscribe.verify(old) == unsubscribe.verify(new) == ("ann", "dj", CREATED)


def test_links_stay_valid_a_long_time_then_expire():
    token = unsubscribe.token("ann", "dj", CREATED)
    assert unsubscribe.verify(token, now=time.time() + 365 * 86400)  # a year later, still good
    with pytest.raises(Forbidden, match="expired"):
        unsubscribe.verify(token, now=time.time() + (unsubscribe.VALID_DAYS + 1) * 86400)


def test_an_old_link_cannot_undo_a_newer_subscription():
    users.ensure_profile("ann", "ann@example.com")
    subscriptions.subscribe("ann", "dj")
    old_link = unsubscribe.token("ann", "dj", subscriptions.created_at("ann", "dj"))
    assert unsubscribe.unsubscribe_by_token(old_link) == "dj"
    assert subscriptions.trades_of("ann") == []
    time.sleep(0.001)
    subscriptions.subscribe("ann", "dj")  # subscribed again later

    assert unsubscribe.is_subscribed(old_link) == ("dj", False)
    unsubscribe.unsubscribe_by_token(old_link)
    assert subscriptions.trades_of("ann") == ["dj"]  # the newer subscription stays
    new_link = unsubscribe.token("ann", "dj", subscriptions.created_at("ann", "dj"))
    assert unsubscribe.is_subscribed(new_link) == ("dj", True)
    unsubscribe.unsubscribe_by_token(new_link)
    assert subscriptions.trades_of("ann") == []
