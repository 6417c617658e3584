"""One import for code where python-etcd is optional: `from etcd_fallback.compat import etcd`.

At run time `etcd` is python-etcd when it is installed and `etcd_fallback` otherwise. Type checkers
always see python-etcd's stubs, so code written against it checks cleanly either way, with no ignore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import etcd as etcd
else:
    try:
        import etcd
    except ModuleNotFoundError as error:
        # Only a missing python-etcd selects the fallback; a broken install (say, a missing
        # dependency of python-etcd) still raises.
        if error.name != "etcd":
            raise
        import etcd_fallback as etcd

__all__ = ["etcd"]
