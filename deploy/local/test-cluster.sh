#!/usr/bin/env bash
# `npm run test:cluster`: the 3-node Kafka cluster of `stack.sh up --brokers 3`, for real, on a
# throwaway FRAUDSTREAM_HOME and free ports (a running stack is left alone). Checks with Kafka's
# own tools that topics get replication factor 3 and min.insync.replicas 2, SIGKILLs the node
# leading the test partition, shows that an acks=all idempotent produce still succeeds and a
# consumer group reads the record, restarts the node with `up`, then stops everything. About 90 s
# on two busy cores; not part of `npm test`, which runs against the single-broker stack.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
STACK=(bash "$ROOT/deploy/local/stack.sh")
CLI=(bash "$ROOT/deploy/local/kafka-cli.sh")
T0=$SECONDS
TOPIC=cluster-test
GROUP=cluster-test-group

step() { printf '\033[1m==> [%3ss] %s\033[0m\n' "$((SECONDS - T0))" "$*"; }
fail() {
  printf '\033[31mFAIL: %s\033[0m\n' "$*" >&2
  exit 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Six consecutive ports for the nodes (client/controller pairs) and one for Redis.
pick_ports() {
  local base p
  for _ in $(seq 1 50); do
    base=$((20000 + (RANDOM % 2000) * 10))
    for p in $(seq "$base" $((base + 7))); do
      if port_open "$p"; then continue 2; fi
    done
    FS_KAFKA_PORT=$base FS_KAFKA_CONTROLLER_PORT=$((base + 1)) FS_REDIS_PORT=$((base + 7))
    return 0
  done
  fail "no free block of ports found"
}

FRAUDSTREAM_HOME=$(mktemp -d /tmp/fraudstream-cluster-test.XXXXXX)
pick_ports
export FRAUDSTREAM_HOME FS_KAFKA_PORT FS_KAFKA_CONTROLLER_PORT FS_REDIS_PORT
unset FS_KAFKA_BROKERS_COUNT FS_KAFKA_HEAP FS_STACK_WITH

cleanup() {
  local rc=$?
  step "down"
  "${STACK[@]}" down || rc=1
  if ((rc == 0)); then rm -rf "$FRAUDSTREAM_HOME"; else echo "state and logs kept in $FRAUDSTREAM_HOME" >&2; fi
  printf '%s in %ss\n' "$( ((rc == 0)) && echo PASSED || echo FAILED)" "$((SECONDS - T0))"
  exit "$rc"
}
trap cleanup EXIT

step "up --brokers 3 (home $FRAUDSTREAM_HOME, ports $FS_KAFKA_PORT-$((FS_KAFKA_PORT + 5)), redis $FS_REDIS_PORT)"
t=$SECONDS
"${STACK[@]}" up --brokers 3
echo "up took $((SECONDS - t))s"
# shellcheck source=deploy/local/env.sh
. "$ROOT/deploy/local/env.sh"
[[ $FS_KAFKA_NODE_COUNT == 3 && $FS_KAFKA_BROKERS == *,*,* ]] ||
  fail "env.sh does not see the 3-node cluster: FS_KAFKA_BROKERS=$FS_KAFKA_BROKERS"

step "status lists three running nodes"
"${STACK[@]}" status | tee "$FRAUDSTREAM_HOME/status.txt"
[[ $(grep -cE '^kafka(@[23])? +running' "$FRAUDSTREAM_HOME/status.txt") == 3 ]] || fail "status does not show 3 running kafka nodes"

step "a later up without --brokers keeps the shape; --brokers 1 is refused"
"${STACK[@]}" up >/dev/null
if "${STACK[@]}" up --brokers 1 2>"$FRAUDSTREAM_HOME/refused.txt"; then fail "up --brokers 1 on a 3-node home succeeded"; fi
grep -q '3-node cluster' "$FRAUDSTREAM_HOME/refused.txt" || fail "unexpected refusal: $(cat "$FRAUDSTREAM_HOME/refused.txt")"

step "topics.conf topics: replication factor 3, min.insync.replicas 2 (kafka-topics --describe)"
desc=$("${CLI[@]}" topics --describe --topic "$FS_TOPIC_TRANSACTIONS")
printf '%s\n' "$desc" | head -n 2
grep -qE '^Topic:.*ReplicationFactor: 3.*min\.insync\.replicas=2' <<<"$desc" || fail "$FS_TOPIC_TRANSACTIONS: not RF 3 / min.insync.replicas 2"

step "broker defaults: a topic created without settings is RF 3; min.insync.replicas 2 on the brokers"
"${CLI[@]}" topics --create --topic "$TOPIC" --partitions 1 >/dev/null
desc=$("${CLI[@]}" topics --describe --topic "$TOPIC")
grep -qE '^Topic:.*ReplicationFactor: 3' <<<"$desc" || fail "$TOPIC: not RF 3: $desc"
conf=$("${CLI[@]}" configs --describe --all --entity-type brokers --entity-name 2)
for kv in min.insync.replicas=2 offsets.topic.replication.factor=3 transaction.state.log.replication.factor=3 transaction.state.log.min.isr=2; do
  grep -q "^ *$kv " <<<"$conf" || fail "broker 2: $kv not set"
done

step "acks=all produce and a group consume with all three nodes up"
produce() {
  printf '%s\n' "$1" | timeout 90 "${CLI[@]}" produce --topic "$TOPIC" --sync \
    --request-required-acks all --producer-property enable.idempotence=true \
    --producer-property delivery.timeout.ms=60000 --max-block-ms 60000
}
consume_one() {
  timeout 90 "${CLI[@]}" consume --topic "$TOPIC" --group "$GROUP" --from-beginning \
    --max-messages 1 --timeout-ms 60000 2>/dev/null
}
produce "before-kill"
[[ $(consume_one) == before-kill ]] || fail "could not read back the first record"
grep -qE '^Topic:.*ReplicationFactor: 3' <<<"$("${CLI[@]}" topics --describe --topic __consumer_offsets)" ||
  fail "__consumer_offsets is not RF 3"

leader=$("${CLI[@]}" topics --describe --topic "$TOPIC" | awk '/Partition: 0/ { for (i = 1; i < NF; i++) if ($i == "Leader:") print $(i + 1) }')
[[ $leader =~ ^[123]$ ]] || fail "no leader found for $TOPIC-0"
name=kafka
((leader == 1)) || name="kafka@$leader"
pid=$(head -n 1 "$FRAUDSTREAM_HOME/run/$name.pid")
[[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"kafka.Kafka $FRAUDSTREAM_HOME/"* ]] || fail "pid $pid is not node $leader of this test"
step "SIGKILL node $leader ($name, pid $pid), the leader of $TOPIC-0"
kill -KILL "$pid"
while [[ -e /proc/$pid ]]; do sleep 0.2; done

step "acks=all produce with one node dead (waits for the controller to move leadership)"
token="after-kill-$(date +%s%N)"
t=$SECONDS
produce "$token" || fail "acks=all produce failed with one node down"
echo "produce took $((SECONDS - t))s"

step "the consumer group reads it"
got=$(consume_one) || true
[[ $got == "$token" ]] || fail "consumer read '$got', expected '$token'"
desc=$("${CLI[@]}" topics --describe --topic "$TOPIC")
printf '%s\n' "$desc" | tail -n 1
isr=$(awk '/Partition: 0/ { for (i = 1; i < NF; i++) if ($i == "Isr:") print $(i + 1) }' <<<"$desc")
[[ ,$isr, != *",$leader,"* && $isr == *,* ]] || fail "ISR is '$isr'; expected the two live nodes"

step "status reports the dead node (exit 3)"
rc=0
"${STACK[@]}" status || rc=$?
((rc == 3)) || fail "status exited $rc with a node dead, expected 3"

step "up restarts the dead node only"
"${STACK[@]}" up | grep -E "kafka: (starting|ready)"
"${STACK[@]}" status >/dev/null || fail "status after up: not all running"
