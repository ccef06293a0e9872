"""One reset drops every warm cache a container keeps (``shared.warm_caches``)."""

from __future__ import annotations

from shared import clients, mail, rendering, ses_templates, unsubscribe, users, warm_caches


def test_reset_forgets_every_warm_cache():
    clients.client("dynamodb")
    rendering.environment()
    users._ensured[("alice", "alice@example.com")] = 0.0
    mail._quota.update(rate=14.0, at=0.0)
    unsubscribe._keys["v1"] = b"key"
    ses_templates._ensured["new_leed"] = "leedz-new-leed-v-0"

    warm_caches.reset()

    assert clients.client.cache_info().currsize == 0
    assert rendering.environment.cache_info().currsize == 0
    assert not users._ensured and not mail._quota and not unsubscribe._keys and not ses_templates._ensured
