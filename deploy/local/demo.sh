#!/usr/bin/env bash
# `npm run demo`: set up what is missing, start the local stack if it is not running, run the
# fleet demo (two workers, simulated traffic, labels flowing back, live progress, summary), and
# stop the stack again if this run started it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash deploy/local/setup.sh

# The registry shows the contracts going through a Confluent-compatible REST registry too.
# shellcheck source=deploy/local/lib/with-stack.sh
source deploy/local/lib/with-stack.sh
fs_with_stack registry
# shellcheck source=deploy/local/env.sh
source deploy/local/env.sh
export FS_REGISTRY_URL="${FS_REGISTRY_URL:-http://127.0.0.1:${FS_REGISTRY_PORT:-18081}/apis/ccompat/v6}"

step "fraudstream doctor"
node cli/bin/fraudstream.js doctor
step "the contracts: four Avro records, embedded and REST registries, evolution, validation"
node cli/bin/fraudstream.js schemas demo --registry-url "$FS_REGISTRY_URL"
step "the fleet: two workers, simulated traffic, labels flowing back"
node cli/bin/fraudstream.js demo "$@"
