#!/usr/bin/env python3
"""hub.py: a hostile hub for hubdesk's tests (issue 15). Python 3 standard library only.

    hub.py serve DIR          listens, writes DIR/ports.json, logs every request to DIR/requests.jsonl
    hub.py q DIR TAG EXPR [ARG...]  prints EXPR (Python) over `reqs`, the logged requests of TAG
    hub.py run [--timeout S] [--stdin F] [--stop-on-re RE] OUT ERR STATS -- CMD...
                              runs CMD bounded in time; STATS gets {rc, elapsed, maxrss_kb, ...}
    hub.py clean FILE...      exit 1 (and says where) if a file holds a raw control character
    hub.py agent DIR          the same requests on stdin, answered one line each (see agent())

Listeners (ports.json): "hub" 127.0.0.1:P (the hub), "other" 127.0.0.1:Q (another origin on
another port), "v6" [::1]:R (another host), "proxy" 127.0.0.1:S (a would-be proxy: it logs
every connection and answers 502). A request on the hub's port whose Host is not
127.0.0.1:P (e.g. localhost:P) is another origin too. Every request is logged with its
listener, "foreign" (true when it reached an origin other than the hub's), headers and body.

The case is the first path segment of the URL: a test points hubdesk at
http://127.0.0.1:P/<case>[.<anything>] and the hub then speaks just enough of the five hubs'
APIs (Keebai, Whapi.Cloud, HubMessage, HydraCore, Chatt2.me; routed by path) to reach the
hostile answer named by <case>. The whole segment (case plus suffix) is the tag the log is
queried by, so every check uses its own tag. Cases (see CASES below):

  ok                           plain, well-formed answers
  redir-CODE-TARGET[-post|-stream]  the request (only POSTs with -post, only the Keebai
                               stream with -stream; never the stream without) answered CODE with a
                               Location to TARGET: same, rel (path only), other (port), localhost,
                               v6, ctrl (other origin, raw ESC/BEL in the URL), ctrlsame,
                               crlf (%0d%0a in the query, same origin), userinfo
                               (http://127.0.0.1:P@127.0.0.1:Q/), file, ftp, nonloop
                               (http://hubdesk-hostile.invalid/), loop (to itself, forever)
  ra-VALUE[-always][-post]     429 with Retry-After VALUE (max, huge, neg, garbage, date, big,
                               one, empty) to the first request (every one with -always; only
                               POSTs with -post), the others plain
  e5xx-CODE[-post]             every request (only POSTs with -post) answered CODE
  drop-mid, drop-early         connection closed mid-body / before any answer
  stall, stall-body            no answer / headers then nothing (bounded: 90 s)
  big-10m, big-10m-chunked, big-1g   a 10 MB body (with / without Content-Length); a 1 GB
                               Content-Length, sent slowly until the client hangs up
  deep, deep-obj, deep-err     [[[[... 100k deep as a 200, inside an object, as a 400's body
  junk-N                       N = 1..8: a malformed or ill-typed body with a 200
  esc                          every displayed string carries ESC sequences, BEL, C1 controls
  esc-err                      a 400 whose code and message carry them (each hub's format)
  nulerr, badutf8err           a 400 whose message holds \\u0000 / an invalid UTF-8 byte
  tok-N[-x]                    401 unless the token (Bearer, else x-api-key; -x: X-Api-Key
                               only) is exactly N bytes
  Keebai QR stream (POST /v1/channels/whatsapp/connect, then GET .../stream):
  sse-retry-huge               retry: 99999999999, a QR, then the stream drops; the next
                               connection gets `connected`
  sse-qr-junk                  QRs with invalid UTF-8, ESC/BEL, C1 controls, then a good one,
                               then `connected`
  sse-err-nul, sse-err-badutf8 an `error` event whose message holds \\u0000 / invalid UTF-8
  sse-esc                      `connected` with escapes in channel_id, phone and name
  sse-deep                     qr events whose data is [[[[... 60k deep, then a good one,
                               then `connected`
  stream-other, stream-localhost, stream-v6   stream_url on another origin (which streams
                               a QR, then `connected`)
"""
import hashlib
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()
STATE_LOCK = threading.Lock()
COUNTS = {}  # tag -> requests served (for first-request-only cases)
STREAMS = {}  # tag -> stream connections
RA_SEEN = {}  # tag -> 429 cases' requests that could get the 429
PORTS = {}
LOG_PATH = None

