"""etcd_fallback as a drop-in for torch's `_etcd_stub`, where python-etcd is not installed.

Run by `nox -s torch` before python-etcd is installed. torch's etcd rendezvous modules import with
etcd_fallback in the place of `torch.distributed.elastic.rendezvous._etcd_stub`; building a rendezvous
handler, a backend or an EtcdStore then raises EtcdStubError with the message that names the fix.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import etcd_fallback
from etcd_fallback import EtcdStubError

PACKAGE = "torch.distributed.elastic.rendezvous"


def expect_stub_error(what: str, build: object) -> None:
    assert callable(build)
    try:
        build()
    except EtcdStubError as error:
        assert "pip install python-etcd" in str(error), error
        print(f"{what}: EtcdStubError: {error}")
    else:
        sys.exit(f"{what} did not raise EtcdStubError")


def main() -> None:
    assert importlib.util.find_spec("etcd") is None, "python-etcd must be absent for this check"
    sys.modules[f"{PACKAGE}._etcd_stub"] = etcd_fallback
    modules = {
        name: importlib.import_module(f"{PACKAGE}.{name}")
        for name in ("etcd_rendezvous", "etcd_store", "etcd_rendezvous_backend")
    }
    for name, module in modules.items():
        assert vars(module)["etcd"] is etcd_fallback, f"{name} did not take etcd_fallback"
    print("torch's etcd modules import with etcd_fallback standing in for _etcd_stub")

    params = importlib.import_module(PACKAGE).RendezvousParameters(
        backend="etcd", endpoint="127.0.0.1:2379", run_id="job", min_nodes=1, max_nodes=1
    )
    expect_stub_error(
        "create_rdzv_handler (EtcdRendezvousHandler)", lambda: modules["etcd_rendezvous"].create_rdzv_handler(params)
    )
    expect_stub_error("create_backend (etcd-v2)", lambda: modules["etcd_rendezvous_backend"].create_backend(params))
    expect_stub_error(
        "EtcdStore",
        lambda: modules["etcd_store"].EtcdStore(etcd_client=etcd_fallback.Client("127.0.0.1", 2379), etcd_store_prefix="/s"),
    )
    # torch's handlers name these classes in except clauses; they are the real hierarchy.
    assert issubclass(etcd_fallback.EtcdCompareFailed, ValueError)
    assert issubclass(etcd_fallback.EtcdWatchTimedOut, etcd_fallback.EtcdException)


if __name__ == "__main__":
    main()
