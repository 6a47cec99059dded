#!/usr/bin/env bash
# `npm run demo`: set up what is missing, start the local stack if it is not running, run the
# fleet demo (two workers, simulated traffic, labels flowing back, live progress, summary), and
# stop the stack again if this run started it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash deploy/local/setup.sh

started_stack=0
stop_stack() {
  if ((started_stack)); then
    step "stopping the stack this run started"
    bash deploy/local/stack.sh down || true
  fi
}
trap stop_stack EXIT
if ! bash deploy/local/stack.sh status >/dev/null 2>&1; then
  step "starting the local stack"
  started_stack=1
  bash deploy/local/stack.sh up
fi
# shellcheck source=deploy/local/env.sh
source deploy/local/env.sh

step "fraudstream demo"
node workers/bin/fraudstream.js demo "$@"
