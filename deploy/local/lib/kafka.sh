# shellcheck shell=bash
# Kafka plumbing for components/kafka.sh: jar resolution, generated broker
# config, storage format, the Java CLI tools, topics and the health check.
#
# The cluster has FS_KAFKA_NODE_COUNT nodes (1 or 3; env.sh). Node 1 keeps the
# single-broker names and paths (pid file kafka, kafka/data, logs/kafka.log);
# node N>1 is "kafka@N" (pid file run/kafka@N.pid, logs/kafka@N.log, data in
# kafka/node-N/), an instance name in the manner of systemd's unit@instance.

KAFKA_HOME_DIR="$FRAUDSTREAM_HOME/kafka"
# The cluster's shape, written before the first format; see env.sh.
KAFKA_SHAPE_FILE="$KAFKA_HOME_DIR/brokers"
KAFKA_TOOLS_CONFIG="$KAFKA_HOME_DIR/tools.properties"
KAFKA_DIST_DIR="$FRAUDSTREAM_CACHE/kafka-$FS_KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_DIST_DIR/libs"
# Each node's logs: kafka_node_log and friends below.
KAFKA_TOOLS_LOG="$FS_LOG_DIR/kafka-tools.log"
KAFKA_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Identity of the JVM binary (path + mtime), without starting a JVM.
_kafka_java_id() {
  local j
  j=$(command -v "$KAFKA_JAVA" 2>/dev/null) || return 0
  j=$(readlink -f "$j")
  printf '%s:%s' "$j" "$(stat -c %Y "$j")" | cksum | cut -d' ' -f1
}
# Class-data-sharing archive for the CLI JVMs, dumped by the first
# TopicCommand run: halves their startup, and `up` runs several of them. A
# JVM silently ignores an archive from another JDK build, so the name carries
# the JDK's identity and a JDK upgrade just dumps a new one.
KAFKA_TOOLS_CDS="$KAFKA_DIST_DIR/tools-cds-$(_kafka_java_id).jsa"
# Private topic for the produce/consume probe; never used by services.
KAFKA_HEALTH_TOPIC="${FS_KAFKA_HEALTH_TOPIC:-fraudstream-healthcheck}"

