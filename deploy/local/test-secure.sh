#!/usr/bin/env bash
# The secured pass of `npm test` (docs/security.md): brings up a private stack with
# `stack.sh up --secure` (its own FRAUDSTREAM_HOME and ports, beside the ordinary stack), runs the
# secured subset of the integration suite against it on both Kafka clients, and takes it down
# again, whatever the result. Workers under test connect as the `worker` principal; the test
# harness as `admin` (FS_TEST_* variables, see tests/support/services.ts).
#
#   bash deploy/local/test-secure.sh     # exit 0 when every suite passed
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# The secured subset: produce, consume, score and dead letters (pipeline), retry, labels,
# exactly-once, and the security failures themselves. jest takes these as patterns: the
# `.test` suffix keeps worker-labels from also matching worker-labels-retry (not in the subset).
SUBSET=(integration/worker-pipeline.test integration/worker-retry.test
  integration/worker-labels.test integration/worker-exactly-once.test
  secure/kafka-sasl-credentials.test)

# Its own home and ports, so it never meets the ordinary stack or a developer's.
export FRAUDSTREAM_HOME="${FS_SECURE_TEST_HOME:-${FRAUDSTREAM_HOME:-$ROOT/.fraudstream}/secure-test}"
export FS_KAFKA_PORT="${FS_SECURE_TEST_KAFKA_PORT:-19192}"
export FS_KAFKA_CONTROLLER_PORT="${FS_SECURE_TEST_CONTROLLER_PORT:-19193}"
export FS_REDIS_PORT="${FS_SECURE_TEST_REDIS_PORT:-16479}"
export FS_KAFKA_HEAP="${FS_SECURE_TEST_KAFKA_HEAP:-512m}"
# The ACLs must also cover the names the tests make: groups scoring-<uuid> and labels-<uuid>
# (and transactional ids after them), Redis keys under fstest:<id>: and fstest-bull-<id>.
export FS_SECURE_WORKER_GROUP_PREFIXES="fraudstream-,scoring-,labels-"
export FS_SECURE_REDIS_WORKER_KEYS='~fs:feat:* ~bull:* ~fstest:* ~fstest-bull-*'
# Client settings from the environment of the ordinary stack would point elsewhere.
unset FS_KAFKA_SECURITY_PROTOCOL FS_KAFKA_SSL_CA FS_KAFKA_SASL_USERNAME FS_KAFKA_SASL_PASSWORD_FILE \
  FS_REDIS_CA FS_REDIS_USERNAME FS_REDIS_PASSWORD_FILE FS_KAFKA_BROKERS FS_REDIS_URL

# shellcheck disable=SC2317 # called by the EXIT trap
stop() { bash deploy/local/stack.sh down >/dev/null || printf 'secured stack: down failed (home %s)\n' "$FRAUDSTREAM_HOME" >&2; }
trap stop EXIT
bash deploy/local/stack.sh up --secure

# shellcheck source=deploy/local/env.sh
source deploy/local/env.sh
export FS_TEST_KAFKA_SASL_USERNAME=admin FS_TEST_REDIS_USERNAME=admin
export FS_TEST_KAFKA_SASL_PASSWORD_FILE="$FS_SECURE_DIR/kafka-admin.password"
export FS_TEST_REDIS_PASSWORD_FILE="$FS_SECURE_DIR/redis-admin.password"

status=0
for client in kafkajs librdkafka; do
  (cd tests && FS_KAFKA_CLIENT=$client FS_TEST_RESULTS_LABEL="secure-$client" npx jest --runInBand "${SUBSET[@]}") || status=1
done
exit "$status"
