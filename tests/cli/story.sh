#!/usr/bin/env bash
# The rehearsal story, with the aws CLI only (plus cutover's control API), against a running
# cutover at $CUTOVER_URL:
#   a live service my-app-service runs my-app-task:1 behind the ALB's listener on TG-A; TG-B is
#   spare. Deploy my-app-task:2 with an AppSpec and two hooks, watch the 10 % steps, wait for
#   success; the next deployment goes back into TG-A; a failing hook rolls traffic back.
# Every aws call's response is checked by shapecheck when SHAPECHECK_DIR is set (reports in
# $SHAPECHECK_REPORTS). Exits non-zero on the first unexpected result.
set -euo pipefail
: "${CUTOVER_URL:?set CUTOVER_URL}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'kill "${HOOK_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
awsx() {
    if [ -n "${SHAPECHECK_DIR:-}" ]; then
        PYTHONPATH="$SHAPECHECK_DIR/autoload" SHAPECHECK=1 SHAPECHECK_REPORT=0 \
            SHAPECHECK_OUT="$(mktemp "${SHAPECHECK_REPORTS:-$WORK}/story-XXXXXXXX.json")" \
            aws --endpoint-url "$CUTOVER_URL" --output json "$@"
    else
        aws --endpoint-url "$CUTOVER_URL" --output json "$@"
    fi
}
ctl() { curl -sS -f -X "$1" "$CUTOVER_URL/_cutover/$2" ${3:+-H content-type:application/json -d "$3"}; }
advance() { ctl POST clock/advance "{\"seconds\": $1}" >/dev/null; }
expect() { # expect WHAT EXPECTED ACTUAL
    if [ "$2" != "$3" ]; then echo "story: $1: expected [$2], got [$3]" >&2; exit 1; fi
    echo "story: $1: $3"
}
prod_weights() { awsx elbv2 describe-listeners --listener-arns "$PROD" \
    --query 'Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups[].[TargetGroupArn,Weight]' --output text \
    | sed 's#.*targetgroup/\([^/]*\)/[0-9a-f]*#\1#' | tr '\t\n' '= ' | sed 's/ $//'; }

ctl PUT clock '{"mode": "manual"}' >/dev/null

# The environment at rest.
awsx ecs create-cluster --cluster-name my-cluster >/dev/null
awsx ecs register-task-definition --cli-input-json "file://$ROOT/fixtures/task-definitions/my-app-task-v1.json" >/dev/null
awsx ecs register-task-definition --cli-input-json "file://$ROOT/fixtures/task-definitions/my-app-task-v2.json" >/dev/null
LB=$(awsx elbv2 create-load-balancer --name my-alb --subnets subnet-1 subnet-2 --query 'LoadBalancers[0].LoadBalancerArn' --output text)
TGA=$(awsx elbv2 create-target-group --name tg-a --protocol HTTP --port 80 --vpc-id vpc-1 --target-type ip --query 'TargetGroups[0].TargetGroupArn' --output text)
TGB=$(awsx elbv2 create-target-group --name tg-b --protocol HTTP --port 80 --vpc-id vpc-1 --target-type ip --query 'TargetGroups[0].TargetGroupArn' --output text)
PROD=$(awsx elbv2 create-listener --load-balancer-arn "$LB" --port 80 --default-actions "Type=forward,TargetGroupArn=$TGA" --query 'Listeners[0].ListenerArn' --output text)
TEST=$(awsx elbv2 create-listener --load-balancer-arn "$LB" --port 8080 --default-actions "Type=forward,TargetGroupArn=$TGA" --query 'Listeners[0].ListenerArn' --output text)
awsx ecs create-service --cluster my-cluster --service-name my-app-service --task-definition my-app-task:1 \
    --desired-count 2 --deployment-controller type=CODE_DEPLOY \
    --load-balancers "targetGroupArn=$TGA,containerName=app,containerPort=8080" \
    --network-configuration 'awsvpcConfiguration={subnets=[subnet-1,subnet-2],assignPublicIp=DISABLED}' >/dev/null
advance 200
expect "service running" "2" "$(awsx ecs describe-services --cluster my-cluster --services my-app-service --query 'services[0].runningCount' --output text)"

awsx deploy create-application --application-name my-app --compute-platform ECS >/dev/null
sed -e "s#arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/0123456789abcdef/80aaaaaaaaaaaaaa#$PROD#" \
    -e "s#arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/0123456789abcdef/8080bbbbbbbbbbbb#$TEST#" \
    "$ROOT/fixtures/codedeploy/deployment-group.json" > "$WORK/dg.json"
awsx deploy create-deployment-group --cli-input-json "file://$WORK/dg.json" >/dev/null

# Two hooks, served by a tiny HTTP service that answers {"status": <per function>}.
cat > "$WORK/hooks.py" <<'PY'
import http.server, json, sys
answers = {"CheckTestTraffic": "Succeeded", "CheckProdTraffic": "Succeeded", "BrokenCheck": "Failed"}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["content-length"])))
        assert event["DeploymentId"] and event["LifecycleEventHookExecutionId"]
        body = json.dumps({"status": answers.get(self.path.strip("/"), "Succeeded")}).encode()
        self.send_response(200); self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY
