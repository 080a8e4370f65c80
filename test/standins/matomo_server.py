#!/usr/bin/python3
"""Stand-in for a Matomo server's tracking and Reporting API (see shared/protocols/matomo.md).

Python 3 standard library only; run with /usr/bin/python3.

  matomo_server.py [--host 127.0.0.1] [--port 0] [--token TOKEN] [--site ID=MAIN_URL]...
      [--hits FILE] [--mode MODE]... [--bad-token-status 401] [--verbose]
It prints `matomo stand-in listening on http://HOST:PORT` once it accepts connections
(--port 0 picks a free port). Sites default to 1=https://example.org.

Bulk tracking: POST /matomo.php or /piwik.php (any query), body
  {"token_auth": TOKEN, "requests": [hit, ...]}, a hit being an object of parameters or a query
  string "?idsite=1&rec=1&..." (a string without "?" is dropped, as Matomo does). A wrong or
  missing token gets HTTP --bad-token-status with {"status": "error", "message": "token_auth
  ..."}; a body that is not such JSON gets 400 "Is the BulkTracking plugin disabled?". Else each
  hit whose idsite is a known site is stored (tracked); others are invalid. The answer is
  200 {"status": "success", "tracked": N, "invalid": M, "invalid_indices": [...]}.
Modes, set by --mode or POST /control/mode {"mode": NAME, "value": V}:
  normal            as above
  error500          HTTP 500 {"status": "error", "tracked": N, "invalid": M}, nothing stored
  gif               HTTP 200 image/gif (a queued-tracking plugin), nothing stored
  slow=MS           sleeps MS milliseconds, then answers normally
  shortfall=K       every K-th hit (counted over the server's life) is silently skipped:
                    neither stored nor counted (MySQL lock wait timeouts)
  fast              checks the token by prefix and counts hits without parsing them (for
                    benchmarks); nothing stored
  fail_next=N       the next N bulk requests get the error500 answer (on top of the mode)
  reset             normal, and no failures queued
Every stored hit (an object; query strings become objects) is kept in memory and, with --hits,
appended to FILE as one JSON line.

Reporting API: POST (form) or GET /index.php with module=API&method=SitesManager.getSiteFromId
  &idSite=N&format=json&token_auth=T returns {"idsite": "N", "name": ..., "main_url": ...} or
  Matomo's error JSON {"result": "error", "message": ...} (HTTP 200) for a wrong token or an
  unknown site.

Control (no token, never stored):
  GET    /control/hits      [hit, ...] every stored hit, in arrival order
  DELETE /control/hits      forgets them
  GET    /control/stats     {"requests", "hits_received", "tracked", "invalid", "skipped",
                            "in_flight", "max_in_flight", "mode", "fail_next"}
  GET    /control/requests  [{"path", "status", "hits", "user_agent", "content_type"}, ...]
  POST   /control/mode      {"mode": NAME, "value": V}; {"mode": "fail_next", "value": N} adds
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
       b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.token = args.token
        self.sites = {}
        for s in args.site or ["1=https://example.org"]:
            idsite, _, url = s.partition("=")
            self.sites[int(idsite)] = url
        self.bad_token_status = args.bad_token_status
        self.hits_file = open(args.hits, "a", encoding="utf-8") if args.hits else None
        self.mode, self.value, self.fail_next = "normal", 0, 0
        for m in args.mode or []:
            name, _, value = m.partition("=")
            self.set_mode(name, int(value) if value else 0)
        self.hits = []
        self.requests = []
        self.stats = {"requests": 0, "hits_received": 0, "tracked": 0, "invalid": 0,
                      "skipped": 0, "in_flight": 0, "max_in_flight": 0}
        self.hit_counter = 0  # for shortfall

    def set_mode(self, name, value):
        if name == "fail_next":
            self.fail_next += value
        elif name == "reset":
            self.mode, self.value, self.fail_next = "normal", 0, 0
        elif name in ("normal", "error500", "gif", "slow", "shortfall", "fast"):
            self.mode, self.value = name, value
        else:
            raise ValueError("unknown mode " + name)


def hit_object(hit):
    """The hit as an object, or None when Matomo would drop it."""
    if isinstance(hit, dict):
        return hit
    if isinstance(hit, str) and "?" in hit:
        return {k: v[-1] for k, v in parse_qs(hit.split("?", 1)[1], keep_blank_values=True).items()}
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MatomoStandin/1.0"
    disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK stalls)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("%s\n" % (fmt % args))

    def reply(self, status, body, content_type="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        path = urlsplit(self.path).path
        st = self.server.state
        if path == "/control/hits":
            with st.lock:
                return self.reply(200, st.hits)
        if path == "/control/stats":
            with st.lock:
                return self.reply(200, dict(st.stats, mode=st.mode, fail_next=st.fail_next))
        if path == "/control/requests":
            with st.lock:
                return self.reply(200, st.requests)
        if path in ("/index.php", "/"):
            return self.api(parse_qs(urlsplit(self.path).query))
        self.reply(404, {"message": "not found"})

    def do_DELETE(self):
        st = self.server.state
        if urlsplit(self.path).path == "/control/hits":
            with st.lock:
                st.hits = []
            return self.reply(200, {"ok": True})
        self.reply(404, {"message": "not found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        body = self.body()
        st = self.server.state
        if path == "/control/mode":
            try:
                doc = json.loads(body)
                with st.lock:
                    st.set_mode(doc["mode"], int(doc.get("value", 0)))
            except (ValueError, KeyError) as e:
                return self.reply(400, {"message": str(e)})
            return self.reply(200, {"ok": True})
        if path in ("/matomo.php", "/piwik.php"):
            with st.lock:
                st.stats["in_flight"] += 1
                st.stats["max_in_flight"] = max(st.stats["max_in_flight"], st.stats["in_flight"])
            try:
                return self.track(body)
            finally:
                with st.lock:
                    st.stats["in_flight"] -= 1
        if path in ("/index.php", "/"):
            query = parse_qs(urlsplit(self.path).query)
            query.update(parse_qs(body.decode("utf-8", "replace")))
            return self.api(query)
        self.reply(404, {"message": "not found"})

    def note(self, status, hits):
        st = self.server.state
        st.requests.append({"path": self.path, "status": status, "hits": hits,
                            "user_agent": self.headers.get("User-Agent", ""),
                            "content_type": self.headers.get("Content-Type", "")})

    def track(self, body):
        st = self.server.state
        with st.lock:
            st.stats["requests"] += 1
            mode, value = st.mode, st.value
            failing = st.fail_next > 0
            if failing:
                st.fail_next -= 1
        if mode == "fast" and not failing:
            return self.track_fast(body)
        if mode == "slow":
            time.sleep(value / 1000.0)
        try:
            doc = json.loads(body)
            hits = doc["requests"]
            if not isinstance(doc, dict) or not isinstance(hits, list):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            with st.lock:
                self.note(400, 0)
            return self.reply(400, b"Is the BulkTracking plugin disabled?", "text/plain")
        if doc.get("token_auth") != st.token:
            with st.lock:
                self.note(st.bad_token_status, len(hits))
            return self.reply(st.bad_token_status, {
                "status": "error", "tracked": 0, "invalid": 0,
                "message": "token_auth specified does not have Admin permission for this site"})
        return self.track_hits(hits, mode, value, failing)

    def track_hits(self, hits, mode, value, failing):
        st = self.server.state
        with st.lock:
            st.stats["hits_received"] += len(hits)
            stored, invalid = [], []
            for i, h in enumerate(hits):
                obj = hit_object(h)
                if obj is None:
                    continue
                try:
                    known = int(obj.get("idsite", 0)) in st.sites
                except (TypeError, ValueError):
                    known = False
                if not known:
                    invalid.append(i)
                    continue
                st.hit_counter += 1
                if mode == "shortfall" and value > 0 and st.hit_counter % value == 0:
                    st.stats["skipped"] += 1
                    continue
                stored.append(obj)
            if failing or mode == "error500":
                self.note(500, len(hits))
                answer = (500, {"status": "error", "tracked": len(stored), "invalid": len(invalid)})
            elif mode == "gif":
                self.note(200, len(hits))
                answer = None
            else:
                st.hits.extend(stored)
                st.stats["tracked"] += len(stored)
                st.stats["invalid"] += len(invalid)
                if st.hits_file:
                    st.hits_file.write("".join(json.dumps(h) + "\n" for h in stored))
                    st.hits_file.flush()
                self.note(200, len(hits))
                answer = (200, {"status": "success", "tracked": len(stored),
                                "invalid": len(invalid), "invalid_indices": invalid})
        if answer is None:
            return self.reply(200, GIF, "image/gif")
        return self.reply(*answer)

    def track_fast(self, body):
        st = self.server.state
        prefix = b'{"token_auth":' + json.dumps(st.token).encode() + b","
        if not body.startswith(prefix):
            return self.reply(st.bad_token_status, {"status": "error", "message": "token_auth"})
        # Inside JSON strings a quote is escaped, so `{"` opens an object: the body plus each hit.
        n = max(0, body.count(b'{"') - 1)
        with st.lock:
            st.stats["hits_received"] += n
            st.stats["tracked"] += n
        return self.reply(200, b'{"status":"success","tracked":%d,"invalid":0}' % n)

    def api(self, query):
        st = self.server.state
        q = {k: v[-1] for k, v in query.items()}
        method = q.get("method", "")
        if q.get("module") != "API" or method != "SitesManager.getSiteFromId":
            return self.reply(200, {"result": "error", "message":
                                    "The method '%s' does not exist or is not available" % method})
        idsite = q.get("idSite", "")
        if q.get("token_auth") != st.token:
            return self.reply(200, {"result": "error", "message":
                                    "You can't access this resource as it requires 'view' access "
                                    "for the website id = %s." % idsite})
        try:
            url = st.sites[int(idsite)]
        except (KeyError, ValueError):
            return self.reply(200, {"result": "error", "message":
                                    "An unexpected website was found in the request: website id "
                                    "was set to '%s' ." % idsite})
        return self.reply(200, {"idsite": str(idsite), "name": urlsplit(url).netloc,
                                "main_url": url, "timezone": "UTC", "currency": "USD",
                                "ts_created": "2015-01-01 00:00:00", "type": "website"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    p = argparse.ArgumentParser(description="Matomo stand-in")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", default="standin-token-0123456789abcdef")
    p.add_argument("--site", action="append", help="ID=MAIN_URL (repeatable)")
    p.add_argument("--hits", help="append every stored hit to this file as JSON lines")
    p.add_argument("--mode", action="append", help="NAME[=VALUE] (repeatable)")
    p.add_argument("--bad-token-status", type=int, default=401)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    server = Server((args.host, args.port), Handler)
    server.state = State(args)
    server.verbose = args.verbose
    print("matomo stand-in listening on http://%s:%d" % (args.host, server.server_address[1]),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
