"""A program that calls every etcd.Client method and property: the input of typecheck_cost.py."""

from __future__ import annotations

import etcd


def everything(client: etcd.Client) -> list[object]:
    r = client.write("/k", "v", ttl=60, prevExist=False)
    seen: list[object] = [r.key, r.value, r.ttl, r.modifiedIndex, r.etcd_index]
    seen += [client.read("/k", recursive=True, timeout=5), client.get("/k"), client.set("/k", "w")]
    seen += [client.test_and_set("/k", "x", "w"), client.update(r), client.refresh("/k", 30)]
    seen += [client.delete("/k", prevValue="x"), client.pop("/k"), client.watch("/k", index=1, timeout=1.5)]
    seen += [next(client.eternal_watch("/k")), "/k" in client, list(r.leaves)]
    seen += [client.api_execute("/v2/keys/k", client._MGET).data, client.api_execute_json("/v2/auth/enable", "GET")]
    seen += [client.base_uri, client.host, client.port, client.protocol, client.read_timeout, client.allow_redirect]
    seen += [client.lock_prefix, client.machines, client.members, client.leader, client.stats, client.leader_stats]
    seen += [client.store_stats, client.version, client.cluster_version, client.key_endpoint]
    lock = etcd.Lock(client, "job")
    seen += [lock.acquire(blocking=False), lock.is_acquired, lock.uuid]
    lock.release()
    return seen
