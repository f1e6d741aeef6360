"""wsgate's own channel to the bundled Python runtime: the protocol of the Node runner (src/runtime/runner/protocol.ts).
Invocations arrive as lines on INVOCATIONS_FD, as many as the gateway queued in one write; the init message, recalls
and every result travel as JSON lines on Node's IPC channel (NODE_CHANNEL_FD). One wake-up of this process then
serves every invocation queued meanwhile, where the Runtime API costs two HTTP messages each. Standard library only;
the module name keeps it from shadowing a user's module."""

import collections
import json
import os
import socket
import sys
import threading
import time

INVOCATIONS_FD = 4
CPU_REPORT_INTERVAL_S = 0.010
# How long and how many results may wait for those of the invocations queued behind them. Should the next one run
# on for longer, the gateway's recall (after RECALL_AFTER_MS, 20 ms) takes what is held along: a thread of our
# own waking each millisecond to send it cost a third more CPU per echo (each wake-up takes the GIL).
HOLD_S = 0.001
MAX_HELD = 64
# Lambda's limit on a synchronous invocation's response (response-size.ts).
MAX_RESPONSE_BYTES = 6291556
TOO_LARGE = {
    "errorType": "Function.ResponseSizeTooLarge",
    "errorMessage": "Response payload size exceeded maximum allowed payload size ({} bytes).".format(MAX_RESPONSE_BYTES),
}
# Node's markers for a log line written by an invocation (protocol.ts: LOG_TAG_START, LOG_TAG_RUNNING, LOG_TAG_END).
TAG_START = "\x1e"
TAG_RUNNING = "r"
TAG_END = "\x1f"


def _refuse_constant(name):
    raise ValueError(name)


def _is_strict_json(document):
    """NaN and Infinity are Python's JSON, not the IPC channel's (JSON.parse): such a result goes on as text."""
    if "NaN" not in document and "Infinity" not in document:
        return True
    try:
        json.loads(document, parse_constant=_refuse_constant)
        return True
    except ValueError:
        return False


class Channel:
    def __init__(self, ipc_fd):
        self.ipc = socket.socket(fileno=ipc_fd)
        self.ipc.setblocking(True)
        os.set_blocking(INVOCATIONS_FD, True)
        self.send_lock = threading.Lock()
        self.queue_lock = threading.Lock()
        self.queue = collections.deque()
        self.received = b""
        self.invocations = b""
        self.cpu_reported_at = 0.0
        self.running = None
        self.held = []
        self.held_since = 0.0

    def send_line(self, text):
        with self.send_lock:
            self.held.append(text)
            self._send_held()

    def _send_held(self):
        data = ("\n".join(self.held) + "\n").encode("utf-8")
        self.held = []
        try:
            self.ipc.sendall(data)
        except OSError:
            os._exit(0)

    def answer(self, text):
        """A result: sent at once when no other invocation is waiting here, else held to go with theirs (one write,
        one wake-up of the gateway), at most MAX_HELD of them and for about HOLD_S."""
        now = time.monotonic()
        with self.send_lock:
            self.held.append(text)
            if len(self.held) == 1:
                self.held_since = now
                if self.queue:
                    return
            elif self.queue and len(self.held) < MAX_HELD and now - self.held_since < HOLD_S:
                return
            self._send_held()

    def flush(self):
        with self.send_lock:
            if self.held:
                self._send_held()

    def send(self, message):
        self.send_line(json.dumps(message))

    def read_message(self):
        """The parent's next message, or exits when the parent went away (as the Node runner does on `disconnect`)."""
        while b"\n" not in self.received:
            try:
                chunk = self.ipc.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                os._exit(0)
            self.received += chunk
        line, _, self.received = self.received.partition(b"\n")
        return json.loads(line)

    def answer_recalls(self):
        """Runs in a thread of its own, so that a recall is answered while a handler blocks (on I/O, or sleeping); the
        answer goes with any result still held, whose invocation the gateway counts as running meanwhile."""
        while True:
            message = self.read_message()
            if message.get("type") != "recall":
                continue
            with self.queue_lock:
                dropped = [request_id for request_id, _, _ in self.queue]
                self.queue.clear()
            self.send({"type": "recalled", "awsRequestIds": dropped})

    def next_invocation(self):
        """(request id, its JSON text, the event's JSON bytes), reading more lines when none is queued."""
        while True:
            with self.queue_lock:
                if self.queue:
                    return self.queue.popleft()
            try:
                chunk = os.read(INVOCATIONS_FD, 262144)
            except OSError:
                chunk = b""
            if not chunk:
                os._exit(0)
            lines = (self.invocations + chunk).split(b"\n")
            self.invocations = lines.pop()
            parsed = []
            for line in lines:
                id_json, _, event_json = line.partition(b"\t")
                id_text = id_json.decode("utf-8")
                # A JSON string; the gateway's request ids (UUIDs) have nothing to unescape.
                request_id = id_text[1:-1] if "\\" not in id_text else json.loads(id_text)
                parsed.append((request_id, id_text, event_json))
            with self.queue_lock:
                self.queue.extend(parsed)

    def cpu_field(self):
        now = time.monotonic()
        if now - self.cpu_reported_at < CPU_REPORT_INTERVAL_S:
            return ""
        self.cpu_reported_at = now
        return ',"cpuMicros":{}'.format(int(time.process_time() * 1e6))

    def send_result(self, id_text, outcome):
        kind, payload = outcome
        # The encoder escapes everything outside ASCII: the text's length is its size in bytes.
        if kind == "response" and len(payload) > MAX_RESPONSE_BYTES:
            kind, payload = "error", TOO_LARGE
        if kind == "response":
            if not _is_strict_json(payload):
                payload = json.dumps(payload)
            self.answer('{{"type":"result","awsRequestId":{},"ok":true,"value":{}{}}}'.format(id_text, payload, self.cpu_field()))
        else:
            self.answer('{{"type":"result","awsRequestId":{},"ok":false,"error":{}{}}}'.format(id_text, json.dumps(payload), self.cpu_field()))


