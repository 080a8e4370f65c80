#!/usr/bin/python3
"""Stand-in for a WeNet platform instance and its logger (see shared/protocols/wenet.md).

Python 3 standard library only; run with /usr/bin/python3. Writes nothing to disk.

  wenet_server.py --data FILE [--host 127.0.0.1] [--port 0] [--api-key KEY]
      [--prefix /prod] [--compute-delay 0.3] [--verbose]
It prints `wenet stand-in listening on http://HOST:PORT` once it accepts connections (--port 0
picks a free port). The data set format is in wenet_data.py. The instance URL is
http://HOST:PORT + --prefix.

API (every call needs `x-wenet-component-apikey: KEY`, else 401 {"status": "invalid key <the
key given>", "code": 401}, the key echoed so clients' scrubbing can be checked; errors are
{"status": text, "code": N}):
  GET    /hub/frontend/data/app/{app}/user[?fromTs=&toTs=]  both bounds: fromTs <= enabled <= toTs
  GET    /hub/frontend/data/app/{app}                        details; 404 unknown app
  GET    /profile_manager/profiles/{id}                      200, or 202 for ids in profiles_202
  GET    /task_manager/tasks?appId=&creationFrom=&creationTo=&requesterId=&offset=&limit=
  GET    /task_manager/taskTransactions?appId=&creationFrom=&creationTo=&taskId=&label=
                                        &actioneerId=&offset=&limit=
         {offset, total, tasks|transactions}; creation bounds inclusive on _creationTs; a
         parameter given without a value is a 400
  GET    /incentive_server/api/UsersCohorts/
  POST   /logger/analytic            body = descriptor -> {"id"}; 400 empty or malformed
  POST   /logger/analytic/compute?id= -> {}; the result appears --compute-delay seconds later
  GET    /logger/analytic?id=        {"id", "descriptor", "result"|null}; 404 unknown
  DELETE /logger/analytic?id=        {}; 404 unknown
  GET    /logger/messages?project=&fromTime=&toTime=[&userId=&channel=&type=][&maxSize=]
         fromTime <= timestamp <= toTime, sorted by timestamp; maxSize 1..10000 (default 1000);
         400 for a missing or bad time, a trailing Z, fromTime > toTime
Control (no key, never logged):
  POST   /control/fail    {"path": prefix, "status": 500, "count": 1 (-1: always)}
  POST   /control/slow    {"path": prefix, "ms": N, "count": 1 (-1: always)}
  POST   /control/never_compute  {"on": true}: /compute never produces a result
  POST   /control/total_shift    {"delta": 1, "count": 1}: task manager replies report total+delta
  DELETE /control/faults  clears the rules above
  GET    /control/analytics      [{"id", "descriptor", "result"}] still stored
  GET    /control/calls          [{"method", "path", "query", "headers", "status"}], oldest first
  DELETE /control/calls
  GET    /control/stats          {"calls", "in_flight", "max_in_flight"}
"""

import argparse
import datetime
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import wenet_data
from wenet_data import DataSet, parse_iso

LISTINGS = {"/task_manager/tasks": "tasks", "/task_manager/taskTransactions": "transactions"}


