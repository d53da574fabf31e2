#!/usr/bin/env python3
"""bench/soak.sh's client for sign-ins and bad requests, beside wrk's reads, writes and reports.

Two threads, over raw sockets (so that a request can be exactly as malformed as meant):
- sign-ins, one every --sign-in-every seconds (under the server's 30 a minute from one address):
  a good one for --good-user (then GET /api/v1/me with its token, sign-out, and /me again with the
  signed-out token, which must be refused at once), an unknown username, a wrong password for
  --locked-user (which locks it after five: 423 from then on) and a body that is not JSON;
- bad requests at --bad-rate a second, in turn: malformed JSON, JSON that is not an object,
  invalid UTF-8 in a body, a query string and a header, a string field over 65,536 bytes, an
  unknown route, a method a route does not answer, bad ids, a missing or unknown token, an
  unknown purpose of use, an oversized body (by Content-Length and chunked), a request that is not
  HTTP, raw bytes in the request target.
Each answer is counted by the request's kind and the status (0: no answer: the connection failed
or the answer was not HTTP). Writes {"counts": {kind: {status: n}}, "samples": {"kind status":
body}} to --out at the end; bench/soak_summary.py judges the statuses.
"""
import argparse
import json
import select
import signal
import socket
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--seconds", type=float, required=True)
ap.add_argument("--token", required=True, help="a signed-in member of staff's bearer token")
ap.add_argument("--person", required=True, help="a person on that member of staff's caseload")
ap.add_argument("--good-user", default="hvisitor")
ap.add_argument("--locked-user", default="otherapist")
ap.add_argument("--password", default="jointcare-demo")
ap.add_argument("--sign-in-every", type=float, default=2.5)
ap.add_argument("--bad-rate", type=float, default=40.0)
ap.add_argument("--out", required=True)
args = ap.parse_args()

HOST = "127.0.0.1"
MIB = 1024 * 1024
lock = threading.Lock()
counts = {}
samples = {}


def record(kind, status, body=b""):
    with lock:
        by_status = counts.setdefault(kind, {})
        by_status[str(status)] = by_status.get(str(status), 0) + 1
        key = f"{kind} {status}"
        if key not in samples:
            samples[key] = body[:300].decode("utf-8", "replace").replace("\r", " ").replace("\n", " ")


class NoAnswer(Exception):
    pass


