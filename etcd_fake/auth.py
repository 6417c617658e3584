"""v2 auth, not yet modelled: auth stays off and every key is open; /v2/auth/* answers Go's 404 page."""

from __future__ import annotations

from .answers import not_found
from .cluster import Cluster
from .http import Answer, Request


class Auth:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def may_access(self, request: Request, key: str, recursive: bool, write: bool) -> bool:
        """Open to all; etcd reads its auth switch for each keys request, which counts as a get."""
        self.cluster.store.count_get(False)
        return True

    def handle(self, request: Request) -> Answer:
        return not_found()
