#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need when it is missing,
# then runs the format check, clippy (warnings are errors) and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

# The aws CLI v1 (botocore 1.43, the model version shapecheck checks against).
if ! command -v aws >/dev/null 2>&1; then
    echo "test.sh: installing the aws CLI with pip" >&2
    python3 -m pip install --quiet 'awscli==1.45.11'
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
    hash -r
fi
aws --version >&2

# Headless Chromium and chromedriver for the dashboard's browser test (Debian packages).
if ! command -v chromedriver >/dev/null 2>&1; then
    echo "test.sh: installing chromium and chromium-driver with apt-get" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    hash -r
fi
chromedriver --version >&2

# shapecheck lives beside the repository (../shared/tools/shapecheck); CUTOVER_SHAPECHECK_DIR
# overrides. The CLI tests refuse to run without it rather than skip the checks.
export CUTOVER_SHAPECHECK_DIR="${CUTOVER_SHAPECHECK_DIR:-$(cd .. && pwd)/shared/tools/shapecheck}"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The Dockerfile, checked with what runs here (no Docker engine on our machines).
docker_failed=0
if [ "$status" -eq 0 ]; then
    if bash docker/check.sh; then echo "test result: ok. 1 passed; 0 failed (docker/check.sh)" >> "$log"; else docker_failed=1; status=1; fi
fi
set -e
# One closing line for the whole run (cargo prints one "test result" per test binary).
awk -v extra="$docker_failed" '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f + extra }' "$log"
exit "$status"
