"""Typed stand-in for python-etcd, for environments where it is not installed."""
