#!/usr/bin/env bash
# Brings a checkout to a runnable state, installing only what is missing, so `npm test` and
# `npm run demo` work on a fresh clone and cost seconds on a warm one. Kafka's jars and Redis are
# fetched by stack.sh when the stack first starts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

major="$(node -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then
  echo "fraudstream needs Node.js 20 or newer (found $(node -v))" >&2
  exit 1
fi

# npm ci wipes node_modules (and with it the native TF binding), so only run it when the
# lockfile changed since the last install. Scripts are skipped because tfjs-node's install
# script downloads libtensorflow from a host this machine may not reach; tfjs-native.sh
# provides it instead. Likewise @confluentinc/kafka-javascript's fetches its addon (or
# librdkafka's dependencies) from GitHub; kafka-native.sh builds it against Debian's libraries.
# No other dependency needs its install script (see README).
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
marker="node_modules/.fraudstream-lock-sha256"
if [[ ! -f "$marker" || "$(cat "$marker")" != "$lock_hash" ]]; then
  step "installing npm dependencies (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$lock_hash" >"$marker"
fi

bash deploy/local/tfjs-native.sh
bash deploy/local/kafka-native.sh
# kubernetes-validate (PyPI) for the manifest checks of tests/deploy, in a cached venv.
bash deploy/k8s/validate.sh --setup

# Report plots (evaluation, benchmarks) render text with DejaVu Sans.
if ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
  step "installing fonts-dejavu-core (apt) for report plots"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core
fi

step "building packages (turbo, cached)"
TURBO_TELEMETRY_DISABLED=1 npx turbo run build --output-logs=errors-only
