"""wsgate's Python runtime: runs a `module.function` handler against the Lambda Runtime API in
AWS_LAMBDA_RUNTIME_API, as AWS's Python runtime interface client does. Standard library only."""

import decimal
import importlib
import json
import json.scanner
import logging
import os
import socket
import sys
import time
import traceback

import _wsgate_channel

HERE = os.path.dirname(os.path.abspath(__file__))


class FaultException(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.msg = message
        self.trace = trace


class RuntimeClient:
    """HTTP/1.1 to the Runtime API over one kept-alive socket. A result's POST is sent together with the next
    `invocation/next` GET, in one write (pipelined); the POST's answer is read before the next invocation."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = address
        try:
            self.sock = socket.create_connection((host, int(port)))
        except OSError:
            sys.exit(0)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.received = b""
        self.outgoing = []
        self.owed = 0

    def _receive(self):
        try:
            chunk = self.sock.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            # The environment is going away.
            sys.exit(0)
        self.received += chunk

    def _read_response(self):
        while b"\r\n\r\n" not in self.received:
            self._receive()
        head, _, rest = self.received.partition(b"\r\n\r\n")
        self.received = rest
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        while len(self.received) < length:
            self._receive()
        body, self.received = self.received[:length], self.received[length:]
        return headers, body

    def _flush(self):
        try:
            self.sock.sendall(b"".join(self.outgoing))
        except OSError:
            sys.exit(0)
        self.outgoing = []
        while self.owed:
            self._read_response()
            self.owed -= 1

    def _request(self, method, path, body=b"", headers=()):
        lines = ["{} /2018-06-01/runtime/{} HTTP/1.1".format(method, path), "Host: " + self.host]
        lines.extend("{}: {}".format(name, value) for name, value in headers)
        if method == "POST":
            lines.append("Content-Length: {}".format(len(body)))
        self.outgoing.append(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def next(self):
        """The next invocation's headers (names in lower case) and body."""
        self._request("GET", "invocation/next")
        self._flush()
        return self._read_response()

    def post(self, path, document, error_type=None):
        """Queued until the next `next()` (or `flush()`), which sends it first."""
        headers = [("Content-Type", "application/json")]
        if error_type:
            headers.append(("Lambda-Runtime-Function-Error-Type", error_type))
        self._request("POST", path, document.encode("utf-8"), headers)
        self.owed += 1

    def flush(self):
        self._flush()


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id={};cognito_identity_pool_id={}])".format(
            self.cognito_identity_id, self.cognito_identity_pool_id
        )


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def make_identity(text):
    identity = CognitoIdentity()
    if not text:
        identity.cognito_identity_id = None
        identity.cognito_identity_pool_id = None
        return identity
    document = json.loads(text)
    identity.cognito_identity_id = document.get("cognitoIdentityId")
    identity.cognito_identity_pool_id = document.get("cognitoIdentityPoolId")
    return identity


def make_client_context(text):
    if not text:
        return None
    document = json.loads(text)
    context = ClientContext()
    context.custom = document.get("custom")
    context.env = document.get("env")
    client_document = document.get("client")
    context.client = None
    if client_document:
        context.client = Client()
        for name in Client.__slots__:
            setattr(context.client, name, client_document.get(name))
    return context


class LambdaContext:
    # Read once: the environment's own variables do not change, and five reads of os.environ cost a third of an
    # echo's time in this process.
    _from_environment = None

    def __init__(self, request_id, deadline_ms, invoked_function_arn, identity, client_context):
        if LambdaContext._from_environment is None:
            LambdaContext._from_environment = tuple(
                os.environ.get(name)
                for name in (
                    "AWS_LAMBDA_LOG_GROUP_NAME",
                    "AWS_LAMBDA_LOG_STREAM_NAME",
                    "AWS_LAMBDA_FUNCTION_NAME",
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                    "AWS_LAMBDA_FUNCTION_VERSION",
                )
            )
        self.aws_request_id = request_id
        (
            self.log_group_name,
            self.log_stream_name,
            self.function_name,
            self.memory_limit_in_mb,
            self.function_version,
        ) = LambdaContext._from_environment
        self.invoked_function_arn = invoked_function_arn
        self.identity = identity
        self.client_context = client_context
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(round(time.time() * 1000)), 0)

    def log(self, message):
        sys.stdout.write(str(message))
        sys.stdout.flush()

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={};log_group_name={};log_stream_name={};function_name={};"
            "memory_limit_in_mb={};function_version={};invoked_function_arn={};client_context={};identity={}])"
        ).format(
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
            self.client_context, self.identity,
        )


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def install_logging():
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                "Runtime.BuiltInModuleConflict", "Cannot use built-in module {} as a handler module".format(modname)
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            "Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))


