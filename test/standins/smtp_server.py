#!/usr/bin/python3
"""An SMTP server on loopback for end-to-end tests: aiosmtpd with its debugging handler (every
message received is printed, after a `MESSAGE FOLLOWS` line) and, with --user and --password,
AUTH PLAIN and LOGIN offered over plain SMTP and required before MAIL.

  smtp_server.py --listen 127.0.0.1:PORT [--user NAME --password SECRET]

Debian's python3-aiosmtpd; run with /usr/bin/python3.
"""
import argparse
import asyncio
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Debugging
from aiosmtpd.smtp import AuthResult


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False)

    options = {}
    if args.user:
        warnings.simplefilter("ignore")
        options = dict(authenticator=authenticator, auth_require_tls=False,
                       auth_required=True)
    controller = Controller(Debugging(sys.stdout), hostname=host, port=int(port),
                            **options)
    controller.start()
    print("smtp stand-in listening on %s" % args.listen, flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
