"""The data set of the WeNet stand-in (wenet_server.py): loading, queries and analytics.

The data file is JSON:
  {"apps": {"<appId>": {"details": {...}, "users": [{"id": "u1", "enabled": <epoch s>}, ...]}},
   "profiles": {"<userId>": {...}}, "profiles_202": ["<userId>", ...],
   "tasks": [Task, ...], "transactions": [Transaction, ...], "cohorts": [...],
   "messages": [Message, ...],
   "message_bursts": [{"project": "app1", "count": N, "start": "<ISO>", "step_ms": 0,
                       "users": K, "user_prefix": "u", "type": "request", "id_prefix": "b-"}]}
Every key is optional. Bursts add generated messages: message i has timestamp start + i *
step_ms, userId user_prefix + (i % users), messageId id_prefix + i. Message timestamps are
ISO strings; without an offset they are UTC (as the logger reads them).
"""

import bisect
import datetime
import json

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_iso(text):
    """Aware datetime of a logger ISO time (fromisoformat; naive = UTC). Refuses a trailing Z
    as the logger does. Raises ValueError."""
    if not isinstance(text, str) or text.endswith("Z") or text.endswith("z"):
        raise ValueError("not an ISO time without Z: %r" % (text,))
    dt = datetime.datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=datetime.timezone.utc)


def micros(dt):
    return (dt - EPOCH) // datetime.timedelta(microseconds=1)


def naive_utc(dt):
    return dt.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat()


class DataSet:
    def __init__(self, doc):
        self.apps = doc.get("apps", {})
        self.profiles = doc.get("profiles", {})
        self.profiles_202 = set(doc.get("profiles_202", []))
        self.tasks = doc.get("tasks", [])
        self.transactions = doc.get("transactions", [])
        self.cohorts = doc.get("cohorts", [])
        messages = list(doc.get("messages", []))
        for burst in doc.get("message_bursts", []):
            messages.extend(generate(burst))
        # Per project: (timestamps in microseconds, messages), sorted stably by timestamp.
        self.messages = {}
        for m in sorted(messages, key=lambda m: micros(parse_iso(m["timestamp"]))):
            keys, items = self.messages.setdefault(m.get("project"), ([], []))
            keys.append(micros(parse_iso(m["timestamp"])))
            items.append(m)

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            return DataSet(json.load(f))

    def app_users(self, app, from_ts=None, to_ts=None):
        users = self.apps[app].get("users", [])
        if from_ts is None or to_ts is None:
            return [u["id"] for u in users]
        return [u["id"] for u in users if from_ts <= u.get("enabled", 0) <= to_ts]

    def query_messages(self, project, start, end, filters, max_size):
        """Messages with start <= timestamp <= end (aware datetimes), filtered, at most max_size."""
        keys, items = self.messages.get(project, ([], []))
        lo, hi = micros(start), micros(end)
        out = []
        i = bisect.bisect_left(keys, lo)
        while i < len(keys) and keys[i] <= hi and len(out) < max_size:
            m = items[i]
            if all(m.get(k) == v for k, v in filters.items()):
                out.append(m)
            i += 1
        return out

    def window_messages(self, project, start, end):
        keys, items = self.messages.get(project, ([], []))
        lo = micros(start) if start else None
        hi = micros(end)
        i = 0 if lo is None else bisect.bisect_left(keys, lo)
        j = bisect.bisect_right(keys, hi)
        return items[i:j], (items[:i] if lo is not None else [])

    def analytic_result(self, descriptor, now):
        """The result of `descriptor` over this data set, as the logger would store it."""
        start, end = timespan_bounds(descriptor.get("timespan") or {}, now)
        project = descriptor.get("project")
        kind = str(descriptor.get("type", "")).lower()
        dimension = str(descriptor.get("dimension", "")).lower()
        metric = str(descriptor.get("metric", "")).lower()
        inside, before = self.window_messages(project, start, end)
        stamps = {"creationDt": naive_utc(now),
                  "fromDt": naive_utc(start) if start else None, "toDt": naive_utc(end)}
        if kind == "segmentation":
            counts = {}
            for m in inside:
                if metric == "all":
                    key = m.get("type")
                elif metric == "requests" and m.get("type") == "request":
                    key = (m.get("content") or {}).get("type")
                else:
                    continue
                counts[key] = counts.get(key, 0) + 1
            segments = [{"type": k, "count": v} for k, v in sorted(counts.items(), key=str)]
            return dict(segments=segments, type="segmentation", **stamps)
        return dict(count=count_of(dimension, metric, inside, before), type="count", **stamps)


def count_of(dimension, metric, inside, before):
    def users(of_type=None):
        return {m.get("userId") for m in inside if of_type is None or m.get("type") == of_type}
    if dimension == "user":
        if metric == "total":
            return len(users())
        if metric == "active":
            return len(users("request"))
        if metric == "engaged":
            return len(users("notification"))
        if metric == "new":
            return len(users() - {m.get("userId") for m in before})
    if dimension == "message" and metric in ("requests", "responses", "notifications"):
        return sum(1 for m in inside if m.get("type") + "s" == metric)
    return 0


def timespan_bounds(timespan, now):
    kind = str(timespan.get("type", "")).lower()
    if kind in ("fixed", "custom"):
        return parse_iso(timespan["start"]), parse_iso(timespan["end"])
    if kind not in ("moving", "default"):
        raise ValueError("unknown timespan type %r" % kind)
    value = str(timespan.get("value", "")).lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if value == "today":
        return midnight, midnight + datetime.timedelta(days=1)
    if value == "all":
        return None, midnight
    n, unit = int(value[:-1]), value[-1]
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
    return midnight - datetime.timedelta(days=n * days), midnight


def generate(burst):
    start = parse_iso(burst["start"])
    step = datetime.timedelta(milliseconds=burst.get("step_ms", 0))
    users = max(1, burst.get("users", 1))
    for i in range(burst["count"]):
        t = start + i * step
        kind = burst.get("type", "request")
        m = {"messageId": "%s%d" % (burst.get("id_prefix", "b-"), i),
             "conversationId": None, "channel": burst.get("channel", "telegram"),
             "userId": "%s%d" % (burst.get("user_prefix", "u"), i % users),
             "timestamp": naive_utc(t), "project": burst["project"], "type": kind,
             "content": {"type": "text", "value": "hello %d" % i}, "metadata": None}
        yield m