kafka_node_name() { if (($1 == 1)); then echo kafka; else echo "kafka@$1"; fi; }
kafka_node_dir() { if (($1 == 1)); then echo "$KAFKA_HOME_DIR"; else echo "$KAFKA_HOME_DIR/node-$1"; fi; }
kafka_node_config() { echo "$(kafka_node_dir "$1")/server.properties"; }
kafka_node_data() { echo "$(kafka_node_dir "$1")/data"; }
kafka_node_port() { echo $((FS_KAFKA_PORT + 2 * ($1 - 1))); }
kafka_node_controller_port() { echo $((FS_KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kafka_node_addr() { echo "$FS_BIND_HOST:$(kafka_node_port "$1")"; }
# Broker log (log4j), its raw stdout/stderr (JVM errors; both read when a
# start fails) and the readiness marker rewritten by each broker JVM (see
# kafka/log4j2.properties) of node N: kafka.log, kafka@2.log, ...
kafka_node_log() { echo "$FS_LOG_DIR/$(kafka_node_name "$1").log"; }
kafka_node_out() { echo "$FS_LOG_DIR/$(kafka_node_name "$1").out"; }
kafka_node_lifecycle() { echo "$FS_LOG_DIR/$(kafka_node_name "$1")-lifecycle.log"; }

# Replication of every topic, ours and Kafka's internal ones: all nodes up
# to 3, and with 3 an acks=all write needs 2 copies, so one node may be down
# (killed, restarting) without refusing writes or losing acknowledged ones.
kafka_replication_factor() { echo $((FS_KAFKA_NODE_COUNT < 3 ? FS_KAFKA_NODE_COUNT : 3)); }
kafka_min_isr() { echo $((FS_KAFKA_NODE_COUNT >= 3 ? 2 : 1)); }

kafka_ensure_java() {
  local major
  if [[ -z ${JAVA_HOME:-} ]]; then fs_ensure_cmd java openjdk-17-jre-headless; fi
  major=$("$KAFKA_JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  [[ ${major:-0} -ge 17 ]] ||
    fs_fail kafka "Kafka $FS_KAFKA_VERSION needs Java 17+, but '$KAFKA_JAVA' is Java ${major:-unknown}"
}

# Resolve the jars once per pom content. The marker holds the pom's hash, so
# editing the pom (a new dependency) re-resolves, and a run interrupted
# midway (no marker) is redone instead of trusted.
kafka_resolve() {
  local pom="$FS_LOCAL_DIR/kafka/pom.xml" want tmp log="$FS_LOG_DIR/kafka-resolve.log"
  want=$(sha256sum "$pom" | cut -d' ' -f1)
  if [[ -d $KAFKA_LIBS && $(cat "$KAFKA_DIST_DIR/.complete" 2>/dev/null) == "$want" ]]; then
    return 0
  fi
  fs_ensure_cmd mvn maven
  fs_say "kafka: resolving Kafka $FS_KAFKA_VERSION from Maven Central into $KAFKA_DIST_DIR (once per version)"
  mkdir -p "$KAFKA_DIST_DIR"
  # Per-process temp dir: the cache is shared by every checkout on the
  # machine, and two of them may run their first `up` at the same time.
  tmp="$KAFKA_DIST_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  if ! mvn -B -q -Dstyle.color=never -f "$pom" \
    -Dmaven.repo.local="$FRAUDSTREAM_CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >"$log" 2>&1; then
    rm -rf "$tmp"
    fs_fail kafka "Maven could not resolve the Kafka jars (is Maven Central reachable?)" "$log"
  fi
  [[ -n $(compgen -G "$tmp/kafka_2.13-*.jar") ]] ||
    fs_fail kafka "Maven finished but kafka_2.13 is not among the resolved jars" "$log"
  if [[ -d $KAFKA_LIBS && $(cat "$KAFKA_DIST_DIR/.complete" 2>/dev/null) == "$want" ]]; then
    rm -rf "$tmp" # another checkout finished the same download meanwhile
    return 0
  fi
  rm -f "$KAFKA_DIST_DIR/.complete" "$KAFKA_DIST_DIR"/tools-cds-*.jsa
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s\n' "$want" >"$KAFKA_DIST_DIR/.complete"
}

# Run a Kafka CLI class. Small heap, C1 only and serial GC: these JVMs live a
# second or two, so startup time is all that matters. A stale or foreign CDS
# archive (another JDK) is ignored by the JVM, hence the silenced cds logs.
kafka_tool() {
  local cds=(-Xlog:cds=off -Xlog:cds+dynamic=off) dump='' rc=0
  if [[ -s $KAFKA_TOOLS_CDS ]]; then
    cds+=(-XX:SharedArchiveFile="$KAFKA_TOOLS_CDS")
  elif [[ $1 == *.TopicCommand ]]; then
    # Written under a temp name so an interrupted dump is never used.
    dump="$KAFKA_TOOLS_CDS.$BASHPID"
    cds+=(-XX:ArchiveClassesAtExit="$dump")
  fi
  "$KAFKA_JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${cds[@]}" \
    -Dlog4j2.configurationFile="$FS_LOCAL_DIR/kafka/tools-log4j2.properties" \
    -cp "$KAFKA_LIBS/*" "$@" || rc=$?
  if [[ -n $dump ]]; then
    if ((rc == 0)) && [[ -s $dump ]]; then mv -f "$dump" "$KAFKA_TOOLS_CDS"; else rm -f "$dump"; fi
  fi
  return "$rc"
}

# kafka_broker_started [NODE]: node NODE (default 1) logged its readiness.
kafka_broker_started() { grep -q 'Kafka Server started' "$(kafka_node_lifecycle "${1:-1}")" 2>/dev/null; }

# kafka_write_config NODE. Regenerated on every start so port/heap env
# changes apply without a wipe. Static quorum (controller.quorum.voters)
# rather than --standalone's dynamic one: a dynamic quorum stores the
# controller endpoints in the metadata log, so changing
# FS_KAFKA_CONTROLLER_PORT later would need a reformat. Every node is a
# voter (see components/kafka.sh for why combined nodes).
kafka_write_config() {
  local node=$1 h=$FS_BIND_HOST n=$FS_KAFKA_NODE_COUNT i voters='' rf misr port cport dir
  rf=$(kafka_replication_factor)
  misr=$(kafka_min_isr)
  for ((i = 1; i <= n; i++)); do voters+="${voters:+,}$i@$h:$(kafka_node_controller_port "$i")"; done
  port=$(kafka_node_port "$node")
  cport=$(kafka_node_controller_port "$node")
  dir=$(kafka_node_dir "$node")
  mkdir -p "$dir"
  # Secured, it holds the broker's and keystore's passwords.
  (umask 077 && : >"$dir/server.properties")
  cat >"$dir/server.properties" <<EOF
# Generated by deploy/local/lib/kafka.sh at every 'stack.sh up'. Edit there.
# Node $node of $n.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
$(kafka_listener_properties "$h" "$port" "$cport")
log.dirs=$dir/data
# Every topic, internal ones included, on min(3, nodes) nodes; with 3, an
# acks=all write needs 2 in-sync copies (see kafka_replication_factor).
default.replication.factor=$rf
min.insync.replicas=$misr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$misr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$misr
# Consumers in tests should not sit 3s waiting for more members.
group.initial.rebalance.delay.ms=0
# KIP-848 groups (group.protocol=consumer) take session and heartbeat
# settings from the broker, not the client. Its defaults (45s session, 5s
# heartbeat) would leave a killed worker's partitions idle for 45s; these
# match what the classic-protocol workers ask for (FS_SESSION_TIMEOUT_MS in
# tests, FS_HEARTBEAT_INTERVAL_MS).
group.consumer.min.session.timeout.ms=6000
group.consumer.session.timeout.ms=6000
group.consumer.min.heartbeat.interval.ms=1000
group.consumer.heartbeat.interval.ms=1000
# Topics come from topics.conf only; a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=1
EOF
  if ((n > 1)); then
    # Three JVMs share a laptop's cores: fewer request threads than the
    # defaults (3 network, 8 I/O), ample for local traffic. No controlled
    # shutdown: `down` stops all nodes together, and once two are gone the
    # last one would wait up to 5 minutes for a quorum to approve its
    # controlled shutdown. The price: a node stopped on its own hands its
    # partitions over when the controller misses its heartbeats, as after a
    # crash. broker.session.timeout.ms is 4s (default 9s, heartbeats 1s, not
    # 2s): a crashed node's partitions get new leaders within about 4s, which
    # the 10s stall target of a broker kill needs, with room for a GC pause.
    printf '%s\n' num.network.threads=2 num.io.threads=4 controlled.shutdown.enable=false \
      broker.session.timeout.ms=4000 broker.heartbeat.interval.ms=1000 >>"$dir/server.properties"
  fi
  (umask 077 && : >"$KAFKA_TOOLS_CONFIG")
  cat >"$KAFKA_TOOLS_CONFIG" <<EOF
# Admin client settings for the stack's own CLI calls: fail in seconds, not
# after the 60s default, while the broker is still coming up.
request.timeout.ms=10000
default.api.timeout.ms=15000
EOF
  if kafka_secure; then secure_kafka_tool_properties >>"$KAFKA_TOOLS_CONFIG"; fi
}

# True for a secured stack (`up --secure`, lib/secure.sh).
kafka_secure() { [[ ${FS_STACK_SECURE:-0} == 1 ]]; }

# kafka_listener_properties HOST PORT CONTROLLER_PORT: plaintext listeners,
# or (secured) the SASL_SSL-only ones of lib/secure.sh.
kafka_listener_properties() {
  if kafka_secure; then
    secure_kafka_properties "$@"
    return 0
  fi
  cat <<EOF
listeners=PLAINTEXT://$1:$2,CONTROLLER://$1:$3
advertised.listeners=PLAINTEXT://$1:$2
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
EOF
}

# Client config flags of the console producer and consumer: the tools' own
# settings when secured (they carry the admin credentials), none otherwise.
kafka_client_config_args() {
  if kafka_secure; then printf '%s\n%s\n' "--$1.config" "$KAFKA_TOOLS_CONFIG"; fi
}

# kafka_is_formatted [NODE]
kafka_is_formatted() { [[ -f $(kafka_node_data "${1:-1}")/meta.properties ]]; }

# The cluster id from the first formatted node (all nodes share it).
kafka_cluster_id() {
  local i
  for ((i = 1; i <= FS_KAFKA_NODE_COUNT; i++)); do
    if kafka_is_formatted "$i"; then
      sed -n 's/^cluster.id=//p' "$(kafka_node_data "$i")/meta.properties" 2>/dev/null
      return 0
    fi
  done
  return 1
}

# Kafka's Uuid text form: 16 random bytes, URL-safe base64, no padding. Made
# here rather than by `StorageTool random-uuid`, which costs a JVM start. Like
# Kafka, avoid a leading '-' (it would parse as a CLI flag).
kafka_new_cluster_id() {
  local id='-'
  while [[ $id == -* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  printf '%s\n' "$id"
}

# Format every node without storage, in parallel (a JVM start each), with
# the cluster id of the nodes that have it, or a new one. The shape is
# recorded first, so it describes this data whatever happens next.
kafka_format() {
  local id i pid rc=0 pids=()
  mkdir -p "$KAFKA_HOME_DIR"
  [[ -f $KAFKA_SHAPE_FILE ]] || printf '%s\n' "$FS_KAFKA_NODE_COUNT" >"$KAFKA_SHAPE_FILE"
  id=$(kafka_cluster_id) || id=$(kafka_new_cluster_id)
  local -a scram=()
  # Secured: the SCRAM users are written into the storage.
  if kafka_secure; then mapfile -t scram < <(secure_kafka_format_args); fi
  for ((i = 1; i <= FS_KAFKA_NODE_COUNT; i++)); do
    kafka_is_formatted "$i" && continue
    fs_say "kafka: formatting $(kafka_node_data "$i") (cluster id $id${scram[0]:+, SCRAM users ${SECURE_KAFKA_USERS[*]}})"
    kafka_tool kafka.tools.StorageTool format -t "$id" -c "$(kafka_node_config "$i")" "${scram[@]}" \
      >>"$KAFKA_TOOLS_LOG" 2>&1 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  ((rc == 0)) || fs_fail kafka "storage format failed" "$KAFKA_TOOLS_LOG"
}

# "name partitions" for every topic in topics.conf, env overrides applied.
kafka_topic_specs() {
  local a b c _rest
  while read -r a b c _rest; do
    [[ -z $a || $a == \#* ]] && continue
    if [[ -n $c && $c != \#* ]]; then
      printf '%s %s\n' "${!a:-$b}" "$c"
    else
      printf '%s %s\n' "$a" "$b"
    fi
  done <"$FS_LOCAL_DIR/topics.conf"
}

# Create what is missing, leave what exists. One describe call for all topics
# keeps the already-running path to a single JVM.
kafka_ensure_topics() {
  local described name count rf want pid rc=0 pids=() want_rf
  local -A have=() have_rf=()
  want_rf=$(kafka_replication_factor)
  described=$(kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --describe --exclude-internal 2>>"$KAFKA_TOOLS_LOG") || return 1
  # Topic header lines start in column 0; per-partition lines are indented.
  while read -r name count rf; do
    [[ -n $name ]] || continue
    have[$name]=$count
    have_rf[$name]=$rf
  done < <(awk '/^Topic:/ {
    c = ""; r = ""
    for (i = 1; i < NF; i++) { if ($i == "PartitionCount:") c = $(i + 1); if ($i == "ReplicationFactor:") r = $(i + 1) }
    print $2, c, r }' <<<"$described")
  # Creations run in parallel: each is a JVM start, which dominates.
  while read -r name want; do
    [[ $want =~ ^[0-9]+$ ]] || fs_fail kafka "topics.conf: bad partition count '$want' for topic '$name'"
    if [[ -n ${have[$name]:-} ]]; then
      [[ ${have[$name]} == "$want" ]] ||
        fs_warn "kafka: topic $name has ${have[$name]} partitions, topics.conf says $want (left unchanged)"
      [[ ${have_rf[$name]} == "$want_rf" ]] ||
        fs_warn "kafka: topic $name has replication factor ${have_rf[$name]}, a $FS_KAFKA_NODE_COUNT-node cluster wants $want_rf (left unchanged)"
      continue
    fi
    kafka_create_topic "$name" "$want" &
    pids+=("$!")
  done < <(kafka_topic_specs; printf '%s 1\n' "$KAFKA_HEALTH_TOPIC")
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  return "$rc"
}

kafka_create_topic() {
  local name=$1 partitions=$2 out rf misr
  rf=$(kafka_replication_factor)
  misr=$(kafka_min_isr)
  # min.insync.replicas is set on the topic, not only as the broker default,
  # so `kafka-cli.sh topics --describe` shows it.
  out=$(kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor "$rf" \
    --config min.insync.replicas="$misr" 2>>"$KAFKA_TOOLS_LOG") || return 1
  printf '%s\n' "$out" >>"$KAFKA_TOOLS_LOG"
  # --if-not-exists is silent when someone else created it meanwhile.
  if [[ $out == *"Created topic"* ]]; then
    fs_say "kafka: created topic $name ($partitions partitions, replication factor $rf, min.insync.replicas $misr)"
  fi
}

# Produce a unique token and read that very record back by offset, which
# proves the whole write+read path (leader, log append, fetch).
kafka_healthcheck() {
  local token end got conf_producer=() conf_consumer=()
  mapfile -t conf_producer < <(kafka_client_config_args producer)
  mapfile -t conf_consumer < <(kafka_client_config_args consumer)
  token="health-$(date +%s%N)-$$"
  end=$(kafka_tool org.apache.kafka.tools.GetOffsetShell \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --topic "$KAFKA_HEALTH_TOPIC" --partitions 0 --time latest 2>>"$KAFKA_TOOLS_LOG") || return 1
  end=${end##*:}
  [[ $end =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$token" | kafka_tool org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$FS_KAFKA_BROKERS" --topic "$KAFKA_HEALTH_TOPIC" --sync \
    "${conf_producer[@]}" \
    --request-required-acks all --max-block-ms 15000 >>"$KAFKA_TOOLS_LOG" 2>&1 || return 1
  got=$(kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer \
    --bootstrap-server "$FS_KAFKA_BROKERS" --topic "$KAFKA_HEALTH_TOPIC" \
    --partition 0 --offset "$end" --max-messages 1 --timeout-ms 15000 \
    "${conf_consumer[@]}" \
    2>>"$KAFKA_TOOLS_LOG") || true
  [[ $got == "$token" ]]
}
