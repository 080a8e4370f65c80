"""Control plane of the CAKE stand-in (cake_server.py): queued failure rules, the
/_control endpoints, and the time forms requests and control calls use."""

import json
import re
import threading
from datetime import datetime, timezone

import cake_data

DATE_FORMATS = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


def parse_time(text):
    """Milliseconds since 1970 for a request or control time (UTC), or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1]
    for fmt in DATE_FORMATS:
        try:
            dt = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        return int(dt.timestamp()) * 1000
    return None


class Faults:
    """Queued failure rules, taken in order by matching API calls."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def add(self, rule):
        mode = str(rule.get("mode", ""))
        if not (mode in ("slow", "hang", "truncate", "drop", "html", "echo", "file")
                or re.fullmatch(r"[1-5]\d\d", mode)):
            raise ValueError("unknown mode %r" % mode)
        methods = rule.get("methods")
        if isinstance(methods, str):
            methods = [m for m in methods.split(",") if m]
        entry = {"mode": mode, "count": int(rule.get("count", 1)), "after": int(rule.get("after", 0)),
                 "methods": methods or None}
        if mode == "file" and not isinstance(rule.get("path"), str):
            raise ValueError("mode file needs a path")
        for key in ("seconds", "retry_after", "fraction", "style", "status", "path"):
            if key in rule:
                entry[key] = rule[key]
        with self.lock:
            self.rules.append(entry)
        return entry

    def take(self, method):
        with self.lock:
            for rule in self.rules:
                if rule["methods"] and method not in rule["methods"]:
                    continue
                if rule["after"] > 0:
                    rule["after"] -= 1
                    return None
                rule["count"] -= 1
                if rule["count"] <= 0:
                    self.rules.remove(rule)
                return dict(rule)
            return None

    def clear(self):
        with self.lock:
            self.rules = []

    def snapshot(self):
        with self.lock:
            return [dict(r) for r in self.rules]


class ControlMixin:
    """The /_control endpoints, mixed into the request handler (needs self.server with
    dataset, faults, lock, log, calls, in_flight, max_in_flight, and self.send_json)."""

    def control(self, http_method, path, query, raw):
        srv = self.server
        if path == "/_control/log":
            if http_method == "DELETE":
                with srv.lock:
                    srv.log = []
                return self.send_json(200, {"ok": True})
            with srv.lock:
                return self.send_json(200, [dict(e) for e in srv.log])
        if path == "/_control/stats":
            with srv.lock:
                if http_method == "DELETE":
                    srv.calls = 0
                    srv.max_in_flight = srv.in_flight
                return self.send_json(200, {"calls": srv.calls, "in_flight": srv.in_flight,
                                            "max_in_flight": srv.max_in_flight})
        if path in ("/_control/count", "/_control/ids"):
            return self.control_rows(path, query)
        if path != "/_control":
            return self.send_json(404, {"error": "no such control endpoint"})
        if http_method == "GET":
            with srv.dataset.lock:
                bursts = [{"report": b[0], "start_ms": b[1], "end_ms": b[2], "rows": b[3]}
                          for b in srv.dataset.bursts]
            return self.send_json(200, {"rules": srv.faults.snapshot(), "bursts": bursts})
        if http_method == "DELETE":
            srv.faults.clear()
            srv.dataset.clear_bursts()
            return self.send_json(200, {"ok": True})
        try:
            rule = json.loads(raw.decode("utf-8") or "{}")
            return self.send_json(200, self.control_post(rule))
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            return self.send_json(400, {"error": str(e)})

    def control_post(self, rule):
        srv = self.server
        mode = str(rule.get("mode", ""))
        if mode == "reset":
            srv.faults.clear()
            return {"ok": True}
        if mode == "dense":
            start, end = parse_time(rule.get("start")), parse_time(rule.get("end"))
            if start is None or end is None:
                raise ValueError("dense needs start and end times")
            rows = int(rule.get("rows", rule.get("count", 0)))
            burst = srv.dataset.add_burst(rule.get("report", "clicks"), start, end, rows)
            return {"ok": True, "burst": burst, "rows": rows}
        return {"ok": True, "rule": srv.faults.add(rule)}

    def control_rows(self, path, query):
        start = parse_time(query.get("start", [""])[0])
        end = parse_time(query.get("end", [""])[0])
        if start is None or end is None:
            return self.send_json(400, {"error": "start and end are required times"})
        data = self.server.dataset
        if path == "/_control/count":
            return self.send_json(200, {r: data.count(r, start, end) for r in cake_data.REPORTS})
        report = query.get("report", ["clicks"])[0]
        if report not in cake_data.REPORTS:
            return self.send_json(400, {"error": "report is clicks or conversions"})
        return self.send_json(200, {"ids": data.ids(report, start, end)})