class ApiError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, options, data):
        super().__init__(address, Handler)
        self.options = options
        self.data = data
        self.lock = threading.Lock()
        self.analytics = {}
        self.calls = []
        self.rules = []  # {"kind": "fail"|"slow"|"total_shift", "path", "count", ...}
        self.never_compute = False
        self.in_flight = 0
        self.max_in_flight = 0

    def take_rule(self, kind, path):
        with self.lock:
            for rule in self.rules:
                if rule["kind"] == kind and path.startswith(rule.get("path", "")) and rule["count"] != 0:
                    if rule["count"] > 0:
                        rule["count"] -= 1
                    return rule
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if self.server.options.verbose:
            sys.stderr.write("wenet stand-in: " + (fmt % args) + "\n")

    def send_json(self, status, doc):
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if path.startswith("/control/"):
            return self.control(method, path, body)
        prefix = self.server.options.prefix
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix):]
        srv = self.server
        with srv.lock:
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
        try:
            status, doc = self.answer(method, path, query, body)
        except ApiError as e:
            status, doc = e.status, {"status": str(e), "code": e.status}
        finally:
            with srv.lock:
                srv.in_flight -= 1
        with srv.lock:
            srv.calls.append({"method": method, "path": path, "query": query, "status": status,
                              "headers": {k.lower(): v for k, v in self.headers.items()}})
        self.send_json(status, doc)

    def answer(self, method, path, query, body):
        srv = self.server
        key = self.headers.get("x-wenet-component-apikey")
        if key != srv.options.api_key:
            raise ApiError(401, "invalid key %s" % key)
        slow = srv.take_rule("slow", path)
        if slow:
            time.sleep(slow.get("ms", 1000) / 1000.0)
        fail = srv.take_rule("fail", path)
        if fail:
            raise ApiError(fail.get("status", 500), "injected failure")
        if path.startswith("/logger/"):
            return self.logger(method, path[len("/logger"):], query, body)
        if method != "GET":
            raise ApiError(405, "method not allowed")
        return self.platform(path, query)

    def platform(self, path, query):
        data = self.server.data
        parts = path.strip("/").split("/")
        if parts[:4] == ["hub", "frontend", "data", "app"] and len(parts) in (5, 6):
            app = parts[4]
            if app not in data.apps:
                raise ApiError(404, "unknown app %s" % app)
            if len(parts) == 5:
                return 200, data.apps[app].get("details", {"id": app})
            if parts[5] != "user":
                raise ApiError(404, "no such path")
            return 200, data.app_users(app, int_arg(query, "fromTs"), int_arg(query, "toTs"))
        if parts[:2] == ["profile_manager", "profiles"] and len(parts) == 3:
            if parts[2] not in data.profiles:
                raise ApiError(404, "unknown profile %s" % parts[2])
            return (202 if parts[2] in data.profiles_202 else 200), data.profiles[parts[2]]
        if path in LISTINGS:
            return 200, self.listing(path, query)
        if path.rstrip("/") == "/incentive_server/api/UsersCohorts":
            return 200, data.cohorts
        raise ApiError(404, "no such path")

    def listing(self, path, query):
        for k, v in query.items():
            if v == "":
                raise ApiError(400, "parameter %s has no value" % k)
        data = self.server.data
        key = LISTINGS[path]
        items = data.tasks if key == "tasks" else data.transactions
        task_app = {t.get("id"): t.get("appId") for t in data.tasks}
        lo, hi = int_arg(query, "creationFrom"), int_arg(query, "creationTo")
        picked = []
        for item in items:
            app = item.get("appId", task_app.get(item.get("taskId")))
            ts = item.get("_creationTs", 0)
            if "appId" in query and app != query["appId"]:
                continue
            if (lo is not None and ts < lo) or (hi is not None and ts > hi):
                continue
            if any(k in query and str(item.get(k)) != query[k]
                   for k in ("requesterId", "taskId", "label", "actioneerId")):
                continue
            picked.append(item)
        offset, limit = int_arg(query, "offset") or 0, int_arg(query, "limit") or 10
        total = len(picked)
        shift = self.server.take_rule("total_shift", path)
        if shift:
            total += shift.get("delta", 1)
        return {"offset": offset, "total": total, key: picked[offset:offset + limit]}

    def logger(self, method, path, query, body):
        if path == "/messages" and method == "GET":
            return 200, self.messages(query)
        if path == "/analytic" and method == "POST":
            try:
                descriptor = json.loads(body.decode("utf-8"))
                wenet_data.timespan_bounds(descriptor["timespan"], now())
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                raise ApiError(400, "malformed descriptor: %s" % e)
            aid = str(uuid.uuid4())
            with self.server.lock:
                self.server.analytics[aid] = {"id": aid, "descriptor": descriptor, "result": None}
            return 200, {"id": aid}
        if path not in ("/analytic", "/analytic/compute"):
            raise ApiError(404, "no such path")
        aid = query.get("id", "")
        with self.server.lock:
            stored = self.server.analytics.get(aid)
            if stored is None:
                raise ApiError(404, "unknown analytic %s" % aid)
            if method == "DELETE" and path == "/analytic":
                del self.server.analytics[aid]
                return 200, {}
            if method == "GET" and path == "/analytic":
                return 200, dict(stored)
        if method == "POST" and path == "/analytic/compute":
            if not self.server.never_compute:
                timer = threading.Timer(self.server.options.compute_delay, self.compute, [aid])
                timer.daemon = True
                timer.start()
            return 200, {}
        raise ApiError(405, "method not allowed")

    def compute(self, aid):
        srv = self.server
        with srv.lock:
            stored = srv.analytics.get(aid)
        if stored is None:
            return
        result = srv.data.analytic_result(stored["descriptor"], now())
        with srv.lock:
            if aid in srv.analytics:
                srv.analytics[aid]["result"] = result

    def messages(self, query):
        for name in ("project", "fromTime", "toTime"):
            if not query.get(name):
                raise ApiError(400, "%s is required" % name)
        try:
            start, end = parse_iso(query["fromTime"]), parse_iso(query["toTime"])
        except ValueError as e:
            raise ApiError(400, "bad time: %s" % e)
        if start > end:
            raise ApiError(400, "fromTime > toTime")
        max_size = int_arg(query, "maxSize")
        max_size = 1000 if max_size is None else max_size
        if not 1 <= max_size <= 10000:
            raise ApiError(400, "maxSize must be in 1..10000")
        filters = {k: query[k] for k in ("userId", "channel", "type") if k in query}
        return self.server.data.query_messages(query["project"], start, end, filters, max_size)

    def control(self, method, path, body):
        srv = self.server
        doc = json.loads(body.decode("utf-8")) if body else {}
        with srv.lock:
            if method == "GET" and path == "/control/analytics":
                reply = list(srv.analytics.values())
            elif method == "GET" and path == "/control/calls":
                reply = list(srv.calls)
            elif method == "DELETE" and path == "/control/calls":
                srv.calls.clear()
                reply = {}
            elif method == "GET" and path == "/control/stats":
                reply = {"calls": len(srv.calls), "in_flight": srv.in_flight,
                         "max_in_flight": srv.max_in_flight}
            elif method == "POST" and path in ("/control/fail", "/control/slow",
                                               "/control/total_shift"):
                rule = dict(doc)
                rule["kind"] = path[len("/control/"):]
                rule.setdefault("count", 1)
                srv.rules.append(rule)
                reply = {}
            elif method == "POST" and path == "/control/never_compute":
                srv.never_compute = bool(doc.get("on", True))
                reply = {}
            elif method == "DELETE" and path == "/control/faults":
                srv.rules.clear()
                srv.never_compute = False
                reply = {}
            else:
                reply = None
        if reply is None:
            return self.send_json(404, {"status": "no such control", "code": 404})
        self.send_json(200, reply)


def int_arg(query, name):
    if name not in query or query[name] == "":
        return None
    try:
        return int(query[name])
    except ValueError:
        raise ApiError(400, "%s is not an integer" % name)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def main(argv=None):
    parser = argparse.ArgumentParser(description="WeNet platform stand-in")
    parser.add_argument("--data", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="wenet-test-key")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--compute-delay", type=float, default=0.3)
    parser.add_argument("--verbose", action="store_true")
    opts = parser.parse_args(sys.argv[1:] if argv is None else argv)
    opts.prefix = opts.prefix.rstrip("/")
    server = Server((opts.host, opts.port), opts, DataSet.load(opts.data))
    print("wenet stand-in listening on http://%s:%d" % (opts.host, server.server_address[1]),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
