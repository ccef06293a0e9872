"""The local stack keeps its state across restarts and loses nothing acknowledged, even on SIGKILL."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

import requests

from bench.seeding import leed_body, seed_subscribers
from infra.local.launch import local_stack

FAST = {"LEEDZ_RETRY_DELAY": "0.05", "LEEDZ_PREWARM": "0"}


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token(user)}"}


def test_stop_and_start_keeps_data_tokens_links_and_mailbox(tmp_path: Path):
    env = {**FAST, "LEEDZ_STATE_DIR": str(tmp_path / "state")}
    with local_stack(**env) as first:
        headers = _auth(first, "keeper")
        assert requests.put(f"{first.api}/users/me", json={"name": "Kept Keeper"}, headers=headers,
                            timeout=30).status_code == 200
        assert requests.put(f"{first.api}/users/me/subscriptions/magician", headers=headers,
                            timeout=30).status_code == 204
        seller = _auth(first, "keeper-seller")
        posted = requests.post(f"{first.api}/leeds", json=leed_body("magician", 1, "Kept leed"), headers=seller,
                               timeout=30)
        assert posted.status_code == 201, posted.text
        assert first.wait_idle(timeout=60)
        [mail] = first.get_json("/_local/emails?to=keeper@example.com")["items"]
        link = next(word for word in mail["text"].split() if "/unsubscribe?token=" in word)
    with local_stack(**env) as second:  # the same state directory, stopped with Ctrl-C in between
        me = requests.get(f"{second.api}/users/me", headers=headers, timeout=30)  # the token from before
        assert me.status_code == 200 and me.json()["name"] == "Kept Keeper"
        assert me.json()["subscriptions"] == ["magician"]
        leed = requests.get(f"{second.api}/leeds/{posted.json()['id']}", headers=headers, timeout=30)
        assert leed.status_code == 200 and leed.json()["title"] == "Kept leed 1"
        assert second.get_json("/_local/emails?to=keeper@example.com")["items"] == [mail]
        path = "/unsubscribe?" + link.split("/unsubscribe?", 1)[1]  # the link from before, on the new port
        assert requests.get(f"{second.api}{path}", timeout=30).status_code == 200
        assert requests.post(f"{second.api}{path}", timeout=30).status_code == 200  # the key kept in state/
        assert requests.get(f"{second.api}/users/me", headers=headers, timeout=30).json()["subscriptions"] == []
    with local_stack(**env, LEEDZ_FRESH="1") as fresh:
        assert requests.get(f"{fresh.api}/users/me", headers=headers, timeout=30).json()["name"] != "Kept Keeper"
        assert fresh.get_json("/_local/emails")["items"] == []


def test_sigkill_in_the_middle_of_a_fanout_loses_nothing(tmp_path: Path):
    """Killed while a 400-subscriber fan-out is sending: after a restart every subscriber has the email, and
    only the batch in flight at the kill (at most 50) may have gone out twice, as a crashed Lambda's retry."""
    env = {**FAST, "LEEDZ_STATE_DIR": str(tmp_path / "state"), "LEEDZ_SES_MAX_SEND_RATE": "100"}
    with local_stack(**env) as first:
        people, _ = seed_subscribers(first, "bartending", 400)
        resp = requests.post(f"{first.api}/leeds", json=leed_body("bartending", 7, "Killed fan-out"),
                             headers=_auth(first, "killer-seller"), timeout=30)
        assert resp.status_code == 201, resp.text
        deadline = time.monotonic() + 60
        while len(first.get_json("/_local/emails?subject=Killed")["items"]) < 100:
            assert time.monotonic() < deadline, "the fan-out never got going"
            time.sleep(0.05)
        sent_before = len(first.get_json("/_local/emails?subject=Killed")["items"])
        os.kill(first.pid, signal.SIGKILL)
    with local_stack(**env) as second:
        assert second.wait_idle(timeout=120)
        emails = second.get_json("/_local/emails?subject=Killed")["items"]
        got = Counter(address for email in emails for address in email["to"])
        missing = [p["email"] for p in people if got[p["email"]] == 0]
        doubled = [address for address, n in got.items() if n > 1]
        print(f"\nafter SIGKILL and restart: {len(emails)} emails to {len(got)} of {len(people)} subscribers, "
              f"{len(missing)} missing, {len(doubled)} twice ({sent_before} had gone out before the kill)")
        assert not missing and len(doubled) <= 50
        assert second.get_json("/_local/failed")["items"] == []


def test_reset_goes_back_to_the_demo_data_and_keeps_tokens_valid(tmp_path: Path):
    with local_stack(**FAST, LEEDZ_STATE_DIR=str(tmp_path / "state")) as stack:
        headers = _auth(stack, "resetter")
        requests.put(f"{stack.api}/users/me", json={"name": "Before Reset"}, headers=headers, timeout=30)
        assert requests.post(f"{stack.api}/_local/reset", timeout=60).status_code == 204
        me = requests.get(f"{stack.api}/users/me", headers=headers, timeout=30)
        assert me.status_code == 200 and me.json()["name"] != "Before Reset"  # a new profile, same token
        trades = {t["name"]: t for t in stack.get_json("/trades")["items"]}
        assert trades["dj"]["subscribers"] == 2 and stack.get_json("/_local/emails")["items"] == []
        assert stack.get_json("/leeds?trade=caricatures")["items"]  # the demo leeds again