def read_answer(sock, deadline):
    """One HTTP response from sock: (status, headers, body). Raises NoAnswer."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = recv(sock, deadline)
        if not chunk:
            raise NoAnswer("closed before the answer" if not data else "closed in the headers")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise NoAnswer("not an HTTP answer: " + repr(lines[0][:60]))
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = recv(sock, deadline)
        if not chunk:
            raise NoAnswer("closed in the body")
        rest += chunk
    return int(parts[1]), headers, rest[:length]


def recv(sock, deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise NoAnswer("no answer within the timeout")
    sock.settimeout(left)
    try:
        return sock.recv(65536)
    except socket.timeout:
        raise NoAnswer("no answer within the timeout")
    except OSError as e:
        raise NoAnswer(f"connection failed: {e}")


class Client:
    """A keep-alive connection, opened again when the server closes it."""

    def __init__(self, timeout=10.0):
        self.sock = None
        self.timeout = timeout

    def connect(self):
        s = socket.create_connection((HOST, args.port), timeout=self.timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def exchange(self, raw, fresh=False):
        """Sends raw bytes and reads one answer: (status, headers, body); status 0 for no answer.
        fresh: on a connection of its own, closed afterwards (the server may close it anyway)."""
        try:
            sock = self.connect() if fresh else self.sock or self.connect()
        except OSError as e:
            return 0, {}, f"could not connect: {e}".encode()
        if not fresh:
            self.sock = sock
        deadline = time.monotonic() + self.timeout
        try:
            try:
                sock.sendall(raw)
            except OSError:
                pass  # the server may have answered and closed already: read what it said
            status, headers, body = read_answer(sock, deadline)
            if fresh or headers.get("connection", "").lower() == "close":
                self.drop(sock)
            return status, headers, body
        except (NoAnswer, OSError) as e:
            self.drop(sock)
            return 0, {}, str(e).encode()

    def streamed(self, head, pieces):
        """An oversized request on a connection of its own: the head, then the pieces one at a time
        until the server answers (as it should before the body is all sent)."""
        try:
            sock = self.connect()
        except OSError as e:
            return 0, {}, f"could not connect: {e}".encode()
        deadline = time.monotonic() + self.timeout
        try:
            try:
                sock.sendall(head)
                for piece in pieces:
                    readable, _, _ = select.select([sock], [], [], 0.002)
                    if readable:
                        break
                    sock.sendall(piece)
            except OSError:
                pass
            return read_answer(sock, deadline)
        except (NoAnswer, OSError) as e:
            return 0, {}, str(e).encode()
        finally:
            sock.close()

    def drop(self, sock):
        sock.close()
        if sock is self.sock:
            self.sock = None


def request(method, target, headers=(), body=None, token=None, content_type="application/json"):
    """The bytes of an HTTP/1.1 request; body and target may be bytes (to carry invalid UTF-8)."""
    if isinstance(target, str):
        target = target.encode()
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    if token:
        lines.append(b"Authorization: Bearer " + token.encode())
    for h in headers:
        lines.append(h if isinstance(h, bytes) else h.encode())
    if body is not None:
        if isinstance(body, str):
            body = body.encode()
        lines.append(b"Content-Type: " + content_type.encode())
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def json_body(obj):
    return json.dumps(obj).encode()


stop_at = time.monotonic() + args.seconds
stopping = threading.Event()  # set on SIGTERM (bench/soak.sh stops the load early when the server is gone)
signal.signal(signal.SIGTERM, lambda *_: stopping.set())


def running():
    return not stopping.is_set() and time.monotonic() < stop_at


def sign_ins():
    c = Client()
    step = 0
    nobody = 0
    next_at = time.monotonic()
    while True:
        next_at += args.sign_in_every
        kind = ("good", "unknown_user", "bad_password", "good", "malformed")[step % 5]
        step += 1
        if kind == "good":
            status, _, body = c.exchange(request("POST", "/api/v1/session",
                                                 body=json_body({"username": args.good_user, "password": args.password})))
            record("sign_in.good", status, body)
            if status == 200:
                token = json.loads(body)["token"]
                status, _, body = c.exchange(request("GET", "/api/v1/me", token=token))
                record("session.me", status, body)
                status, _, body = c.exchange(request("DELETE", "/api/v1/session", token=token))
                record("session.sign_out", status, body)
                status, _, body = c.exchange(request("GET", "/api/v1/me", token=token))
                record("session.after_sign_out", status, body)
        elif kind == "unknown_user":
            nobody += 1
            status, _, body = c.exchange(request("POST", "/api/v1/session",
                                                 body=json_body({"username": f"soak-nobody-{nobody}", "password": "guess"})))
            record("sign_in.unknown_user", status, body)
        elif kind == "bad_password":
            status, _, body = c.exchange(request("POST", "/api/v1/session",
                                                 body=json_body({"username": args.locked_user, "password": "wrong-password"})))
            record("sign_in.bad_password", status, body)
        else:
            # Alternately not JSON at all and a password that is not UTF-8.
            raw = b'{"username": "dnurse", "password": ' if step % 2 else b'{"username":"dnurse","password":"\xff\xfe"}'
            status, _, body = c.exchange(request("POST", "/api/v1/session", body=raw))
            record("sign_in.malformed", status, body)
        if next_at >= stop_at or stopping.wait(max(0.0, next_at - time.monotonic())):
            break
    c.close()


def bad_requests():
    tok, person = args.token, args.person
    notes = f"/api/v1/persons/{person}/notes"
    big_field = json_body({"category": "visit", "sensitivity": "normal", "body": "x" * 70000})
    piece = b"x" * (64 * 1024)
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    # kind, how: ("one", raw bytes) on the keep-alive connection; ("fresh", raw) on a connection of
    # its own; ("stream", head, pieces) for oversized bodies.
    cases = [
        ("bad.malformed_json", "one", request("POST", notes, token=tok, body='{"category": "visit", "body": ')),
        ("bad.json_not_object", "one", request("POST", notes, token=tok, body="[1, 2, 3]")),
        ("bad.invalid_utf8_body", "one", request("POST", notes, token=tok,
                                                 body=b'{"category":"visit","sensitivity":"normal","body":"caf\xc3\x28 \xff"}')),
        ("bad.invalid_utf8_query", "one", request("GET", "/api/v1/persons?family_name=%FF%FE&given_name=Ann", token=tok)),
        ("bad.invalid_utf8_header", "one", request("GET", f"/api/v1/persons/{person}", token=tok,
                                                   headers=[b"X-Purpose-Of-Use: TRE\xffAT"])),
        ("bad.field_too_long", "one", request("POST", notes, token=tok, body=big_field)),
        ("bad.wrong_field_type", "one", request("POST", "/api/v1/referrals", token=tok,
                                                body='{"person_id": "abc", "to_team_id": -4, "reason": "x"}')),
        ("bad.unknown_route", "one", request("GET", "/api/v1/no-such-thing", token=tok)),
        ("bad.unknown_route_unauthenticated", "one", request("GET", "/api/v2/persons")),
        ("bad.wrong_method", "one", request("PUT", "/api/v1/area", token=tok, body="{}")),
        ("bad.bad_id", "one", request("GET", "/api/v1/persons/abc", token=tok)),
        ("bad.bad_id", "one", request("GET", "/api/v1/persons/0", token=tok)),
        ("bad.bad_id", "one", request("GET", "/api/v1/persons/-7/notes", token=tok)),
        ("bad.bad_id", "one", request("GET", "/api/v1/persons/99999999999999999999999", token=tok)),
        ("bad.control_char_path", "one", request("GET", "/api/v1/referrals/%00", token=tok)),
        ("bad.missing_token", "one", request("GET", f"/api/v1/persons/{person}")),
        ("bad.missing_token", "one", request("POST", notes, body='{"category":"visit","body":"no token"}')),
        ("bad.unknown_token", "one", request("GET", f"/api/v1/persons/{person}", token="not-a-token-" + "0" * 40)),
        ("bad.invalid_purpose", "one", request("GET", f"/api/v1/persons/{person}", token=tok,
                                               headers=["X-Purpose-Of-Use: NOSUCHPURPOSE"])),
        ("bad.oversized_length", "stream",
         request("POST", notes, token=tok, headers=["Content-Type: application/json",
                                                    f"Content-Length: {2 * MIB}"]),
         [piece] * 32),
        ("bad.oversized_chunked", "stream",
         request("POST", notes, token=tok, headers=["Content-Type: application/json",
                                                    "Transfer-Encoding: chunked"]),
         [chunk] * 24 + [b"0\r\n\r\n"]),
        ("bad.not_http", "fresh", b"HELLO THERE\r\n\r\n"),
        ("bad.raw_bytes_target", "fresh", request("GET", b"/api/v1/persons?family_name=\xff\xfe", token=tok)),
    ]
    c = Client()
    i = 0
    start = time.monotonic()
    while running():
        case = cases[i % len(cases)]
        i += 1
        kind, how = case[0], case[1]
        if how == "one":
            status, _, body = c.exchange(case[2])
        elif how == "fresh":
            status, _, body = c.exchange(case[2], fresh=True)
        else:
            status, _, body = c.streamed(case[2], case[3])
        record(kind, status, body)
        wait = start + i / args.bad_rate - time.monotonic()
        if wait > 0:
            stopping.wait(wait)
    c.close()


def guarded(work):
    """A thread's failure is the client's, counted as an unexpected answer (kind client.error)."""
    def run():
        try:
            work()
        except Exception as e:
            record("client.error", 0, f"{work.__name__}: {type(e).__name__}: {e}".encode())
            raise
    return run


workers = [threading.Thread(target=guarded(sign_ins)), threading.Thread(target=guarded(bad_requests))]
for w in workers:
    w.start()
for w in workers:
    w.join()
with open(args.out, "w") as f:
    json.dump({"counts": counts, "samples": samples}, f, indent=1, sort_keys=True)
