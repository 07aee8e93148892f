"""An example lifecycle hook service for the compose file: answers every hook invocation with
{"status": "Succeeded"} except the functions listed in FAIL (comma-separated), which fail.
Real hooks would test the application through the test listener, then call
PutLifecycleEventHookExecutionStatus; answering the POST directly is cutover's shortcut."""
import http.server, json, os

FAIL = {f for f in os.environ.get("FAIL", "").split(",") if f}


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        function = self.path.strip("/")
        status = "Failed" if function in FAIL else "Succeeded"
        print(f"hook {function} for {event.get('DeploymentId')}: {status}", flush=True)
        body = json.dumps({"status": status}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer(("0.0.0.0", 9000), Hook).serve_forever()