# Everything a terminal could act on: OSC title, clear screen, BEL, a C1 CSI, NEL, DEL.
ESC_TEXT = "X\x1b]0;pwned\x07\x1b[2J\x9b31m\x85\x7fY"
# What each escaped string looks like when displayed sanitized: the visible letters stay.
STALL_CAP_S = 90


def bump(table, tag):
    with STATE_LOCK:
        table[tag] = table.get(tag, 0) + 1
        return table[tag]


def log_entry(entry):
    with LOG_LOCK:
        with open(LOG_PATH, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def split_case(path):
    """'/redir-307-other.x1/v1/me?y' -> ('redir-307-other', 'redir-307-other.x1', '/v1/me', '?y')"""
    p, _, query = path.partition("?")
    m = re.match(r"^/([^/]*)(/.*)?$", p)
    if not m:
        return "", "", p, ("?" + query) if query else ""
    tag = m.group(1)
    rest = m.group(2) or "/"
    return tag.split(".", 1)[0], tag, rest, ("?" + query) if query else ""


# ---- plain answers, by path ------------------------------------------------------------------

UUID_RE = r"[0-9a-fA-F-]{36}"


def esc(s, hostile):
    return ESC_TEXT + s + ESC_TEXT if hostile else s


def plain_answer(method, rest, body, tag, hostile=False):
    """(code, obj) for the five hubs' calls, by path; hostile=True puts escapes in every string."""
    e = lambda s: esc(s, hostile)  # noqa: E731
    r = rest
    if r.startswith("/after"):
        r = r[len("/after"):] or "/"
    # Keebai
    if r == "/v1/me":
        return 200, {"id": e("usr_hostile"), "email": e("agent@hostile.test"),
                     "company": e("Hostile Inc"), "scopes": ["channels"]}
    if r.startswith("/v1/channels") and method == "GET" and not re.match(r"^/v1/channels/" + UUID_RE, r):
        if r.startswith("/v1/channels/whatsapp/connect/"):
            return 200, {"status": "completed", "channel": {"id": e("ch_signup"), "name": e("Signup"),
                                                            "type": "whatsapp", "is_active": True,
                                                            "phone_number": e("+5511999990001")}}
        return 200, {"data": [
            {"id": e("ch_esc1"), "name": e("Shop"), "type": e("whatsapp"), "is_active": True,
             "phone_number": e("+5511999990000"), "phone_number_id": e("100200300"),
             "business_account_id": e("900800")},
            {"id": "ch_plain2", "name": "Plain Two", "type": "whatsapp", "is_active": False,
             "phone_number": "+5511999990002"}]}
    if r == "/v1/channels/whatsapp/connect" and method == "POST":
        mode = (body or {}).get("mode") if isinstance(body, dict) else None
        if mode == "qr":
            return 201, {"session_id": "ses_hostile", "stream_url": "/%s/stream" % tag, "expires_in": 120}
        return 201, {"session_id": "ses_hostile", "expires_in": 900, "poll_interval": 1,
                     "verification_uri": "http://127.0.0.1:%d/%s/portal" % (PORTS["hub"], tag)}
    if r == "/v1/webhooks" and method == "POST":
        return 201, {"id": e("wh_1"), "url": "https://example.com/h", "events": ["whatsapp.channel.connected"],
                     "secret": "whsec_hostile_secret"}
    # Whapi manager and gate
    if r == "/projects":
        # Whapi ids go into paths: the driver drops an id with controls by design; names do not.
        return 200, {"projects": [{"id": "prj_hostile", "name": e("Main")}]}
    if r == "/channels" and method == "GET":
        return 200, {"channels": [{"id": "WHCH-1", "name": e("Shop"), "projectId": "prj_hostile",
                                   "status": "active", "mode": e("trial"), "phone": e("5511999990000"),
                                   "activeTill": 1893456000000}]}
    if r == "/health":
        return 200, {"status": {"code": 4, "text": e("AUTH")}, "user": {"id": e("5511999990000"), "name": e("Shop")}}
    # HubMessage
    if r == "/v1/channels" and method == "POST":
        return 201, {"id": str(uuid.uuid4())}
    m = re.match(r"^/v1/channels/(" + UUID_RE + r")(/.*)?$", r)
    if m:
        sub = m.group(2) or ""
        if sub == "/connect":
            return 200, {"success": True}
        if sub == "/messages":
            return 201, {"messageId": e("msg_hostile")}
        return 200, {"id": m.group(1), "name": e("Shop"), "status": e("CONNECTED"),
                     "wabaId": e("428083093730937"), "phoneId": e("123456789012345")}
    # HydraCore
    m = re.match(r"^/v1/instances/(" + UUID_RE + r")/channels/whatsapp$", r)
    if m:
        if method == "DELETE":
            return 204, None
        return 200, {"display_phone": e("+61400111222"), "enabled": True, "phone_number_id": e("1234567890"),
                     "status": e("connected"), "verify_token": "hc_vt_hostile",
                     "webhook_url": e("https://hydra.test/webhooks/whatsapp/" + m.group(1))}
    # Chatt2.me
    if re.match(r"^/v1/communication/[a-z]+/message$", r):
        return 200, {"messageId": e("c2msg_hostile"), "status": "sent"}
    if r == "/v1/organization/webhook":
        if method == "POST":
            return 201, {"id": e("c2hook_1"), "eventType": (body or {}).get("eventType", "Message")}
        return 200, []
    return 404, {"error": {"code": "NOT_FOUND", "message": "hostile hub: no such path " + r}}


def error_body(hostile_text):
    """One body that every driver reads its words from: Keebai/Whapi/HubMessage's error object,
    Chatt2.me's errorCode/errorMessage, HydraCore's detail."""
    return {"error": {"code": "HOSTILE_" + "CODE", "message": hostile_text},
            "errorCode": "HOSTILE_CODE", "errorMessage": hostile_text, "detail": hostile_text}


# ---- the handler --------------------------------------------------------------------------

RA_VALUES = {
    "max": "9223372036854775807",
    "huge": "99999999999999999999",
    "neg": "-5",
    "garbage": "soon, maybe",
    "date": "Fri, 31 Dec 9999 23:59:59 GMT",
    "big": "86400",
    "one": "1",
    "empty": "",
}

JUNK = {
    1: b'{"data": [1, 2, ',                      # truncated
    2: b"\x00\xff\xfe garbage \x1b[2J",         # not JSON at all
    3: b"null",
    4: b"[]",
    5: b'{"data": "a string", "channels": 7, "projects": {"x": 1}}',
    6: b'{"data": [{"id": {}, "name": [], "phone_number": 5}, 17, null, "x"]}',
    7: b'{"data": [{"id": "' + b"A" * 200000 + b'", "name": "long"}]}',
    8: b'{"a":1}' * 1000,                          # trailing garbage
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile-hub/1"
    listener = "hub"

    def log_message(self, fmt, *args):
        pass

    # every method the drivers use
    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def own_host(self):
        return "127.0.0.1:%d" % PORTS["hub"]

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = b""
        while len(data) < n:
            chunk = self.rfile.read(min(65536, n - len(data)))
            if not chunk:
                break
            data += chunk
        return data

    def dispatch(self):
        raw = self.read_body()
        case, tag, rest, query = split_case(self.path)
        host = self.headers.get("Host", "")
        foreign = self.listener != "hub" or host != self.own_host()
        try:
            text = raw.decode("utf-8", "replace")
        except Exception:
            text = repr(raw)
        auth = self.headers.get("Authorization")
        entry = {
            "t": time.time(), "listener": self.listener, "foreign": foreign, "host": host,
            "method": self.command, "path": self.path, "case": case, "tag": tag, "rest": rest,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_len": len(raw), "body": text[:4000],
            "auth": auth, "auth_len": len(auth) if auth else 0,
            "auth_sha": hashlib.sha256(auth.encode("latin-1")).hexdigest() if auth else None,
        }
        log_entry(entry)
        try:
            body = json.loads(raw) if raw else None
        except Exception:
            body = None
        n = bump(COUNTS, tag)
        if foreign:
            return self.foreign_answer(rest, tag, body)
        handler = CASES.get(case.split("-")[0])
        if handler and handler(self, case, tag, rest, query, body, n):
            return
        if rest.endswith("/stream") or rest == "/stream":
            return self.stream_plain(tag)
        code, obj = plain_answer(self.command, rest, body, tag, hostile=False)
        self.send_json(code, obj)

    # ---- helpers
    def send_json(self, code, obj, headers=None, ensure_ascii=True):
        data = b"" if obj is None else json.dumps(obj, ensure_ascii=ensure_ascii).encode("utf-8")
        self.send_raw(code, data, headers)

    def send_raw(self, code, data, headers=None, ctype="application/json"):
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def foreign_answer(self, rest, tag, body):
        """Another origin answers like a happy hub: following it would look like a success."""
        if rest.endswith("/stream"):
            return self.sse(tag, [("qr", json.dumps({"qr": "2@FOREIGN,stream", "expires_in": 60, "attempt": 1})),
                                  ("connected", json.dumps({"channel_id": "ch_foreign", "phone_number": "+15550000000"}))])
        code, obj = plain_answer(self.command, rest, body, tag)
        self.send_json(code if code != 404 else 200, obj if code != 404 else {"success": True})

    def wait_client_gone(self, cap_s):
        """Blocks until the client closes the connection or cap_s pass."""
        end = time.time() + cap_s
        sock = self.connection
        while time.time() < end:
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                try:
                    if not sock.recv(4096, socket.MSG_PEEK):
                        return True
                    sock.recv(4096)
                except OSError:
                    return True
        return False

    def sse_head(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def sse(self, tag, events, raw_prefix=b"", hold=False, pause=0.05):
        """Sends the events (type, data) one by one, then closes (or holds the stream)."""
        try:
            self.sse_head()
            if raw_prefix:
                self.wfile.write(raw_prefix)
            for i, (typ, data) in enumerate(events):
                if isinstance(data, str):
                    data = data.encode("utf-8")
                self.wfile.write(b"id: %d\nevent: %s\ndata: " % (i + 1, typ.encode()) + data + b"\n\n")
                self.wfile.flush()
                time.sleep(pause)
            if hold:
                self.wait_client_gone(STALL_CAP_S)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def stream_plain(self, tag):
        n = bump(STREAMS, tag)
        self.sse(tag, [("qr", json.dumps({"qr": "2@HOSTILE%d,plain" % n, "expires_in": 60, "attempt": n})),
                       ("connected", json.dumps({"channel_id": "ch_plain", "phone_number": "+5511999990000",
                                                 "name": "Plain"}))])


# ---- cases -----------------------------------------------------------------------------------

def case_redir(h, case, tag, rest, query, body, n):
    parts = case.split("-")
    code, target = int(parts[1]), parts[2]
    post_only, stream_only = "post" in parts[3:], "stream" in parts[3:]
    if rest.startswith("/after") and target != "loop":
        return False
    if post_only and h.command != "POST":
        return False
    if stream_only != rest.endswith("/stream"):
        return False
    P, Q, R = PORTS["hub"], PORTS["other"], PORTS["v6"]
    path = "/%s/after%s%s" % (tag, rest, query)
    loc = {
        "same": "http://127.0.0.1:%d%s" % (P, path),
        "rel": path,
        "other": "http://127.0.0.1:%d%s" % (Q, path),
        "localhost": "http://localhost:%d%s" % (P, path),
        "v6": "http://[::1]:%d%s" % (R, path),
        "ctrl": "http://127.0.0.1:%d/%s/after\x1b]0;pwned\x07\x1b[2J%s" % (Q, tag, rest),
        "ctrlsame": "/%s/after\x1b]0;pwned\x07%s" % (tag, rest),
        "crlf": "/%s/after%s?x=%%0d%%0aX-Injected:%%20yes%%0d%%0a" % (tag, rest),
        "userinfo": "http://127.0.0.1:%d@127.0.0.1:%d%s" % (P, Q, path),
        "file": "file:///etc/passwd",
        "ftp": "ftp://127.0.0.1:%d%s" % (Q, path),
        "nonloop": "http://hubdesk-hostile.invalid%s" % path,
        "loop": "http://127.0.0.1:%d/%s%s%s" % (P, tag, rest, query),
    }[target]
    h.send_json(code, {"moved": True}, {"Location": loc})
    return True


def case_ra(h, case, tag, rest, query, body, n):
    parts = case.split("-")
    if "post" in parts[2:] and h.command != "POST":
        return False
    if "always" not in parts[2:] and bump(RA_SEEN, tag) > 1:
        return False
    value = RA_VALUES[parts[1]]
    h.send_json(429, {"error": {"code": "THROTTLED", "message": "hostile: slow down"},
                      "errorCode": "THROTTLED", "errorMessage": "hostile: slow down"},
                {"Retry-After": value})
    return True


def case_e5xx(h, case, tag, rest, query, body, n):
    parts = case.split("-")
    if "post" in parts[2:] and h.command != "POST":
        return False
    code = int(parts[1])
    h.send_json(code, error_body("hostile storm %d, answer %d" % (code, n)))
    return True


def case_drop(h, case, tag, rest, query, body, n):
    if case == "drop-early":
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return True
    try:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(b'{"data": [{"id": "ch_cut", "name": "cut he')
        h.wfile.flush()
    except OSError:
        pass
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return True


def case_stall(h, case, tag, rest, query, body, n):
    if case == "stall-body":
        try:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "100")
            h.end_headers()
            h.wfile.write(b'{"data": [')
            h.wfile.flush()
        except OSError:
            return True
    gone = h.wait_client_gone(STALL_CAP_S)
    log_entry({"t": time.time(), "listener": "note", "tag": tag, "case": case, "note": "stall-end",
               "client_gone": gone})
    h.close_connection = True
    return True


def case_big(h, case, tag, rest, query, body, n):
    sent = 0
    try:
        if case == "big-1g":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(1 << 30))
            h.end_headers()
            chunk = b'{"data": [' + b" " * 65526
            end = time.time() + 10
            while time.time() < end and sent < (16 << 20):
                h.wfile.write(chunk)
                sent += len(chunk)
                chunk = b" " * 65536
                time.sleep(0.01)
        elif case == "big-10m-chunked":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            piece = b'{"id": "ch_big", "name": "big"},' * 2000
            h.wfile.write(b"%x\r\n%s\r\n" % (len(b'{"data": ['), b'{"data": ['))
            while sent < (10 << 20):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            h.wfile.write(b"0\r\n\r\n")
        else:
            data = b'{"data": [' + b'{"id": "ch_big", "name": "big"},' * 330000 + b'{"id": "x"}]}'
            h.send_raw(200, data)
            sent = len(data)
    except OSError:
        pass
    log_entry({"t": time.time(), "listener": "note", "tag": tag, "case": case, "note": "big-end", "sent": sent})
    h.close_connection = True
    return True


def case_deep(h, case, tag, rest, query, body, n):
    d = b"[" * 100000
    if case == "deep-obj":
        h.send_raw(200, b'{"data": ' + d)
    elif case == "deep-err":
        h.send_raw(400, b'{"error": ' + d)
    else:
        h.send_raw(200, d + b"]" * 100000)
    return True


def case_junk(h, case, tag, rest, query, body, n):
    h.send_raw(200, JUNK[int(case.split("-")[1])])
    return True


def case_esc(h, case, tag, rest, query, body, n):
    if case == "esc-err":
        h.send_json(400, error_body("the hub says" + ESC_TEXT + "no"), ensure_ascii=False)
        return True
    if rest.endswith("/stream"):
        return False
    code, obj = plain_answer(h.command, rest, body, tag, hostile=True)
    h.send_json(code, obj, ensure_ascii=False)
    return True


def case_nulerr(h, case, tag, rest, query, body, n):
    msg = '"the hub says: kaput\\u0000 after the NUL"'
    d = ('{"error": {"code": "HOSTILE_NUL", "message": %s}, "errorCode": "HOSTILE_NUL", '
         '"errorMessage": %s, "detail": %s}' % (msg, msg, msg))
    h.send_raw(400, d.encode())
    return True


def case_badutf8err(h, case, tag, rest, query, body, n):
    msg = b'"the hub says: kaput \xff\xfe after the bad bytes"'
    d = (b'{"error": {"code": "HOSTILE_UTF8", "message": ' + msg + b'}, "errorCode": "HOSTILE_UTF8", '
         b'"errorMessage": ' + msg + b', "detail": ' + msg + b"}")
    h.send_raw(400, d)
    return True


def case_tok(h, case, tag, rest, query, body, n):
    parts = case.split("-")
    want = int(parts[1])
    auth = h.headers.get("Authorization") or ""
    tok = auth[7:] if auth.startswith("Bearer ") else (h.headers.get("x-api-key") or "")
    if "x" in parts[2:]:
        tok = h.headers.get("x-api-key") or ""
    if len(tok) != want:
        h.send_json(401, {"error": {"code": "UNAUTHORIZED", "message": "token of %d bytes, not %d" % (len(tok), want)},
                          "errorCode": "UNAUTHORIZED", "errorMessage": "token cut", "detail": "token cut"})
        return True
    return False


def qr_json(qr, attempt):
    return json.dumps({"qr": qr, "expires_in": 60, "attempt": attempt})


def case_sse(h, case, tag, rest, query, body, n):
    if not rest.endswith("/stream"):
        return False  # the session start is plain; its stream_url points at /<tag>/stream
    k = bump(STREAMS, tag)
    connected = ("connected", json.dumps({"channel_id": "ch_after", "phone_number": "+5511999990000", "name": "After"}))
    if case == "sse-retry-huge":
        if k == 1:
            h.sse(tag, [("qr", qr_json("2@HOSTILE1,retry", 1))], raw_prefix=b"retry: 99999999999\n\n")
        else:
            h.sse(tag, [connected])
    elif case == "sse-qr-junk":
        events = [("qr", b'{"qr": "2@BAD\xff\xfeUTF8,abc", "expires_in": 60, "attempt": 1}'),
                  ("qr", qr_json("2@ESC\x1b]0;pwned\x07\x1b[2J,abc", 2)),
                  ("qr", qr_json("2@C1\u009b31m\u0085,abc", 3)),
                  ("qr", b"2@RAW\xc2\x9b\x1b[2J\xff,abc"),
                  ("qr", qr_json("2@GOOD,abc", 5))]
        h.sse(tag, events + [connected], pause=0.1)
    elif case == "sse-err-nul":
        h.sse(tag, [("qr", qr_json("2@OK,nul", 1)),
                    ("error", '{"code": "HOSTILE_NUL", "message": "the hub says: kaput\\u0000 after the NUL"}')])
    elif case == "sse-err-badutf8":
        h.sse(tag, [("qr", qr_json("2@OK,utf8", 1)),
                    ("error", b'{"code": "HOSTILE_UTF8", "message": "the hub says: kaput \xff after the bad byte"}')])
    elif case == "sse-esc":
        h.sse(tag, [("qr", qr_json("2@OK,esc", 1)),
                    ("connected", json.dumps({"channel_id": "ch" + ESC_TEXT, "phone_number": "+55" + ESC_TEXT,
                                              "name": "Shop" + ESC_TEXT}, ensure_ascii=False))])
    elif case == "sse-deep":
        h.sse(tag, [("qr", b"[" * 60000), ("qr", b'{"qr": ' + b"[" * 60000), ("qr", qr_json("2@OK,deep", 3)),
                    connected])
    else:
        return False
    return True


def case_stream(h, case, tag, rest, query, body, n):
    if rest == "/v1/channels/whatsapp/connect" and h.command == "POST":
        where = case.split("-", 1)[1]
        origin = {"other": "http://127.0.0.1:%d" % PORTS["other"],
                  "localhost": "http://localhost:%d" % PORTS["hub"],
                  "v6": "http://[::1]:%d" % PORTS["v6"]}[where]
        h.send_json(201, {"session_id": "ses_hostile", "stream_url": "%s/%s/stream" % (origin, tag),
                          "expires_in": 120})
        return True
    return False


CASES = {
    "ok": lambda *a: False,
    "redir": case_redir,
    "ra": case_ra,
    "e5xx": case_e5xx,
    "drop": case_drop,
    "stall": case_stall,
    "big": case_big,
    "deep": case_deep,
    "junk": case_junk,
    "esc": case_esc,
    "nulerr": case_nulerr,
    "badutf8err": case_badutf8err,
    "tok": case_tok,
    "sse": case_sse,
    "stream": case_stream,
}


# ---- servers ---------------------------------------------------------------------------------

class V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def make_server(listener, addr, cls=ThreadingHTTPServer):
    handler = type("Handler_" + listener, (Handler,), {"listener": listener})
    srv = cls(addr, handler)
    srv.daemon_threads = True
    return srv


def proxy_server(sock):
    """Logs each connection (and its first line) and answers 502: a proxy must never be used."""
    def serve(conn):
        conn.settimeout(2)
        first = b""
        try:
            first = conn.recv(4096)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        line = first.split(b"\r\n", 1)[0].decode("latin-1")
        m = re.search(r"https?://[^/]+/([^/ ?]*)", line)
        tag = m.group(1) if m else ""
        log_entry({"t": time.time(), "listener": "proxy", "foreign": True, "first_line": line,
                   "tag": tag, "case": tag.split(".", 1)[0]})
        conn.close()

    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def serve(outdir):
    global LOG_PATH
    LOG_PATH = os.path.join(outdir, "requests.jsonl")
    open(LOG_PATH, "w").close()
    hub = make_server("hub", ("127.0.0.1", 0))
    other = make_server("other", ("127.0.0.1", 0))
    try:
        v6 = make_server("v6", ("::1", 0), V6Server)
    except OSError:
        v6 = None
    px = socket.socket()
    px.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    px.bind(("127.0.0.1", 0))
    px.listen(16)
    PORTS.update(hub=hub.server_address[1], other=other.server_address[1],
                 v6=v6.server_address[1] if v6 else 0, proxy=px.getsockname()[1])
    for srv in (hub, other, v6):
        if srv:
            threading.Thread(target=srv.serve_forever, daemon=True).start()
    threading.Thread(target=proxy_server, args=(px,), daemon=True).start()
    tmp = os.path.join(outdir, "ports.json.tmp")
    with open(tmp, "w") as f:
        json.dump(PORTS, f)
    os.rename(tmp, os.path.join(outdir, "ports.json"))
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    while True:
        time.sleep(3600)


# ---- test-side helpers -------------------------------------------------------------------------

class Log:
    """The request log, read incrementally (it only grows), indexed by tag."""

    def __init__(self, outdir):
        self.path = os.path.join(outdir, "requests.jsonl")
        self.pos = 0
        self.by_tag = {}
        self.all = []

    def refresh(self):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.pos += end
        for line in data[:end].split(b"\n"):
            if line.strip():
                r = json.loads(line)
                self.all.append(r)
                self.by_tag.setdefault(r.get("tag", ""), []).append(r)

    def query(self, tag, expr, args):
        self.refresh()
        if tag.endswith("*"):
            reqs = [r for r in self.all if r.get("tag", "").startswith(tag[:-1])]
        else:
            reqs = list(self.by_tag.get(tag, []))
        hub = [r for r in reqs if r.get("listener") != "note" and not r.get("foreign")]
        foreign = [r for r in reqs if r.get("foreign")]
        notes = [r for r in reqs if r.get("listener") == "note"]
        v = eval(expr, {"reqs": reqs, "hub": hub, "foreign": foreign, "notes": notes, "json": json,
                        "re": re, "args": list(args)})
        return json.dumps(v) if isinstance(v, (dict, list)) else str(v)


def query(outdir, tag, expr, *args):
    print(Log(outdir).query(tag, expr, args))


def run_one(timeout, stdin, stop_re, out, err, stats, cmd):
    """Runs cmd bounded in time; writes stats (rc: -N for a signal) and returns them."""
    t0 = time.time()
    rusage = None
    timed_out = stopped = False
    with open(out, "wb") as fo, open(err, "wb") as fe, open(stdin or os.devnull, "rb") as fi:
        p = subprocess.Popen(cmd, stdin=fi, stdout=fo, stderr=fe)
        # A test that ends early stops its runners: the child goes with them.
        signal.signal(signal.SIGTERM, lambda *a: (p.kill(), os._exit(143)))
        status = None
        while status is None:
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                break
            if stop_re:
                with open(out, "rb") as f1, open(err, "rb") as f2:
                    if stop_re.search(f1.read() + b"\n" + f2.read()):
                        stopped = True
            if time.time() - t0 > timeout:
                timed_out = True
            if stopped or timed_out:
                p.send_signal(signal.SIGTERM)
                end = time.time() + 3
                while status is None and time.time() < end:
                    pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                    if pid:
                        status, rusage = st, ru
                    else:
                        time.sleep(0.02)
                if status is None:
                    p.kill()
                    _, status, rusage = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(status)
    s = {"rc": p.returncode, "elapsed": round(time.time() - t0, 3),
         "maxrss_kb": rusage.ru_maxrss if rusage else 0, "timed_out": timed_out, "stopped": stopped}
    with open(stats, "w") as f:
        json.dump(s, f)
    return s


def parse_run_args(argv):
    """[--timeout S] [--stdin F] [--stop-on-re RE] OUT ERR STATS -- CMD..."""
    timeout, stdin, stop_re = 20.0, None, None
    argv = list(argv)
    while argv and argv[0].startswith("--") and argv[0] != "--":
        opt = argv.pop(0)
        if opt == "--timeout":
            timeout = float(argv.pop(0))
        elif opt == "--stdin":
            stdin = argv.pop(0)
        elif opt == "--stop-on-re":
            stop_re = re.compile(argv.pop(0).encode())
        else:
            raise ValueError("run: unknown option " + opt)
    out, err, stats = argv[0], argv[1], argv[2]
    if argv[3] != "--":
        raise ValueError("run: -- expected")
    return timeout, stdin, stop_re, out, err, stats, argv[4:]


def run(argv):
    run_one(*parse_run_args(argv))


def agent(outdir):
    """Answers the test's requests on stdin, so that a check costs no Python start-up. Each
    request: a line with N, then N lines (the arguments); each answer: one line, "OK <text>"
    or "ERR <text>". Requests: q TAG EXPR ARG... | run ARGS (as `run`; its output is appended
    to DIR/all-output) | stats STATS OUT ERR (a `run`'s, the same) | grep FLAGS RE FILE... |
    oneline FILE | clean FILE... | jsonlines FILE | waits FILE LO HI | dump OUT ERR DEST."""
    log = Log(outdir)
    log.outdir = outdir
    inp = sys.stdin
    while True:
        line = inp.readline()
        if not line:
            return
        n = int(line)
        args = [inp.readline().rstrip("\n") for _ in range(n)]
        try:
            out = agent_one(log, args)
            reply = "OK " + out
        except SystemExit as e:
            reply = "ERR " + str(e)
        except Exception as e:  # noqa: BLE001 (the test prints it)
            reply = "ERR %s: %s" % (type(e).__name__, e)
        sys.stdout.write(reply.replace("\n", " | ") + "\n")
        sys.stdout.flush()


def agent_one(log, args):
    cmd = args[0]
    if cmd == "q":
        return log.query(args[1], args[2], args[3:])
    if cmd in ("run", "stats"):
        if cmd == "run":
            parsed = parse_run_args(args[1:])
            s = run_one(*parsed)
            out, err = parsed[3], parsed[4]
        else:
            with open(args[1]) as f:
                s = json.load(f)
            out, err = args[2], args[3]
        with open(os.path.join(log.outdir, "all-output"), "ab") as f:  # checked for secrets
            for fn in (out, err):
                with open(fn, "rb") as g:
                    f.write(g.read())
        rc = s["rc"]
        return "%d %s %d %d %d" % (128 - rc if rc < 0 else rc, s["elapsed"], s["timed_out"], s["stopped"],
                                   s["maxrss_kb"])
    if cmd == "grep":
        flags = re.M | (re.I if "i" in args[1] else 0)
        rx = re.compile(args[2].encode(), flags)
        for fn in args[3:]:
            with open(fn, "rb") as f:
                m = rx.search(f.read())
            if m:
                data = m.string
                start = data.rfind(b"\n", 0, m.start()) + 1
                end = data.find(b"\n", m.end())
                line = data[start:end if end >= 0 else len(data)]
                return "1 " + repr(line.decode("utf-8", "backslashreplace"))[1:-1][:200]
        return "0"
    if cmd == "oneline":
        lines = open(args[1], "rb").read().decode("utf-8", "replace").split("\n")
        heads = [l for l in lines if l.startswith("hubdesk: ")]
        if not lines[0].startswith("hubdesk: ") or len(heads) != 1:
            return "%d 'hubdesk:' line(s), the first line: %r" % (len(heads), lines[0][:80])
        return ""
    if cmd == "clean":
        return clean_text(args[1:])
    if cmd == "dump":
        with open(args[3], "w", encoding="utf-8") as f:
            f.write(dump_text(args[1], args[2]))
        return ""
    if cmd == "jsonlines":
        for i, l in enumerate(open(args[1], "rb").read().split(b"\n"), 1):
            if l.strip():
                try:
                    json.loads(l)
                except ValueError:
                    return "line %d is not JSON: %r" % (i, l[:100])
        return ""
    if cmd == "waits":
        lo, hi = int(args[2]), int(args[3])
        for l in open(args[1], "rb").read().split(b"\n"):
            try:
                o = json.loads(l)
            except ValueError:
                continue
            if isinstance(o, dict) and o.get("event") == "waiting":
                w = o.get("wait_ms")
                if not isinstance(w, int) or w < lo or w > hi:
                    return "a waiting event says wait_ms %r, want %d..%d: %s" % (w, lo, hi, o.get("message", "")[:100])
        return ""
    raise ValueError("unknown request " + cmd)


BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def clean_text(files):
    """'' if no file holds a raw control character, else where the first one is."""
    for fn in files:
        text = open(fn, "rb").read().decode("utf-8", "replace")
        for i, line in enumerate(text.split("\n"), 1):
            m = BAD_CHARS.search(line)
            if m:
                return "%s:%d: raw control U+%04X in: %r" % (os.path.basename(fn), i, ord(m.group(0)), line[:160])
    return ""


def dump_text(out, err):
    """A failed case's output, made safe to print: controls as escapes, empty lines dropped."""
    text = ""
    for tag, fn in (("stdout", out), ("stderr", err)):
        try:
            data = open(fn, "rb").read()
        except OSError:
            continue
        lines = [l for l in data.split(b"\n") if l.strip()]
        for l in lines[:24]:
            text += "     %s| %s\n" % (tag, repr(l.decode("utf-8", "backslashreplace"))[1:-1][:200])
        if len(lines) > 24:
            text += "     %s| ... (%d lines)\n" % (tag, len(lines))
    return text


def clean(files):
    why = clean_text(files)
    if why:
        print(why)
    sys.exit(1 if why else 0)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(args[0])
    elif cmd == "q":
        query(*args)
    elif cmd == "run":
        run(args)
    elif cmd == "clean":
        clean(args)
    elif cmd == "agent":
        agent(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
