#!/usr/bin/python3
"""Stand-in for a 2016 MindTrails server's export API (see shared/protocols/mindtrails.md).

Run with /usr/bin/python3 (needs Debian's python3-cryptography for the RSA encryption).

  mindtrails_server.py --port 8123 --data test/standins/mindtrails_sample.json \
      --public-key pub.pem --user admin@example.edu --password secret \
      [--user-nonadmin someone@example.edu [--password-nonadmin PW]] \
      [--ignore-greater-than] [--state rows.json] [--padding pkcs1|oaep] [--no-encryption]

API (HTTP Basic on every request; the --user account is an admin, --user-nonadmin gets 403):
  GET    /api/export                  [{"name","deleteable","size"}] in data-file order
  GET    /api/export/{name}?greaterThan=N   rows with id > N (questionnaire tables only; TrialDAO
                                      and other non-questionnaire tables, and every table with
                                      --ignore-greater-than, return all rows)
  DELETE /api/export/{name}/{id}      200 empty; 403 not deleteable; 404 unknown id or name
Bodies are compact UTF-8 JSON; errors are Spring Boot style {"status","error","message",...}.

Rows: `participant` in the data file of a secure table becomes `participantRSA`, the base64
of a PKCS#1 v1.5 (or --padding oaep: OAEP SHA-1) encryption of the decimal id, made ONCE when
the row is inserted (as the real server stores it), so every download shows the same
ciphertext. With --no-encryption the field holds the plain id (encryption.enabled = false).

Data file: {"next_id": N (optional), "tables": [{"name", "deleteable", "kind" ("questionnaire"
| "other"; default by name), "secure" (default: questionnaire and not DASS21_AS), "ids" (default: true except for
ParticipantExportDAO, whose rows have no id), "rows": [{...}]}]}. In a table with ids, rows
without "id" get one from the shared rising id generator; rows without "date" get the current
time as "EEE, dd MMM yyyy HH:mm:ss -0500" (tables without ids get neither).

Control endpoints (no auth; never logged in /_control/log):
  POST   /_control/add   {"table": name, "rows": [...]} -> {"ids": [...]}; same row rules as the
                         data file; an unknown table is created (deleteable true unless given)
  POST   /_control/fail  {"mode": "500"|"502"|"503"|"429"|"slow"|"truncate"|"drop", "count": N
                         (default 1), "path_contains": "..." (default all /api requests),
                         "method": "GET"|"DELETE" (optional), "seconds": S (slow; default 30),
                         "retry_after": S (429; default 1)} -> queues a rule for the next N
                         matching /api requests. Status modes answer without acting; "slow" sleeps
                         then acts and answers normally; "truncate" acts, sends the full
                         Content-Length but half the body, and closes; "drop" closes at once.
  DELETE /_control/fail  clears the rules
  GET    /_control/rows  {"next_id": N, "tables": {name: {"deleteable", "kind", "secure",
                         "rows": [rows as served], "participants": {"<id>": plain id}}}}
  GET    /_control/log   [{"method","path","query","status","user"}] for /api requests
  DELETE /_control/log   clears the log
--state FILE gets the /_control/rows document (written atomically) at start and after every
change.
"""

import argparse
import base64
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit, unquote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding

NON_QUESTIONNAIRE = {"TrialDAO", "ParticipantExportDAO", "EmailLogDAO", "GiftLogDAO"}
LINKED = {"DASS21_AS"}  # questionnaire tables with a plaintext `participant`
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}


def est_date(epoch=None):
    """The time as Java's `EEE, dd MMM yyyy HH:mm:ss Z` in the fixed EST zone (UTC-5)."""
    t = time.gmtime((time.time() if epoch is None else epoch) - 5 * 3600)
    return "%s, %02d %s %04d %02d:%02d:%02d -0500" % (
        DAYS[t.tm_wday], t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec)


