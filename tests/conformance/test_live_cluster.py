"""A three-member etcd 3.5 cluster: reconnection and the cluster-level properties."""

from __future__ import annotations

from typing import Any
from typing_extensions import assert_type

import etcd

from .check import check
from .servers import Cluster


def test_cluster_client_survives_a_stopped_member(cluster: Cluster) -> None:
    client = check(assert_type(etcd.Client(host=cluster.hosts, allow_reconnect=True), etcd.Client), etcd.Client)
    machines = check(assert_type(client.machines, list[str]), list[str])
    assert sorted(machines) == sorted(m.client_url for m in cluster.members)
    members = check(assert_type(client.members, dict[str, dict[str, Any]]), dict[str, dict[str, Any]])
    assert len(members) == 3
    check(members[next(iter(members))]["peerURLs"], list[str])
    leader = check(assert_type(client.leader, dict[str, Any]), dict[str, Any])
    assert leader["id"] in members
    client.write("/cluster/k", "before")

    # Stop the member the client talks to: the next request moves to another one.
    (talking_to,) = [m for m in cluster.members if m.client_url == client.base_uri]
    talking_to.stop()
    check(assert_type(client.read("/cluster/k").value, "str | Any"), str)  # MaybeNone
    assert client.base_uri != talking_to.client_url
    assert client.write("/cluster/k", "after").value == "after"
    # The cache is reloaded from the cluster, which still lists the stopped member.
    check(assert_type(client._machines_cache, list[str]), list[str])
