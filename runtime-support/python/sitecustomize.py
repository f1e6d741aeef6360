# Imported by every Python handler process (its folder is on PYTHONPATH). It sends connections to the host
# names in WSGATE_HOST_MAP (ports 443 and 80) to the local gateway, as runtime-support/redirect-hosts.cjs does
# for Node: code posting to https://{apiId}.execute-api.{region}.amazonaws.com/{stage} reaches it unmodified.
# TLS still names and verifies the original host; a context that loads trust roots also trusts the gateway's
# certificate (WSGATE_CA_FILE). Every other host resolves as usual.
import os
import socket
import ssl

_REDIRECTED_PORTS = {443, 80, "443", "80", "https", "http"}


def _parse_rules(text):
    rules = []
    for entry in (text or "").split(","):
        pattern, equals, target = entry.rpartition("=")
        host, colon, port = target.rpartition(":")
        if not equals or not pattern or not colon or not port.isdigit():
            continue
        rules.append((pattern.strip().lower().split("."), host, int(port)))
    return rules


def _target_of(rules, host, port):
    if not isinstance(host, str) or port not in _REDIRECTED_PORTS:
        return None
    labels = host.lower().rstrip(".").split(".")
    for pattern, target_host, target_port in rules:
        if len(pattern) == len(labels) and all(p == "*" or p == l for p, l in zip(pattern, labels)):
            return target_host, target_port
    return None


_rules = _parse_rules(os.environ.get("WSGATE_HOST_MAP"))
if _rules:
    _getaddrinfo = socket.getaddrinfo

    def _redirected_getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        target = _target_of(_rules, host, port)
        if target is None:
            return _getaddrinfo(host, port, *args, **kwargs)
        return _getaddrinfo(target[0], target[1], *args, **kwargs)

    socket.getaddrinfo = _redirected_getaddrinfo

_ca_file = os.environ.get("WSGATE_CA_FILE")
if _ca_file and os.path.isfile(_ca_file):
    _load_verify_locations = ssl.SSLContext.load_verify_locations
    _load_default_certs = ssl.SSLContext.load_default_certs

    def _also_trust_gateway(context):
        try:
            _load_verify_locations(context, cafile=_ca_file)
        except (OSError, ssl.SSLError):
            pass

    def _load_verify_locations_and_gateway(self, *args, **kwargs):
        _load_verify_locations(self, *args, **kwargs)
        _also_trust_gateway(self)

    def _load_default_certs_and_gateway(self, *args, **kwargs):
        _load_default_certs(self, *args, **kwargs)
        _also_trust_gateway(self)

    ssl.SSLContext.load_verify_locations = _load_verify_locations_and_gateway
    ssl.SSLContext.load_default_certs = _load_default_certs_and_gateway


def _run_shadowed_sitecustomize():
    # Python imports one sitecustomize: this one, first on PYTHONPATH. The one it shadows (the handler's
    # layer, the distribution's) still runs, as it would without wsgate.
    import importlib.machinery
    import importlib.util
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except Exception as err:  # noqa: BLE001 - site.py reports its own sitecustomize errors the same way
        sys.stderr.write("Error in sitecustomize (%s): %r\n" % (spec.origin, err))


_run_shadowed_sitecustomize()
