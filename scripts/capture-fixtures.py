#!/usr/bin/env python3
"""Records golden wire fixtures: a recording proxy in front of a running cutover.

Every request a real client sends through the proxy is forwarded to cutover, and the pair
(request as the client sent it, response as cutover answered) is written to
fixtures/wire/<client>/<NN>-<service>-<Operation>.json. The golden tests replay the requests
through the wire and service layers and compare the answers byte for byte.

Usage: scripts/capture-fixtures.py CUTOVER_URL OUT_DIR -- COMMAND...
       (COMMAND gets CAPTURE_URL in its environment: point the client at it)
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request

upstream, out_dir = sys.argv[1], sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
os.makedirs(out_dir, exist_ok=True)
seq = [len(os.listdir(out_dir))]
KEEP = ("content-type", "x-amz-target", "authorization", "x-amz-date", "user-agent", "x-amz-user-agent")


class Proxy(http.server.BaseHTTPRequestHandler):
    def _handle(self):
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n)
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() in KEEP}
        req = urllib.request.Request(upstream + self.path, data=body if self.command != "GET" else None,
                                     method=self.command, headers=dict(self.headers.items()))
        try:
            resp = urllib.request.urlopen(req)
            status, rbody, rheaders = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            status, rbody, rheaders = e.code, e.read(), e.headers
        target = headers.get("x-amz-target", "")
        if target:
            service, op = target.split(".", 1)
        else:
            from urllib.parse import parse_qs
            q = parse_qs(body.decode("utf-8", "replace"))
            service, op = "elbv2", q.get("Action", ["-"])[0]
        service = {"AmazonEC2ContainerServiceV20141113": "ecs", "CodeDeploy_20141006": "codedeploy"}.get(service, service)
        seq[0] += 1
        name = f"{seq[0]:02d}-{service}-{op}.json"
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump({
                "service": service, "operation": op,
                "request": {"method": self.command, "path": self.path, "headers": headers,
                            "body": body.decode("utf-8")},
                "response": {"status": status, "request_id": rheaders.get("x-amzn-RequestId"),
                             "body": rbody.decode("utf-8")},
            }, f, indent=1)
            f.write("\n")
        self.send_response(status)
        for k, v in rheaders.items():
            if k.lower() not in ("content-length", "connection", "date", "server", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("content-length", str(len(rbody)))
        self.end_headers()
        self.wfile.write(rbody)

    do_POST = do_GET = _handle

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
threading.Thread(target=srv.serve_forever, daemon=True).start()
env = dict(os.environ, CAPTURE_URL=f"http://127.0.0.1:{srv.server_address[1]}")
rc = subprocess.call(cmd, env=env)
srv.shutdown()
sys.exit(0 if rc in (0, 254, 255) else rc)
