#!/usr/bin/env python3
"""hangproxy.py - a loopback TCP proxy in front of a server that can be told
to hang, to trickle, or to be slow, request by request.

    hangproxy.py UPSTREAM_PORT RULE_FILE

prints "listening on http://127.0.0.1:PORT" and serves until killed.  The
rule file is read for every request (a chunk from the client that starts
with an HTTP method); its one line is one of

    pass                  forward (also when the file is missing or empty)
    hang REGEX            a request whose request line matches REGEX is
                          never answered (the connection stays open)
    trickle REGEX         ... is answered with a 200 whose body never ends:
                          16 bytes of white space every 0.2 s (too fast for
                          a low-speed limit to see a stall)
    delay MS REGEX        ... is forwarded after MS milliseconds
    refuse REGEX          ... is answered at once with a 400 and a HugeGraph
                          error body (a failure that is not tried again)

Only what is read at the time counts: change the file to change the rule.
"""
import re
import socket
import sys
import threading
import time

METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ")
DEBUG = bool(__import__("os").environ.get("HANGPROXY_DEBUG"))


def rule(path):
    try:
        with open(path) as f:
            words = f.read().split(None, 2)
    except OSError:
        return ("pass",)
    if not words or words[0] == "pass":
        return ("pass",)
    if words[0] == "delay":
        return ("delay", int(words[1]), re.compile(words[2].strip() if len(words) > 2 else ""))
    rest = " ".join(words[1:])
    return (words[0], re.compile(rest.strip()))


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def hold(client):
    # never answer: wait for the client to go away
    try:
        while client.recv(65536):
            pass
    except OSError:
        pass


def trickle(client):
    try:
        client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 1000000000\r\n\r\n")
        while True:
            client.sendall(b" " * 16)
            time.sleep(0.2)
    except OSError:
        pass


def refuse(client):
    body = b'{"exception":"class java.lang.IllegalArgumentException","message":"refused by hangproxy","cause":""}'
    try:
        client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                       b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    except OSError:
        pass


def serve(client, upstream, rule_file):
    server = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=pump, args=(server, client), daemon=True).start()
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            if data.startswith(METHODS):
                line = data.split(b"\r\n", 1)[0].decode("latin-1")
                if DEBUG:
                    sys.stderr.write(line + "\n")
                r = rule(rule_file)
                pattern = r[-1] if r[0] != "pass" else None
                if pattern is not None and pattern.search(line):
                    if r[0] == "hang":
                        hold(client)
                        break
                    if r[0] == "trickle":
                        trickle(client)
                        break
                    if r[0] == "refuse":
                        refuse(client)
                        break
                    if r[0] == "delay":
                        time.sleep(r[1] / 1000.0)
            server.sendall(data)
    except OSError:
        pass
    for s in (client, server):
        try:
            s.close()
        except OSError:
            pass


def main():
    upstream = int(sys.argv[1])
    rule_file = sys.argv[2]
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    print("listening on http://127.0.0.1:%d" % lsock.getsockname()[1], flush=True)
    while True:
        client, _ = lsock.accept()
        threading.Thread(target=serve, args=(client, upstream, rule_file), daemon=True).start()


if __name__ == "__main__":
    main()
