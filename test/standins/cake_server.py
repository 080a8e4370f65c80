#!/usr/bin/python3
"""Stand-in for a CAKE admin instance's JSON API (see shared/protocols/cake.md).

Python 3 standard library only; run with /usr/bin/python3. Writes nothing to disk. Data comes
from cake_data.py: deterministic rows from --seed and the densities, so a time range always
yields the same rows with unique ids. cake_control.py holds the failure rules and /_control.

  cake_server.py [--host 127.0.0.1] [--port 0] [--seed 1] [--clicks-per-hour 120]
      [--conversions-per-hour 12] [--api-key KEY] [--username U --password P]
      [--bad-key-status 401] [--max-rows 0] [--fail MODE[:COUNT[:AFTER]]]...
      [--fail-methods Clicks,EventConversions] [--slow-seconds 30]
      [--dense REPORT,START,END,ROWS]... [--verbose]
  cake_server.py --expect-rows START END [--seed …] [--clicks-per-hour …] [--dense …]
      prints {"clicks": N, "conversions": M} for [START, END) and exits.
It prints `cake stand-in listening on http://HOST:PORT` once it accepts connections
(--port 0 picks a free port).

API (POST, JSON body, replies `{"d": …}` as application/json; dates are `\\/Date(ms)\\/` or
`\\/Date(ms-0800)\\/`, the suffix never changing the instant):
  /api/{v}/get.asmx/GetAPIKey   {"username","password"} -> {"d": KEY}, {"d": ""} for a bad
                                login; GET ?username=&password= answers XML <string>KEY</string>
  /api/{v}/get.asmx/Currencies  {"api_key"} -> {"d": {"success", "message", "currencies": [...]}}
  /api/{v}/reports.asmx/Clicks            {"d": {"__type", "success", "message", "row_count",
  /api/{v}/reports.asmx/EventConversions     "clicks" | "event_conversions": [...]}}
Any version number is accepted and logged. Reports read start_date/end_date (UTC wall clock;
MM/DD/YYYY HH:MM:SS, MM/DD/YYYY HH:MM, MM/DD/YYYY, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD) as
[start, end) over click_date / event_conversion_date, sorted by (date, id); start_at_row is
0-based; row_limit 0 means all (then --max-rows, if set, caps the reply as a server limit
would); row_count is the number of all matching rows. A missing parameter gets ASP.NET's HTTP
500 {"Message": "Invalid web service call, missing value for parameter: 'x'.", ...}; a bad
value gets {"d": {"success": false, "message": ...}}. A wrong api_key gets HTTP
--bad-key-status (401 by default; 200 gives the payload alone) with
{"d": {"success": false, "message": "Invalid API Key", "row_count": 0, "<rows>": null}}.

Failure modes, queued by `--fail` or POST /_control, apply to the next COUNT API calls (after
skipping AFTER matching calls), optionally only for some methods:
  "429"              HTTP 429 with Retry-After (default 1)
  "502", any NNN     that HTTP status with an HTML error page
  "html"             HTTP 200 with an HTML page instead of JSON
  "slow"             sleeps `seconds` (default --slow-seconds), then answers normally
  "hang"             reads the request and never answers (the connection stays open until the
                     client gives up or the stand-in exits)
  "truncate"         answers normally but cuts the body at `fraction` (default 0.5); style
                     "json" (default) declares the cut length, "connection" declares the full
                     length and closes the connection early
  "drop"             closes the connection without an answer
  "file"             answers HTTP 200 with the bytes of the file at `path` as they are (a
                     recorded or generated reply; read in 1 MiB pieces, so any size is fine)
  "echo"             refuses the call as a bad key, repeating the request in the message, as
                     JSON and as a form: HTTP `status` (default 401) with {"d": {"success":
                     false, "message": "Invalid API Key: request was {...} (as a form: ...)"}}
Control endpoints (never logged, no key):
  POST   /_control         {"mode": one of the above, "count": N (default 1), "after": N,
                           "methods": ["Clicks", ...], "seconds": S, "retry_after": S,
                           "fraction": F, "style": "json"|"connection", "status": N,
                           "path": P}
                           {"mode": "dense", "report": "clicks"|"conversions", "start": T,
                           "end": T, "rows": N} adds N extra rows spread over [start, end)
                           {"mode": "reset"} clears the queued failures
  GET    /_control         {"rules": [...], "bursts": [...]}
  DELETE /_control         clears failures and dense bursts
  GET    /_control/log     [{"n", "http_method", "path", "method", "version", "start_date",
                           "end_date", "start_at_row", "row_limit", "status", "rows",
                           "row_count", "fault"}] for every API call, oldest first
  DELETE /_control/log     clears the log
  GET    /_control/count?start=T&end=T   {"clicks": N, "conversions": M} in [start, end)
  GET    /_control/ids?report=clicks&start=T&end=T   {"ids": [...]} in reply order
  GET    /_control/stats   {"calls": N, "in_flight": N, "max_in_flight": N}; max_in_flight
                           above 1 means a client made concurrent calls
  DELETE /_control/stats   starts the counts again (max_in_flight from the calls in flight)
Control times T take the API forms above or ISO `2016-01-10T05:00:00[Z]`.
"""

