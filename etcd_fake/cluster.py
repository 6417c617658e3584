"""What the members of a fake cluster share: one store, one raft log's index and term, the member list
and its IDs (computed as etcd computes them, so the same flags give the same IDs), and the sync that
expires keys every 500 ms while any key has a TTL, as etcd's leader does."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .store import Store

SYNC_INTERVAL = 0.5  # etcd's leader proposes a SYNC, which expires keys, this often (seconds)
DEFAULT_TOKEN = "etcd-cluster"  # etcd's --initial-cluster-token default
SERVER_VERSION = "3.5.1"
CLUSTER_VERSION = "3.5.0"


def member_id(peer_urls: list[str], token: str) -> int:
    """etcd's ID of an initial member: the first 8 bytes of SHA-1 over its sorted peer URLs and the token."""
    digest = hashlib.sha1(("".join(sorted(peer_urls)) + token).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def cluster_id(member_ids: list[int]) -> int:
    """etcd's cluster ID: the first 8 bytes of SHA-1 over the sorted member IDs, 8 bytes each."""
    digest = hashlib.sha1(b"".join(i.to_bytes(8, "big") for i in sorted(member_ids))).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass
class Member:
    name: str
    peer_urls: list[str]
    client_urls: list[str]
    token: str = DEFAULT_TOKEN
    start_ns: int = 0
    id: int = field(init=False)

    def __post_init__(self) -> None:
        self.id = member_id(self.peer_urls, self.token)

    @property
    def hex_id(self) -> str:
        return format(self.id, "x")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.hex_id, "name": self.name, "peerURLs": self.peer_urls, "clientURLs": self.client_urls}


class Cluster:
    """The state every member serves. The first member leads; its term is 2, as a new etcd's is."""

    clock: Clock
    members: list[Member]
    leader: Member
    id: int
    leader_since_ns: int
    store: Store
    raft_index: int
    term: int

    def __init__(self, members: list[Member], clock: Clock) -> None:
        count = len(members)
        self.clock = clock
        self.members = sorted(members, key=lambda m: m.id)  # etcd lists them by ID
        self.leader = members[0]
        self.id = cluster_id([m.id for m in members])
        self.leader_since_ns = clock.now_ns()
        for member in members:
            member.start_ns = self.leader_since_ns
        # A new cluster's store holds its own records first: a member's creation and its attributes for
        # each member, then the cluster version (2n + 1 changes); its raft log has those, the leader's
        # empty entry and the version's (2n + 2 entries).
        self.store = Store(clock, initial_index=2 * count + 1)
        self.store.seed_stats(createSuccess=count, setsSuccess=count + 1, getsSuccess=count - 1, getsFail=count)
        self.raft_index = 2 * count + 2
        self.term = 2
        self._raft = threading.Lock()

    def propose(self) -> int:
        """One entry through the raft log (every write, failed or not, and every quorum read)."""
        with self._raft:
            self.raft_index += 1
            return self.raft_index

    def follower_stats(self) -> dict[str, Any]:
        """The leader's view of each follower, as /v2/stats/leader lists it (every append succeeded)."""
        latency = dict.fromkeys(("current", "average", "standardDeviation", "minimum", "maximum"), 0)
        counts = {"fail": 0, "success": self.raft_index}
        return {m.hex_id: {"latency": latency, "counts": counts} for m in self.members if m is not self.leader}

    def sync(self) -> None:
        """The leader's periodic SYNC: an entry in the log while any key has a TTL, expiring those due."""
        if self.store.has_ttl_keys():
            self.propose()
            self.store.delete_expired(self.clock.now_ns())