python3 "$WORK/hooks.py" > "$WORK/hook.port" &
HOOK_PID=$!
for _ in $(seq 100); do [ -s "$WORK/hook.port" ] && break; sleep 0.05; done
HOOK="http://127.0.0.1:$(cat "$WORK/hook.port")"
for f in CheckTestTraffic CheckProdTraffic BrokenCheck; do ctl PUT "hooks/$f" "{\"url\": \"$HOOK/$f\"}" >/dev/null; done

revision() { python3 -c 'import json,hashlib,sys; c=open(sys.argv[1]).read(); print(json.dumps({"revisionType":"AppSpecContent","appSpecContent":{"content":c,"sha256":hashlib.sha256(c.encode()).hexdigest()}}))' "$1"; }
wait_event() { # wait_event ID EVENT STATUS (hooks answer over HTTP, in real time)
    for _ in $(seq 200); do
        s=$(awsx deploy get-deployment-target --deployment-id "$1" --target-id my-cluster:my-app-service \
            --query "deploymentTarget.ecsTarget.lifecycleEvents[?lifecycleEventName=='$2'].status | [0]" --output text)
        [ "$s" = "$3" ] && return 0
        sleep 0.05
    done
    echo "story: $2 of $1 never became $3 (last: $s)" >&2; exit 1
}

# Deploy my-app-task:2.
D=$(awsx deploy create-deployment --application-name my-app --deployment-group-name my-app-dg \
    --revision "$(revision "$ROOT/fixtures/codedeploy/appspec-v2.yaml")" --query deploymentId --output text)
echo "story: deployment $D"
expect "replacement task set" "ACTIVE tg-b" "$(awsx deploy get-deployment-target --deployment-id "$D" --target-id my-cluster:my-app-service \
    --query 'deploymentTarget.ecsTarget.taskSetsInfo[1].[status,targetGroup.name]' --output text | tr '\t' ' ')"
advance 161
wait_event "$D" AfterAllowTestTraffic Succeeded
expect "test listener" "tg-b=1" "$(awsx elbv2 describe-listeners --listener-arns "$TEST" \
    --query 'Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups[].[TargetGroupArn,Weight]' --output text \
    | sed 's#.*targetgroup/\([^/]*\)/[0-9a-f]*#\1#' | tr '\t' '=')"
for pct in 10 20 30 40 50 60 70 80 90; do
    expect "production at $pct %" "tg-a=$((100 - pct)) tg-b=$pct" "$(prod_weights)"
    advance 60
done
expect "production at 100 %" "tg-b=1" "$(prod_weights)"
wait_event "$D" AfterAllowTraffic Succeeded
# The rest in scaled real time: the termination wait (5 min) passes in 0.3 s.
ctl PUT clock '{"mode": "real", "scale": 1000}' >/dev/null
awsx deploy wait deployment-successful --deployment-id "$D"
expect "deployment" "Succeeded" "$(awsx deploy get-deployment --deployment-id "$D" --query deploymentInfo.status --output text)"
ctl PUT clock '{"mode": "manual"}' >/dev/null
advance 400
expect "task sets" "1" "$(awsx ecs describe-services --cluster my-cluster --services my-app-service --query 'length(services[0].taskSets)' --output text)"

# The next deployment goes back into TG-A, and its hook fails: traffic returns to TG-B.
sed -e 's#my-app-task:2#my-app-task:1#' -e 's#CheckTestTraffic#BrokenCheck#' "$ROOT/fixtures/codedeploy/appspec-v2.yaml" > "$WORK/appspec-broken.yaml"
D2=$(awsx deploy create-deployment --application-name my-app --deployment-group-name my-app-dg \
    --revision "$(revision "$WORK/appspec-broken.yaml")" --query deploymentId --output text)
expect "replacement goes to" "tg-a" "$(awsx deploy get-deployment-target --deployment-id "$D2" --target-id my-cluster:my-app-service \
    --query 'deploymentTarget.ecsTarget.taskSetsInfo[1].targetGroup.name' --output text)"
advance 161
wait_event "$D2" AfterAllowTestTraffic Failed
if awsx deploy wait deployment-successful --deployment-id "$D2" 2>/dev/null; then echo "story: the waiter succeeded on a failed deployment" >&2; exit 1; fi
expect "failed deployment" "Failed HOOK_EXECUTION_FAILURE" "$(awsx deploy get-deployment --deployment-id "$D2" --query 'deploymentInfo.[status,errorInformation.code]' --output text | tr '\t' ' ')"
RB=$(awsx deploy get-deployment --deployment-id "$D2" --query deploymentInfo.rollbackInfo.rollbackDeploymentId --output text)
expect "rollback deployment" "Succeeded codeDeployRollback" "$(awsx deploy get-deployment --deployment-id "$RB" --query 'deploymentInfo.[status,creator]' --output text | tr '\t' ' ')"
expect "production after rollback" "tg-b=1" "$(prod_weights)"
expect "target groups" "2" "$(awsx elbv2 describe-target-groups --query 'length(TargetGroups)' --output text)"
echo "story: done"