import argparse
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cake_data  # noqa: E402
from cake_control import ControlMixin, Faults, parse_time  # noqa: E402

API_PATH = re.compile(r"^/api/(\d+)/(get|reports)\.asmx/(\w+)$")
REPORT_METHODS = {"Clicks": "clicks", "EventConversions": "conversions"}
ROWS_KEY = {"clicks": "clicks", "conversions": "event_conversions"}
TYPE_NAME = {"clicks": "Cake.Reports.ClickReportResponse",
             "conversions": "Cake.Reports.EventConversionReportResponse"}
CLICK_PARAMS = ["api_key", "start_date", "end_date", "affiliate_id", "advertiser_id", "offer_id",
                "campaign_id", "creative_id", "price_format_id", "include_duplicates",
                "include_tests", "start_at_row", "row_limit"]
CONVERSION_PARAMS = [
    "api_key", "start_date", "end_date", "event_type", "event_id", "channel_id",
    "source_affiliate_id", "brand_advertiser_id", "site_offer_id", "site_offer_contract_id",
    "source_affiliate_tag_id", "brand_advertiser_tag_id", "site_offer_tag_id", "campaign_id",
    "creative_id", "price_format_id", "disposition_type", "disposition_id",
    "source_affiliate_billing_status", "brand_advertiser_billing_status", "test_filter",
    "start_at_row", "row_limit", "sort_field", "sort_descending"]
REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}
DATE_STRING = re.compile(r'"/Date\((-?\d+(?:[+-]\d{4})?)\)/"')


def as_count(value):
    """A non-negative integer from an int or a digit string, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def encode(doc):
    """Compact UTF-8 JSON with the dates' slashes escaped as ASP.NET writes them."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return DATE_STRING.sub(r'"\\/Date(\1)\\/"', text).encode("utf-8")


