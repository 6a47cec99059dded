#!/usr/bin/env bash
# `npm test`: set up what is missing, start the local stack if it is not running, run lint and
# every test suite (unit and integration, against the real Kafka and Redis), stop what it
# started even when tests fail, and close with one "N passed, N failed" line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash deploy/local/setup.sh

# The schema-registry and tracing suites need a Confluent-compatible registry (Apicurio) and Jaeger too.
# shellcheck source=deploy/local/lib/with-stack.sh
source deploy/local/lib/with-stack.sh
fs_with_stack registry,jaeger
# shellcheck source=deploy/local/env.sh
source deploy/local/env.sh

export TURBO_TELEMETRY_DISABLED=1
results="${FRAUDSTREAM_HOME}/test-results"
rm -rf "$results" && mkdir -p "$results"
export FS_TEST_RESULTS_DIR="$results"

status=0
step "lint"
npx turbo run lint --output-logs=errors-only || status=1
step "format check"
npx prettier --check . --log-level warn || status=1
step "tests (unit and integration)"
npx turbo run test --concurrency=1 --continue || status=1
# The workers run on either Kafka client (FS_KAFKA_CLIENT); the turbo run above used the default,
# kafkajs. The whole integration suite runs again on librdkafka.
step "integration suite again, workers on the librdkafka client"
(cd tests && FS_KAFKA_CLIENT=librdkafka FS_TEST_RESULTS_LABEL=librdkafka npx jest integration) || status=1
# The secured subset (docs/security.md), on a private `stack.sh up --secure` stack of its own.
step "secured subset: TLS + SCRAM Kafka, TLS + ACL Redis, both clients"
bash deploy/local/test-secure.sh || status=1

node deploy/local/test-summary.js "$results" || status=1
exit "$status"
