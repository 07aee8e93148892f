#!/usr/bin/env bash
# Regenerates fixtures/wire/: starts cutover (manual clock), sends fixed call sequences with the
# aws CLI and the AWS SDK for Rust through the recording proxy. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p cutover
cargo build -q -p cutover-e2e --example capture_sdk
rm -rf fixtures/wire/aws-cli fixtures/wire/rust-sdk
out=$(mktemp)
./target/debug/cutover serve --listen 127.0.0.1:0 --clock manual >"$out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
url=$(sed -n 's/cutover listening on //p' "$out")
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
cli() { scripts/capture-fixtures.py "$url" fixtures/wire/aws-cli -- sh -c "aws --endpoint-url \$CAPTURE_URL $* >/dev/null 2>&1"; }
cli ecs list-clusters
cli ecs create-cluster --cluster-name web --tags key=team,value=blue --settings name=containerInsights,value=enabled
cli ecs describe-clusters --clusters web ghost --include TAGS
cli ecs list-clusters --page-size 1
cli ecs delete-cluster --cluster ghost
cli deploy list-applications
cli deploy get-application --application-name ghost
cli deploy batch-get-applications --application-names ghost
cli elbv2 describe-load-balancers
cli elbv2 describe-load-balancers --names a b
cli elbv2 describe-load-balancers --names a --load-balancer-arns b
cli elbv2 delete-load-balancer --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gone/0123456789abcdef
cli ecs delete-cluster --cluster web
curl -s -XPOST "$url/_cutover/reset" >/dev/null
scripts/capture-fixtures.py "$url" fixtures/wire/rust-sdk -- ./target/debug/examples/capture_sdk
ls fixtures/wire/*
