#!/usr/bin/env python3
"""Heartbeat stand-in (healthchecks.io protocol) for ferry's tests, on 127.0.0.1.

Usage: heartbeat_server.py PORT LOG [silent]
Appends one line per ping to LOG: `METHOD PATH?QUERY BODY` (body with newlines as \\n) and
answers `200 OK` with the body `OK`. With `silent`, it accepts connections and never answers.
"""
import http.server
import sys
import threading
import time

port, log_path = int(sys.argv[1]), sys.argv[2]
silent = len(sys.argv) > 3 and sys.argv[3] == "silent"
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def handle_one(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with lock, open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{method} {self.path} {body.strip()}".replace("\n", "\\n") + "\n")
        if silent:
            time.sleep(3600)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
print("listening", flush=True)
server.serve_forever()
