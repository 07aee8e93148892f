#!/usr/bin/env python3
"""Measures how punctually traffic steps fire in scaled real time (issue 5: each step within 1 %
of its interval at --time-scale 60). Starts cutover with the walkthrough bootstrap at 60 virtual
seconds per real second, deploys v2 (linear 10 % every minute = one step per real second), and
records the real arrival time of every `weights` event on /_cutover/events.

Usage: scripts/measure-step-timing.py [path/to/cutover]   (default target/release/cutover)
"""
import http.client, json, os, socket, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/release/cutover")
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
url = f"http://127.0.0.1:{port}"
srv = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--bootstrap", os.path.join(root, "fixtures/walkthrough.yaml"),
                        "--time-scale", "60"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    srv.stdout.readline()
    env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    run = lambda *a: subprocess.run(["aws", *a], env=env, check=True, capture_output=True, text=True).stdout
    run("ecs", "register-task-definition", "--cli-input-json", f"file://{root}/fixtures/task-definitions/my-app-task-v2.json")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/_cutover/events")
    resp = conn.getresponse()
    run("deploy", "create-deployment", "--application-name", "my-app", "--deployment-group-name", "my-app-dg",
        "--revision", f"file://{root}/fixtures/codedeploy/revision-v2.json")
    arrivals = []  # (real monotonic seconds, virtual seconds, replacement weight)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = resp.fp.readline().decode()
        if not line.startswith("data:"):
            continue
        ev = json.loads(line[5:])
        if ev["kind"] == "weights" and ev["data"].get("replacement", 0) > 0:
            arrivals.append((time.monotonic(), ev["time"], ev["data"]["replacement"]))
            if ev["data"]["replacement"] >= 100:
                break
    gaps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(arrivals, arrivals[1:])]
    worst = max(abs(real - 1.0) for real, _ in gaps)
    print(json.dumps({"measurement": "traffic_step_punctuality", "time_scale": 60, "interval_virtual_s": 60,
                      "steps": len(arrivals), "real_gaps_s": [round(r, 4) for r, _ in gaps],
                      "virtual_gaps_s": [round(v, 3) for _, v in gaps], "worst_deviation_pct": round(worst * 100, 2)}))
finally:
    srv.terminate()
    srv.wait(timeout=10)
