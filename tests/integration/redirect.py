#!/usr/bin/env python3
"""redirect.py HITS: loopback servers for the redirect test of test_tls.sh.

Prints one line "ports R1 R2 TARGET" once listening:
  R1     answers every request with 302 to http://127.0.0.1:TARGET/versions
  R2     answers every request with 301 to http://localhost:TARGET/versions
  TARGET answers like a HugeGraph server's /versions and appends a line to
         the file HITS for every request, so that a followed redirect shows.
Runs until killed.
"""
import http.server
import socketserver
import sys
import threading

HITS = sys.argv[1]
VERSIONS = b'{"versions":{"version":"v1","core":"1.5.0","gremlin":"3.5.1","api":"0.71.0.0"}}'


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def redirector(status, location_fmt):
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"moved":true}'
            self.send_response(status)
            self.send_header("Location", location_fmt.format(port=TARGET_PORT))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = do_GET

        def log_message(self, *args):
            pass

    return H


class Target(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(HITS, "a") as f:
            f.write(self.command + " " + self.path + "\n")
        body = VERSIONS if self.path.startswith("/versions") else b'{"graphs":["g"]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


target = Server(("127.0.0.1", 0), Target)
TARGET_PORT = target.server_address[1]
r1 = Server(("127.0.0.1", 0), redirector(302, "http://127.0.0.1:{port}/versions"))
r2 = Server(("127.0.0.1", 0), redirector(301, "http://localhost:{port}/versions"))
for s in (target, r1, r2):
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ports %d %d %d" % (r1.server_address[1], r2.server_address[1], TARGET_PORT), flush=True)
threading.Event().wait()
