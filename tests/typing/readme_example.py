"""README.md's first example, type-checked as written (tests/test_readme.py keeps them equal)."""

import etcd

client = etcd.Client(host="127.0.0.1", port=2379)
created = client.write("/config/mode", "on", ttl=60, prevExist=False)
print(created.key, created.modifiedIndex, created.ttl)
for node in client.read("/config", recursive=True).leaves:
    print(node.key, node.value)
try:
    client.test_and_set("/config/mode", "off", prev_value="on")
except etcd.EtcdCompareFailed as error:  # a ValueError, as at run time
    print(error.payload)
