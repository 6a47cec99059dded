# shellcheck shell=bash
# Kafka plumbing for components/kafka.sh: jar resolution, generated broker
# config, storage format, the Java CLI tools, topics and the health check.

KAFKA_HOME_DIR="$FRAUDSTREAM_HOME/kafka"
KAFKA_DATA_DIR="$KAFKA_HOME_DIR/data"
KAFKA_CONFIG="$KAFKA_HOME_DIR/server.properties"
KAFKA_TOOLS_CONFIG="$KAFKA_HOME_DIR/tools.properties"
KAFKA_DIST_DIR="$FRAUDSTREAM_CACHE/kafka-$FS_KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_DIST_DIR/libs"
# Broker log (log4j) and its raw stdout/stderr (JVM errors); read by
# components/kafka.sh when a start fails.
# shellcheck disable=SC2034
KAFKA_LOG="$FS_LOG_DIR/kafka.log"
# shellcheck disable=SC2034
KAFKA_OUT="$FS_LOG_DIR/kafka.out"
KAFKA_TOOLS_LOG="$FS_LOG_DIR/kafka-tools.log"
# Rewritten by each broker JVM; see kafka/log4j2.properties.
KAFKA_LIFECYCLE_LOG="$FS_LOG_DIR/kafka-lifecycle.log"
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

kafka_broker_started() { grep -q 'Kafka Server started' "$KAFKA_LIFECYCLE_LOG" 2>/dev/null; }

# Regenerated on every start so port/heap env changes apply without a wipe.
# Static quorum (controller.quorum.voters) rather than --standalone's dynamic
# one: a dynamic quorum stores the controller endpoint in the metadata log,
# so changing FS_KAFKA_CONTROLLER_PORT later would need a reformat.
kafka_write_config() {
  local h=$FS_BIND_HOST
  mkdir -p "$KAFKA_HOME_DIR"
  cat >"$KAFKA_CONFIG" <<EOF
# Generated by deploy/local/lib/kafka.sh at every 'stack.sh up'. Edit there.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$h:$FS_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$h:$FS_KAFKA_PORT,CONTROLLER://$h:$FS_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$h:$FS_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA_DIR
# One broker: every internal topic must fit on it.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumers in tests should not sit 3s waiting for more members.
group.initial.rebalance.delay.ms=0
# Topics come from topics.conf only; a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=1
EOF
  cat >"$KAFKA_TOOLS_CONFIG" <<EOF
# Admin client settings for the stack's own CLI calls: fail in seconds, not
# after the 60s default, while the broker is still coming up.
request.timeout.ms=10000
default.api.timeout.ms=15000
EOF
}

kafka_is_formatted() { [[ -f $KAFKA_DATA_DIR/meta.properties ]]; }

kafka_cluster_id() { sed -n 's/^cluster.id=//p' "$KAFKA_DATA_DIR/meta.properties" 2>/dev/null; }

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

kafka_format() {
  local id
  id=$(kafka_new_cluster_id)
  fs_say "kafka: formatting $KAFKA_DATA_DIR (cluster id $id)"
  kafka_tool kafka.tools.StorageTool format -t "$id" -c "$KAFKA_CONFIG" \
    >>"$KAFKA_TOOLS_LOG" 2>&1 || fs_fail kafka "storage format failed" "$KAFKA_TOOLS_LOG"
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
  local described name count want pid rc=0 pids=()
  local -A have=()
  described=$(kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --describe --exclude-internal 2>>"$KAFKA_TOOLS_LOG") || return 1
  # Topic header lines start in column 0; per-partition lines are indented.
  while read -r name count; do
    [[ -n $name ]] && have[$name]=$count
  done < <(awk '/^Topic:/ { c = ""; for (i = 1; i < NF; i++) if ($i == "PartitionCount:") c = $(i + 1); print $2, c }' <<<"$described")
  # Creations run in parallel: each is a JVM start, which dominates.
  while read -r name want; do
    [[ $want =~ ^[0-9]+$ ]] || fs_fail kafka "topics.conf: bad partition count '$want' for topic '$name'"
    if [[ -n ${have[$name]:-} ]]; then
      [[ ${have[$name]} == "$want" ]] ||
        fs_warn "kafka: topic $name has ${have[$name]} partitions, topics.conf says $want (left unchanged)"
      continue
    fi
    kafka_create_topic "$name" "$want" &
    pids+=("$!")
  done < <(kafka_topic_specs; printf '%s 1\n' "$KAFKA_HEALTH_TOPIC")
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  return "$rc"
}

kafka_create_topic() {
  local name=$1 partitions=$2 out
  out=$(kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor 1 \
    2>>"$KAFKA_TOOLS_LOG") || return 1
  printf '%s\n' "$out" >>"$KAFKA_TOOLS_LOG"
  # --if-not-exists is silent when someone else created it meanwhile.
  if [[ $out == *"Created topic"* ]]; then
    fs_say "kafka: created topic $name ($partitions partitions)"
  fi
}

# Produce a unique token and read that very record back by offset, which
# proves the whole write+read path (leader, log append, fetch).
kafka_healthcheck() {
  local token end got
  token="health-$(date +%s%N)-$$"
  end=$(kafka_tool org.apache.kafka.tools.GetOffsetShell \
    --bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG" \
    --topic "$KAFKA_HEALTH_TOPIC" --partitions 0 --time latest 2>>"$KAFKA_TOOLS_LOG") || return 1
  end=${end##*:}
  [[ $end =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$token" | kafka_tool org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$FS_KAFKA_BROKERS" --topic "$KAFKA_HEALTH_TOPIC" --sync \
    --request-required-acks all --max-block-ms 15000 >>"$KAFKA_TOOLS_LOG" 2>&1 || return 1
  got=$(kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer \
    --bootstrap-server "$FS_KAFKA_BROKERS" --topic "$KAFKA_HEALTH_TOPIC" \
    --partition 0 --offset "$end" --max-messages 1 --timeout-ms 15000 \
    2>>"$KAFKA_TOOLS_LOG") || true
  [[ $got == "$token" ]]
}
