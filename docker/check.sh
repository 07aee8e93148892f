#!/usr/bin/env bash
# No Docker engine runs on our machines, so this checks the Dockerfile with what can run here:
# every COPY source exists, the build stage's cargo command builds the binary the final stage
# copies, and that binary — started with the image's ENV/CMD — passes the image's HEALTHCHECK.
# Usage: docker/check.sh [--release]   (debug build by default: same command minus --release)
set -euo pipefail
cd "$(dirname "$0")/.."
DF=docker/Dockerfile
for src in $(awk '/^COPY/ && !/--from/ { for (i = 2; i < NF; i++) print $i }' "$DF"); do
    [ -e "$src" ] || { echo "docker/check: COPY source $src missing" >&2; exit 1; }
done
build=$(sed -n 's/^RUN \(cargo build.*\)$/\1/p' "$DF")
[ -n "$build" ] || { echo "docker/check: no cargo build step" >&2; exit 1; }
profile=release
if [ "${1:-}" != "--release" ]; then build=${build/--release /}; profile=debug; fi
echo "docker/check: $build"
$build
bin="target/$profile/$(sed -n 's#^COPY --from=build /src/target/release/\([^ ]*\) .*#\1#p' "$DF")"
[ -x "$bin" ] || { echo "docker/check: $bin not built" >&2; exit 1; }
grep -q '^ENV CUTOVER_LISTEN=0.0.0.0:4566' "$DF"
grep -q '^CMD \["serve"\]' "$DF"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CUTOVER_LISTEN="127.0.0.1:$port" "$bin" serve --bootstrap fixtures/walkthrough.yaml >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
health=$(sed -n 's/.*CMD \["\/usr\/local\/bin\/cutover", \(.*\)\]$/\1/p' "$DF" | tr -d '",' | sed "s/4566/$port/")
for _ in $(seq 50); do
    if "$bin" $health >/dev/null 2>&1; then echo "docker/check: HEALTHCHECK passes (cutover $health)"; exit 0; fi
    sleep 0.1
done
echo "docker/check: HEALTHCHECK never passed" >&2
exit 1
