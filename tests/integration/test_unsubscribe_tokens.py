"""Unsubscribe tokens: one key per table, converged on by every function; tokens bound to user and trade."""

from __future__ import annotations

import pytest

from shared import db, unsubscribe
from shared.errors import Forbidden


@pytest.fixture(autouse=True)
def fresh_key(aws):
    unsubscribe.forget_key()
    yield
    unsubscribe.forget_key()


def test_a_token_names_its_user_and_trade_and_nothing_else():
    token = unsubscribe.token("ann", "dj")
    assert unsubscribe.verify(token) == ("ann", "dj")
    other = unsubscribe.token("ann", "magician")
    payload_of_other = other.split(".")[0]
    with pytest.raises(Forbidden):  # another trade's payload with this token's signature
        unsubscribe.verify(f"{payload_of_other}.{token.split('.')[1]}")


@pytest.mark.parametrize("bad", ["", ".", "abc", "abc.def", "x" * 2000, "e30.e30", "a.\u00e9",
                                 "\u00e9.abc", "a.\udcff"])
def test_garbage_is_forbidden(bad):
    with pytest.raises(Forbidden):
        unsubscribe.verify(bad)


def test_the_key_is_made_once_and_shared_through_the_table():
    token = unsubscribe.token("ann", "dj")
    stored = db.get(unsubscribe.KEY_ITEM, consistent=True)["key"]
    unsubscribe.forget_key()  # another cold start reads the same key
    assert unsubscribe.verify(token) == ("ann", "dj")
    assert db.get(unsubscribe.KEY_ITEM, consistent=True)["key"] == stored


def test_rotating_the_key_voids_old_links():
    token = unsubscribe.token("ann", "dj")
    db.clients.dynamodb().delete_item(TableName=db.table(), Key=db.to_ddb(unsubscribe.KEY_ITEM))
    unsubscribe.forget_key()
    with pytest.raises(Forbidden):
        unsubscribe.verify(token)