class Encryptor:
    def __init__(self, key_path, padding_name, enabled):
        self.enabled = enabled
        self.key = None
        if enabled:
            with open(key_path, "rb") as f:
                data = f.read()
            try:
                self.key = serialization.load_pem_public_key(data)
            except ValueError:
                self.key = serialization.load_der_public_key(data)
        if padding_name == "oaep":
            self.padding = rsa_padding.OAEP(mgf=rsa_padding.MGF1(hashes.SHA1()),
                                            algorithm=hashes.SHA1(), label=None)
        else:
            self.padding = rsa_padding.PKCS1v15()

    def encrypt(self, plain):
        if not self.enabled:
            return str(plain)
        cipher = self.key.encrypt(str(plain).encode("utf-8"), self.padding)
        return base64.b64encode(cipher).decode("ascii")


class Store:
    """All tables and rows, guarded by one lock."""

    def __init__(self, encryptor, state_path):
        self.lock = threading.Lock()
        self.encryptor = encryptor
        self.state_path = state_path
        self.tables = {}  # name -> {"deleteable", "kind", "secure", "rows", "participants"}
        self.next_id = 1
        self.log = []
        self.rules = []

    def load(self, doc):
        ids = [r["id"] for t in doc.get("tables", []) for r in t.get("rows", []) if "id" in r]
        self.next_id = max([doc.get("next_id", 1)] + [i + 1 for i in ids])
        for t in doc.get("tables", []):
            self.table(t["name"], t)
            self.add_rows(t["name"], t.get("rows", []))
        self.save()

    def table(self, name, spec=None):
        if name not in self.tables:
            spec = spec or {}
            kind = spec.get("kind", "other" if name in NON_QUESTIONNAIRE else "questionnaire")
            secure = spec.get("secure", kind == "questionnaire" and name not in LINKED)
            self.tables[name] = {"deleteable": bool(spec.get("deleteable", True)), "kind": kind,
                                 "secure": bool(secure), "rows": [], "participants": {},
                                 "ids": bool(spec.get("ids", name != "ParticipantExportDAO"))}
        return self.tables[name]

    def add_rows(self, name, rows):
        """Appends rows (data-file form) to a table; returns their ids. Caller holds no lock
        during load and the lock otherwise."""
        table = self.table(name)
        ids = []
        for given in rows:
            if not table["ids"]:
                table["rows"].append(self.without_id(table, given))
                continue
            row_id = given.get("id")
            if row_id is None:
                row_id = self.next_id
            self.next_id = max(self.next_id, row_id + 1)
            row = {"id": row_id}
            if "date" not in given:
                row["date"] = est_date()
            for key, value in given.items():
                if key == "id":
                    continue
                if key == "participant" and table["secure"]:
                    table["participants"][str(row_id)] = value
                    row["participantRSA"] = None if value is None else self.encryptor.encrypt(value)
                else:
                    row[key] = value
            table["rows"].append(row)
            ids.append(row_id)
        return ids

    def without_id(self, table, given):
        """A row of a table without ids: as given, `participant` encrypted when secure."""
        row = {}
        for key, value in given.items():
            if key == "participant" and table["secure"]:
                row["participantRSA"] = None if value is None else self.encryptor.encrypt(value)
            else:
                row[key] = value
        return row

    def dump(self):
        return {"next_id": self.next_id, "tables": self.tables}

    def save(self):
        if not self.state_path:
            return
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.dump(), f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)

    def take_rule(self, method, path):
        """Consumes one use of the first failure rule matching this request, if any."""
        for rule in self.rules:
            if rule["count"] > 0 and rule["path_contains"] in path and \
                    rule.get("method", method) == method:
                rule["count"] -= 1
                return dict(rule)
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (timeout, injected drop) is expected; anything else is not."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def compact(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "Apache-Coyote/1.1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("mindtrails: " + (fmt % args) + "\n")

    # ---- plumbing ----

    def body_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw.decode("utf-8")) if raw else {}

    def send(self, status, body=b"", headers=None, truncate=False):
        self.send_response(status, REASONS.get(status))
        if body:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif body:
            self.wfile.write(body)

    def spring_error(self, status, message, exception="", headers=None, truncate=False):
        doc = {"timestamp": int(time.time() * 1000), "status": status,
               "error": REASONS.get(status, ""), "message": message,
               "path": urlsplit(self.path).path}
        if exception:
            doc["exception"] = exception
        self.send(status, compact(doc), headers, truncate)
        return status

    def user(self):
        """The authenticated account name, or None (after answering 401/403)."""
        auth = self.headers.get("Authorization", "")
        opts = self.server.opts
        if not auth.startswith("Basic "):
            self.spring_error(401, "Full authentication is required to access this resource",
                              headers={"WWW-Authenticate": 'Basic realm="Realm"'})
            return None
        try:
            name, _, password = base64.b64decode(auth[6:], validate=True).decode(
                "utf-8").partition(":")
        except ValueError:
            name, password = "", None
        if name == opts.user and password == opts.password:
            return name
        if opts.user_nonadmin and name == opts.user_nonadmin and \
                password == (opts.password_nonadmin or opts.password):
            self.spring_error(403, "Access is denied")
            return None
        self.spring_error(401, "Bad credentials",
                          headers={"WWW-Authenticate": 'Basic realm="Realm"'})
        return None

    # ---- dispatch ----

    def do_GET(self):
        self.dispatch("GET")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        parts = urlsplit(self.path)
        if parts.path.startswith("/_control/"):
            return self.control(method, parts.path)
        store = self.server.store
        with store.lock:
            rule = store.take_rule(method, parts.path)
        entry = {"method": method, "path": parts.path, "query": parts.query, "status": None,
                 "user": None}
        with store.lock:
            store.log.append(entry)
        entry["status"] = self.api(method, parts, rule, entry)

    def api(self, method, parts, rule, entry):
        mode = rule["mode"] if rule else None
        if mode == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if mode and mode.isdigit():
            retry = {"Retry-After": str(rule.get("retry_after", 1))} if mode == "429" else None
            return self.spring_error(int(mode), "injected failure", headers=retry)
        if mode == "slow":
            time.sleep(float(rule.get("seconds", 30)))
        entry["user"] = self.user()
        if entry["user"] is None:
            return 401
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if segments[:2] != ["api", "export"]:
            return self.spring_error(404, "No message available")
        truncate = mode == "truncate"
        if method == "GET" and len(segments) == 2:
            return self.list_tables(truncate)
        if method == "GET" and len(segments) == 3:
            return self.get_rows(segments[2], parse_qs(parts.query), truncate)
        if method == "DELETE" and len(segments) == 4:
            return self.delete_row(segments[2], segments[3], truncate)
        return self.spring_error(405, "Request method '%s' not supported" % method)

    # ---- the export API ----

    def list_tables(self, truncate):
        store = self.server.store
        with store.lock:
            doc = [{"name": n, "deleteable": t["deleteable"], "size": len(t["rows"])}
                   for n, t in store.tables.items()]
        self.send(200, compact(doc), truncate=truncate)
        return 200

    def get_rows(self, name, query, truncate):
        store = self.server.store
        raw = query.get("greaterThan", ["0"])[-1]
        try:
            above = int(raw)
        except ValueError:
            return self.spring_error(400, "Failed to convert value of type 'java.lang.String' to "
                                     "required type 'long'; For input string: \"%s\"" % raw)
        with store.lock:
            table = store.tables.get(name)
            if table is None:
                rows = None
            else:
                honour = table["kind"] == "questionnaire" and not self.server.opts.ignore_greater_than
                rows = [r for r in table["rows"]
                        if not honour or "id" not in r or r["id"] > above]
        if rows is None:
            return self.spring_error(404, "We have no questionnaire by that name.")
        self.send(200, compact(rows), truncate=truncate)
        return 200

    def delete_row(self, name, raw_id, truncate):
        store = self.server.store
        try:
            row_id = int(raw_id)
        except ValueError:
            return self.spring_error(400, "Failed to convert value of type 'java.lang.String' to "
                                     "required type 'long'; For input string: \"%s\"" % raw_id)
        with store.lock:
            table = store.tables.get(name)
            if table is None:
                status, message = 404, "We have no questionnaire by that name."
            elif not table["deleteable"]:
                status, message = 403, "This data must remain on the server, and cannot be removed."
            else:
                before = len(table["rows"])
                table["rows"] = [r for r in table["rows"] if r.get("id") != row_id]
                table["participants"].pop(str(row_id), None)
                found = len(table["rows"]) < before
                status, message = (200, "") if found else (
                    404, "Questionnaire with that ID does not exist.")
                if found:
                    store.save()
        if status != 200:
            return self.spring_error(status, message, truncate=truncate)
        self.send(200, truncate=truncate)
        return 200

    # ---- control ----

    def control(self, method, path):
        store = self.server.store
        try:
            if method == "POST" and path == "/_control/add":
                doc = self.body_json()
                with store.lock:
                    if doc["table"] not in store.tables:
                        store.table(doc["table"], doc)
                    ids = store.add_rows(doc["table"], doc.get("rows", []))
                    store.save()
                return self.send(200, compact({"ids": ids}))
            if method == "POST" and path == "/_control/fail":
                doc = self.body_json()
                rule = {"mode": str(doc["mode"]), "count": int(doc.get("count", 1)),
                        "path_contains": doc.get("path_contains", "/api/")}
                for key in ("method", "seconds", "retry_after"):
                    if key in doc:
                        rule[key] = doc[key]
                if not (rule["mode"].isdigit() or rule["mode"] in ("slow", "truncate", "drop")):
                    raise ValueError("unknown mode " + rule["mode"])
                with store.lock:
                    store.rules.append(rule)
                return self.send(200, compact(rule))
            if method == "DELETE" and path in ("/_control/fail", "/_control/log"):
                with store.lock:
                    (store.rules if path.endswith("fail") else store.log).clear()
                return self.send(200)
            if method == "GET" and path == "/_control/rows":
                with store.lock:
                    body = compact(store.dump())
                return self.send(200, body)
            if method == "GET" and path == "/_control/log":
                with store.lock:
                    body = compact(store.log)
                return self.send(200, body)
            return self.send(404, compact({"error": "no control endpoint " + method + " " + path}))
        except (ValueError, KeyError, TypeError) as e:
            return self.send(400, compact({"error": "bad control request: %r" % (e,)}))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="0 picks a free port (printed)")
    p.add_argument("--data", help="initial tables and rows (JSON)")
    p.add_argument("--public-key", help="PEM (or DER) SubjectPublicKeyInfo for participantRSA")
    p.add_argument("--padding", choices=["pkcs1", "oaep"], default="pkcs1")
    p.add_argument("--no-encryption", action="store_true",
                   help="participantRSA holds the plain id (encryption.enabled = false)")
    p.add_argument("--user", required=True, help="the admin account")
    p.add_argument("--password", required=True)
    p.add_argument("--user-nonadmin", help="an account without the admin role (gets 403)")
    p.add_argument("--password-nonadmin", help="defaults to --password")
    p.add_argument("--ignore-greater-than", action="store_true",
                   help="every table ignores greaterThan (an older server)")
    p.add_argument("--state", help="write the current rows here after every change")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    opts = p.parse_args(argv)
    if not opts.no_encryption and not opts.public_key:
        p.error("--public-key is required unless --no-encryption is given")
    store = Store(Encryptor(opts.public_key, opts.padding, not opts.no_encryption), opts.state)
    if opts.data:
        with open(opts.data, encoding="utf-8") as f:
            store.load(json.load(f))
    else:
        store.save()
    server = Server((opts.host, opts.port), Handler)
    server.store, server.opts, server.verbose = store, opts, opts.verbose
    print("mindtrails stand-in listening on http://%s:%d/api/export" % server.server_address[:2],
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