class TaggedStream:
    """With `attributeLogs`, each line written while an invocation runs starts with its request id's tag."""

    def __init__(self, stream, channel):
        self.stream = stream
        self.channel = channel
        self.at_line_start = True

    def write(self, text):
        request_id = self.channel.running
        if request_id is None or not text:
            self.at_line_start = text.endswith("\n") if text else self.at_line_start
            return self.stream.write(text)
        tag = TAG_START + TAG_RUNNING + request_id + TAG_END
        lines = text.split("\n")
        tagged = [(tag + line if line and (index > 0 or self.at_line_start) else line) for index, line in enumerate(lines)]
        self.at_line_start = text.endswith("\n")
        self.stream.write("\n".join(tagged))
        return len(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def serve(ipc_fd, load_handler, run_invocation, init_failure):
    """Loads the handler once the init message came, then runs queued invocations one at a time, answering each
    the moment it is known (a later invocation that ends the process loses no earlier answer)."""
    channel = Channel(ipc_fd)
    init = channel.read_message()
    timeout_ms = int(init.get("timeoutMs") or 3000)
    invoked_function_arn = init.get("invokedFunctionArn") or ""
    if init.get("attributeLogs"):
        sys.stdout = TaggedStream(sys.stdout, channel)
        sys.stderr = TaggedStream(sys.stderr, channel)
    try:
        handler = load_handler()
    except Exception:
        error = init_failure(sys.exc_info())
        channel.send({"type": "init-error", "error": to_lambda_error(error)})
        sys.exit(1)
    threading.Thread(target=channel.answer_recalls, daemon=True).start()
    channel.send({"type": "ready", "cpuMicros": int(time.process_time() * 1e6)})
    while True:
        request_id, id_text, event_json = channel.next_invocation()
        channel.running = request_id
        deadline_ms = int(time.time() * 1000) + timeout_ms
        try:
            outcome = run_invocation(handler, request_id, deadline_ms, invoked_function_arn, event_json)
        except BaseException:
            # sys.exit() in the handler: what the earlier invocations answered leaves first.
            channel.running = None
            channel.flush()
            raise
        channel.running = None
        if outcome[0] == "error":
            outcome = ("error", to_lambda_error(outcome[1]))
        channel.send_result(id_text, outcome)


def to_lambda_error(error):
    """The runtime's error document in the channel's terms (protocol.ts: LambdaError)."""
    return {"errorType": error["errorType"], "errorMessage": error["errorMessage"], "trace": error["stackTrace"]}