def user_frames(tb):
    frames = traceback.extract_tb(tb)
    # The bootstrap's own frames say nothing about the user's code.
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    return traceback.format_list(frames)


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def fault_result(exc_info, request_id=None):
    error_type, value, tb = exc_info
    if isinstance(value, FaultException):
        return make_error(value.msg, value.error_type, value.trace, request_id)
    return make_error(str(value), error_type.__name__, user_frames(tb), request_id)


def log_error(error):
    lines = ["[ERROR] {}: {}".format(error["errorType"], error["errorMessage"])]
    if error["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(frame.rstrip("\n") for frame in error["stackTrace"])
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _encode_default(item):
    if isinstance(item, decimal.Decimal):
        return float(item) if item % 1 else int(item)
    raise TypeError("Object of type {} is not JSON serializable".format(type(item).__name__))


# Made once: json.dumps and json.loads build or look up their coder on every call.
to_json = json.JSONEncoder(default=_encode_default).encode
_decode_json = json.JSONDecoder().decode
_scan_json = json.scanner.make_scanner(json.JSONDecoder())


def parse_event(body):
    if not body:
        return None
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    # The gateway's events are compact JSON: the scanner alone reads them; anything else takes the full decoder
    # (its whitespace rules and error messages).
    try:
        event, end = _scan_json(text, 0)
        if end == len(text):
            return event
    except (StopIteration, ValueError):
        pass
    return _decode_json(text)


_entropy = ""
_entropy_offset = 0


def new_trace_id():
    """X-Ray's trace header as Lambda passes it (sampling off locally), from random bytes drawn 4 KiB at a time (a
    system call per invocation showed in profiles)."""
    global _entropy, _entropy_offset
    if _entropy_offset + 40 > len(_entropy):
        _entropy = os.urandom(4096).hex()
        _entropy_offset = 0
    start = _entropy_offset
    _entropy_offset += 40
    return "Root=1-%08x-%s;Parent=%s;Sampled=0" % (int(time.time()), _entropy[start : start + 24], _entropy[start + 24 : start + 40])


def run_invocation(handler, request_id, deadline_ms, invoked_function_arn, body, trace_id=None, identity=None, client_context=None):
    """Runs one invocation: ("response", its JSON text) or ("error", the runtime's error document)."""
    RequestIdFilter.request_id = request_id
    os.environ["_X_AMZN_TRACE_ID"] = trace_id or new_trace_id()
    try:
        context = LambdaContext(
            request_id,
            deadline_ms,
            invoked_function_arn,
            make_identity(identity),
            make_client_context(client_context),
        )
        event = parse_event(body)
        result = handler(event, context)
        try:
            return "response", to_json(result)
        except (TypeError, ValueError) as e:
            raise FaultException("Runtime.MarshalError", "Unable to marshal response: {}".format(str(e)))
    except Exception:
        error = fault_result(sys.exc_info(), request_id)
        log_error(error)
        return "error", error


def handle(client, handler, headers, body):
    request_id = headers.get("lambda-runtime-aws-request-id")
    kind, payload = run_invocation(
        handler,
        request_id,
        int(headers.get("lambda-runtime-deadline-ms")),
        headers.get("lambda-runtime-invoked-function-arn"),
        body,
        headers.get("lambda-runtime-trace-id") or "",
        headers.get("lambda-runtime-cognito-identity"),
        headers.get("lambda-runtime-client-context"),
    )
    if kind == "error":
        client.post("invocation/{}/error".format(request_id), json.dumps(payload), payload["errorType"])
    else:
        client.post("invocation/{}/response".format(request_id), payload)


def load_handler():
    install_logging()
    return get_handler(os.environ["_HANDLER"])


def init_failure(exc_info):
    error = fault_result(exc_info)
    log_error(error)
    return error


def main():
    # The bootstrap's own folder must not shadow the user's modules; the task root comes first, then
    # PYTHONPATH (layers, a sitecustomize) as Python already placed it.
    if sys.path and os.path.abspath(sys.path[0] or ".") == HERE:
        sys.path.pop(0)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    if "NODE_CHANNEL_FD" in os.environ:
        # Started by wsgate on its own channel (docs/runtime.md); not a variable of Lambda's, so handlers do not see it.
        channel_fd = int(os.environ.pop("NODE_CHANNEL_FD"))
        os.environ.pop("NODE_CHANNEL_SERIALIZATION_MODE", None)
        _wsgate_channel.serve(channel_fd, load_handler, run_invocation, init_failure)
        return
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler()
    except Exception:
        error = init_failure(sys.exc_info())
        client.post("init/error", json.dumps(error), error["errorType"])
        client.flush()
        sys.exit(1)
    while True:
        headers, body = client.next()
        handle(client, handler, headers, body)


if __name__ == "__main__":
    main()
