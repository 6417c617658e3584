"""TLS for the client port, as etcd's --cert-file, --key-file, --trusted-ca-file and --client-cert-auth
configure it: the server's certificate and key, and with client-cert-auth a client certificate signed
by the trusted CA is required of every connection."""

from __future__ import annotations

import ssl


def server_context(
    cert_file: str, key_file: str, *, trusted_ca_file: str | None = None, client_cert_auth: bool = False
) -> ssl.SSLContext:
    """The TLS settings of a FakeEtcd's client port (`FakeEtcd(tls=...)`); it then serves https URLs.

    Raises OSError for a file that cannot be read and ssl.SSLError for one that is no PEM certificate or
    key; client_cert_auth needs trusted_ca_file, as etcd's does.
    """
    if client_cert_auth and not trusted_ca_file:
        raise ValueError("client_cert_auth needs trusted_ca_file: the CA that client certificates must be signed by")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # etcd's TLS listeners take TLS 1.2 and newer
    context.load_cert_chain(cert_file, key_file)
    if trusted_ca_file:
        context.load_verify_locations(trusted_ca_file)
    context.verify_mode = ssl.CERT_REQUIRED if client_cert_auth else ssl.CERT_NONE
    return context