def aspnet_error(message, kind="System.InvalidOperationException"):
    return {"Message": message, "StackTrace": "   at System.Web.Script.Services.WebServiceMethodData"
            ".CallMethod(Object target, IDictionary`2 parameters)", "ExceptionType": kind}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, options, dataset):
        super().__init__(address, Handler)
        self.options = options
        self.dataset = dataset
        self.faults = Faults()
        self.lock = threading.Lock()
        self.log = []
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Handler(ControlMixin, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once on kept-alive connections
    server_version = "Microsoft-IIS/8.5"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.options.verbose:
            sys.stderr.write("cake stand-in: " + (fmt % args) + "\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body, content_type="application/json; charset=utf-8", headers=None,
             truncate=None):
        """Sends a whole reply; `truncate` = (fraction, style) cuts the body."""
        cut = body
        if truncate:
            cut = body[:int(len(body) * float(truncate[0]))]
        declared = len(body) if truncate and truncate[1] == "connection" else len(cut)
        try:
            self.send_response(status, REASONS.get(status))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(declared))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if declared != len(cut):
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(cut)
            self.wfile.flush()
            if declared != len(cut):
                self.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def send_file(self, path):
        """Sends a file's bytes as a 200 JSON reply, without holding it whole."""
        try:
            with open(path, "rb") as f:
                self.send_response(200, REASONS.get(200))
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
                self.end_headers()
                while True:
                    piece = f.read(1 << 20)
                    if not piece:
                        break
                    self.wfile.write(piece)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def send_json(self, status, doc, truncate=None, headers=None):
        self.send(status, encode(doc), headers=headers, truncate=truncate)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, http_method):
        url = urlsplit(self.path)
        if url.path == "/_control" or url.path.startswith("/_control/"):
            body = self.read_body()
            return self.control(http_method, url.path, parse_qs(url.query), body)
        match = API_PATH.match(url.path)
        if not match:
            self.read_body()
            return self.send(404, b"<html><body>404 Not Found</body></html>", "text/html")
        self.api(http_method, url, int(match.group(1)), match.group(2), match.group(3))

    # ---- API ---------------------------------------------------------------------------

    def api(self, http_method, url, version, service, method):
        srv = self.server
        raw = self.read_body()
        with srv.lock:
            srv.calls += 1
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            entry = {"n": srv.calls, "http_method": http_method, "path": url.path,
                     "method": method, "version": version, "start_date": None,
                     "end_date": None, "start_at_row": None, "row_limit": None, "status": None,
                     "rows": None, "row_count": None, "fault": None}
            srv.log.append(entry)
        try:
            self.api_call(http_method, url, service, method, raw, entry)
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def api_call(self, http_method, url, service, method, raw, entry):
        rule = self.server.faults.take(method)
        truncate = None
        if rule:
            entry["fault"] = rule["mode"]
            if self.apply_fault(rule, entry, raw):
                return
            if rule["mode"] == "truncate":
                truncate = (rule.get("fraction", 0.5), rule.get("style", "json"))
        if http_method == "GET" and method == "GetAPIKey":
            return self.get_api_key_xml(url, entry)
        if http_method != "POST":
            entry["status"] = 405
            return self.send(405, b"<html><body>Use POST with a JSON body</body></html>",
                             "text/html")
        try:
            params = json.loads(raw.decode("utf-8") or "{}")
            if not isinstance(params, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            entry["status"] = 500
            return self.send_json(500, aspnet_error("Invalid JSON primitive.",
                                                    "System.ArgumentException"), truncate)
        status, doc = self.answer(service, method, params, entry)
        entry["status"] = status
        self.send_json(status, doc, truncate)

    def apply_fault(self, rule, entry, raw):
        """Acts on a fault rule; True when the call is answered (or dropped) already."""
        mode = rule["mode"]
        if mode == "echo":
            return self.echo_request(rule, entry, raw)
        if mode == "slow":
            time.sleep(float(rule.get("seconds", self.server.options.slow_seconds)))
            return False
        if mode == "hang":
            entry["status"] = 0
            threading.Event().wait()  # never set: the thread dies with the process
            return True
        if mode == "truncate":
            return False
        if mode == "file":
            entry["status"] = 200
            self.send_file(rule["path"])
            return True
        if mode == "drop":
            entry["status"] = 0
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        if mode == "html":
            entry["status"] = 200
            self.send(200, b"<!DOCTYPE html><html><body><h1>Server Error in '/' Application."
                      b"</h1></body></html>", "text/html; charset=utf-8")
            return True
        status = int(mode)
        entry["status"] = status
        headers = {"Retry-After": str(rule.get("retry_after", 1))} if status == 429 else None
        page = ("<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>"
                % (status, REASONS.get(status, "Error"), status, REASONS.get(status, "Error")))
        self.send(status, page.encode(), "text/html", headers=headers)
        return True

    def echo_request(self, rule, entry, raw):
        """Refuses the call, quoting the request back as some servers do."""
        text = raw.decode("utf-8", "replace")
        try:
            params = json.loads(text or "{}")
            form = urlencode(params) if isinstance(params, dict) else ""
        except ValueError:
            form = ""
        status = int(rule.get("status", 401))
        entry["status"] = status
        message = "Invalid API Key: request was %s (as a form: %s)" % (text, form)
        self.send_json(status, {"d": {"success": False, "message": message, "row_count": 0}})
        return True

    def answer(self, service, method, params, entry):
        """(HTTP status, JSON document) for a POSTed API call."""
        opts = self.server.options
        if service == "get" and method == "GetAPIKey":
            ok = params.get("username") == opts.username and params.get("password") == opts.password
            return 200, {"d": opts.api_key if ok and opts.username else ""}
        if service == "get" and method == "Currencies":
            if "api_key" not in params:
                return 500, aspnet_error(
                    "Invalid web service call, missing value for parameter: 'api_key'.")
            if params["api_key"] != opts.api_key:
                return opts.bad_key_status, {"d": {"success": False, "message": "Invalid API Key",
                                                   "currencies": None}}
            return 200, {"d": {"__type": "Cake.Get.CurrenciesResponse", "success": True,
                               "message": None, "currencies": cake_data.CURRENCIES}}
        if service == "reports" and method in REPORT_METHODS:
            return self.report(REPORT_METHODS[method], params, entry)
        return 500, aspnet_error("Unknown web method %s." % method, "System.ArgumentException")

    def report(self, report, params, entry):
        opts = self.server.options
        required = CLICK_PARAMS if report == "clicks" else CONVERSION_PARAMS
        for name in required:
            if name not in params:
                return 500, aspnet_error(
                    "Invalid web service call, missing value for parameter: '%s'." % name)
        for name in ("start_date", "end_date", "start_at_row", "row_limit"):
            entry[name] = params.get(name)
        rows_key = ROWS_KEY[report]

        def refuse(message, status=200):
            return status, {"d": {"__type": TYPE_NAME[report], "success": False,
                                  "message": message, "row_count": 0, rows_key: None}}

        if params["api_key"] != opts.api_key:
            return refuse("Invalid API Key", opts.bad_key_status)
        start, end = parse_time(params["start_date"]), parse_time(params["end_date"])
        if start is None:
            return refuse("Invalid start_date")
        if end is None:
            return refuse("Invalid end_date")
        first, limit = as_count(params["start_at_row"]), as_count(params["row_limit"])
        if first is None:
            return refuse("start_at_row must be at least 0")
        if limit is None:
            return refuse("row_limit must be at least 0")
        if opts.max_rows and (limit == 0 or limit > opts.max_rows):
            limit = opts.max_rows
        total, rows = self.server.dataset.rows(report, start, end, first, limit)
        entry["rows"], entry["row_count"] = len(rows), total
        return 200, {"d": {"__type": TYPE_NAME[report], "success": True, "message": None,
                           "row_count": total, rows_key: rows}}

    def get_api_key_xml(self, url, entry):
        opts = self.server.options
        query = parse_qs(url.query)
        ok = (query.get("username", [""])[0] == opts.username
              and query.get("password", [""])[0] == opts.password and opts.username)
        key = opts.api_key if ok else ""
        body = ('<?xml version="1.0" encoding="utf-8"?>\r\n<string xmlns="http://cakemarketing.com/'
                'api/1/">%s</string>' % key).encode()
        entry["status"] = 200
        self.send(200, body, "text/xml; charset=utf-8")

def parse_args(argv):
    p = argparse.ArgumentParser(description="CAKE API stand-in (see the module docstring)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seed", default="1")
    p.add_argument("--clicks-per-hour", type=int, default=120)
    p.add_argument("--conversions-per-hour", type=int, default=12)
    p.add_argument("--api-key", default="test-api-key")
    p.add_argument("--username", default="")
    p.add_argument("--password", default="")
    p.add_argument("--bad-key-status", type=int, default=401)
    p.add_argument("--max-rows", type=int, default=0)
    p.add_argument("--fail", action="append", default=[], metavar="MODE[:COUNT[:AFTER]]")
    p.add_argument("--fail-methods", default="")
    p.add_argument("--slow-seconds", type=float, default=30.0)
    p.add_argument("--dense", action="append", default=[], metavar="REPORT,START,END,ROWS")
    p.add_argument("--expect-rows", nargs=2, metavar=("START", "END"))
    p.add_argument("--verbose", action="store_true")
    return p.parse_args(argv)


def build(opts):
    """The dataset with the --dense bursts, and the --fail rules."""
    dataset = cake_data.Dataset(opts.seed, opts.clicks_per_hour, opts.conversions_per_hour)
    for spec in opts.dense:
        report, start, end, rows = spec.split(",")
        s, e = parse_time(start), parse_time(end)
        if s is None or e is None:
            raise SystemExit("cake stand-in: bad --dense times in %r" % spec)
        dataset.add_burst(report, s, e, int(rows))
    rules = []
    for spec in opts.fail:
        parts = spec.split(":")
        rules.append({"mode": parts[0], "count": int(parts[1]) if len(parts) > 1 else 1,
                      "after": int(parts[2]) if len(parts) > 2 else 0,
                      "methods": opts.fail_methods})
    return dataset, rules


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    dataset, rules = build(opts)
    if opts.expect_rows:
        start, end = (parse_time(t) for t in opts.expect_rows)
        if start is None or end is None:
            raise SystemExit("cake stand-in: bad --expect-rows times")
        print(json.dumps({r: dataset.count(r, start, end) for r in cake_data.REPORTS}))
        return 0
    server = Server((opts.host, opts.port), opts, dataset)
    for rule in rules:
        server.faults.add(rule)
    print("cake stand-in listening on http://%s:%d" % (opts.host, server.server_address[1]),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
