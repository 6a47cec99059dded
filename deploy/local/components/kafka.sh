# shellcheck shell=bash
# Component: Apache Kafka in KRaft mode, FS_KAFKA_NODE_COUNT nodes (1 by
# default, 3 with `up --brokers 3`), each a broker and a controller.
# Contract (see README.md): kafka_up, kafka_down, kafka_status.
#
# Why three combined nodes rather than three brokers plus a separate
# controller quorum: a quorum that survives one loss needs three voters, so
# separate controllers would mean six JVMs; on a two-core laptop that is
# start-up time and memory spent on processes that do nothing for the demo.
# Combined nodes give the same fault tolerance (any one node may die: the
# quorum keeps 2 of 3 voters, every partition 2 of 3 replicas) with three.

# shellcheck source=../lib/kafka.sh
. "$FS_LOCAL_DIR/lib/kafka.sh"

# Nodes this `up` started, node number -> pid.
declare -A KAFKA_STARTED=()

# Stop what this `up` started, then report; a half-started broker that holds
# the ports would only make the next attempt fail in a more confusing way.
# _kafka_abort NODE REASON [LOG...]: NODE's logs are shown too.
_kafka_abort() {
  local node=$1 reason=$2 i names=()
  shift 2
  for i in "${!KAFKA_STARTED[@]}"; do names+=("$(kafka_node_name "$i")"); done
  if ((${#names[@]} > 0)); then
    fs_stop "${names[@]}" >&2 || true
    for i in "${names[@]}"; do rm -f "$(fs_pidfile "$i")"; done
  fi
  fs_fail kafka "$reason" "$(kafka_node_out "$node")" "$(kafka_node_log "$node")" "$@"
}

# The check fs_wait polls, after making sure no node this `up` started has
# died meanwhile (fs_wait itself watches one pid only).
_kafka_alive_and() {
  local i
  for i in "${!KAFKA_STARTED[@]}"; do
    fs_proc_ticks "${KAFKA_STARTED[$i]}" >/dev/null ||
      _kafka_abort "$i" "node $i ($(kafka_node_name "$i"), pid ${KAFKA_STARTED[$i]}) died while waiting for $KAFKA_WAITING_FOR" "$KAFKA_TOOLS_LOG"
  done
  "$@"
}

# _kafka_wait_or_abort NODE WHAT TIMEOUT CHECK [ARGS...]: explain fs_wait's
# return code in words; NODE's logs are the ones shown on a timeout.
_kafka_wait_or_abort() {
  local node=$1 what=$2 timeout=$3 rc=0
  shift 3
  KAFKA_WAITING_FOR=$what
  fs_wait "$timeout" "" _kafka_alive_and "$@" || rc=$?
  ((rc == 0)) ||
    _kafka_abort "$node" "timed out after ${timeout}s waiting for $what (raise FS_STACK_TIMEOUT if the machine is just slow)" "$KAFKA_TOOLS_LOG"
}

# _kafka_start_node NODE: launch one broker JVM, record its pid file.
_kafka_start_node() {
  local node=$1 name pid config out
  local -a jvm
  name=$(kafka_node_name "$node")
  config=$(kafka_node_config "$node")
  out=$(kafka_node_out "$node")
  jvm=(-Xmx"$FS_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dkafka.logs.dir="$FS_LOG_DIR" -Dfraudstream.kafka.node="$name"
    -Dlog4j2.configurationFile="$FS_LOCAL_DIR/kafka/log4j2.properties")
  # Extra JVM flags are a whitespace separated list by design.
  # shellcheck disable=SC2206
  jvm+=(${FS_KAFKA_JAVA_OPTS:-})

  printf '\n===== %s stack.sh up =====\n' "$(fs_now)" >>"$out"
  rm -f "$(kafka_node_lifecycle "$node")"
  # setsid: the broker must outlive the terminal or npm process that ran
  # `up` (a closed terminal would SIGHUP the whole job otherwise). It does not
  # fork here (we are not a group leader), so $! is the java pid itself.
  # 9>&-: see FS_LOCK_FD in stack.sh.
  setsid "$KAFKA_JAVA" "${jvm[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$config" \
    </dev/null >>"$out" 2>&1 9>&- &
  pid=$!
  KAFKA_STARTED[$node]=$pid
  fs_pidfile_write "$name" "$pid" "kafka.Kafka $config" "$(kafka_node_addr "$node")" "$(kafka_node_data "$node")" ||
    _kafka_abort "$node" "broker process of node $node exited immediately"
}

kafka_up() {
  local i n=$FS_KAFKA_NODE_COUNT t0=$SECONDS left missing=() shape=''
  mkdir -p "$FS_LOG_DIR"
  ((n == 1)) || shape=" ($n nodes)"
  for ((i = 1; i <= n; i++)); do
    fs_running "$(kafka_node_name "$i")" || missing+=("$i")
  done
  if ((${#missing[@]} == 0)); then
    fs_say "kafka: already running$shape (pid $FS_PID, $FS_KAFKA_BROKERS)"
    kafka_ensure_topics ||
      fs_fail kafka "broker is running but the topics could not be checked" "$KAFKA_TOOLS_LOG" "$(kafka_node_log 1)"
    # Again: FS_SECURE_WORKER_GROUP_PREFIXES may have changed since the start.
    if kafka_secure; then
      secure_kafka_acls || fs_fail kafka "the ACLs could not be added" "$KAFKA_TOOLS_LOG"
    fi
    return 0
  fi
  for i in "${missing[@]}"; do
    rm -f "$(fs_pidfile "$(kafka_node_name "$i")")"
    fs_require_free_port kafka "$(kafka_node_port "$i")"
    fs_require_free_port kafka "$(kafka_node_controller_port "$i")"
  done
  kafka_ensure_java
  kafka_resolve
  for i in "${missing[@]}"; do kafka_write_config "$i"; done
  kafka_format

  if ((n == 1)); then
    fs_say "kafka: starting Kafka $FS_KAFKA_VERSION on $FS_KAFKA_BROKERS (controller $FS_BIND_HOST:$FS_KAFKA_CONTROLLER_PORT, heap $FS_KAFKA_HEAP)"
  else
    fs_say "kafka: starting node(s) ${missing[*]} of a $n-node Kafka $FS_KAFKA_VERSION cluster on $FS_KAFKA_BROKERS (controller ports $(kafka_node_controller_port 1), $(kafka_node_controller_port 2), $(kafka_node_controller_port 3); heap $FS_KAFKA_HEAP each)"
  fi
  # All at once: a node only reports started once a quorum of voters is up.
  for i in "${missing[@]}"; do _kafka_start_node "$i"; done
  # Until java has exec'd, /proc/$pid/cmdline is still bash's.
  for i in "${missing[@]}"; do
    _kafka_wait_or_abort "$i" "the broker process of node $i to start" 10 fs_running "$(kafka_node_name "$i")"
  done
  for i in "${missing[@]}"; do
    _kafka_wait_or_abort "$i" "node $i to report 'Kafka Server started'" "$FS_STACK_TIMEOUT" kafka_broker_started "$i"
  done
  left=$((FS_STACK_TIMEOUT - (SECONDS - t0)))
  _kafka_wait_or_abort "${missing[0]}" "topic creation" "$((left > 5 ? left : 5))" kafka_ensure_topics
  if kafka_secure; then
    fs_say "kafka: adding the ACLs of each principal (docs/security.md)"
    secure_kafka_acls || _kafka_abort "${missing[0]}" "the ACLs could not be added" "$KAFKA_TOOLS_LOG"
  fi
  left=$((FS_STACK_TIMEOUT - (SECONDS - t0)))
  _kafka_wait_or_abort "${missing[0]}" "a produce+consume round trip" "$((left > 5 ? left : 5))" kafka_healthcheck
  fs_say "kafka: ready on $FS_KAFKA_BROKERS$shape, produce+consume verified ($((SECONDS - t0))s)"
}

# Every node with a pid file, whatever the shape says: a node left over from
# a shape changed by hand is stopped too.
_kafka_recorded_nodes() {
  local f
  for f in "$FS_RUN_DIR"/kafka@*.pid; do
    [[ -e $f ]] && basename "$f" .pid
  done
  [[ -e $(fs_pidfile kafka) ]] && echo kafka
  return 0
}

# All nodes at once (see fs_stop), node 1 included even without a pid file
# so that `down` always says something about kafka.
kafka_down() {
  local names=()
  mapfile -t names < <(_kafka_recorded_nodes)
  ((${#names[@]} > 0)) || names=(kafka)
  fs_stop "${names[@]}"
}

kafka_status() {
  local id i n=$FS_KAFKA_NODE_COUNT rc=0 name note
  id=$(kafka_cluster_id || true)
  for ((i = 1; i <= n; i++)); do
    note="Kafka $FS_KAFKA_VERSION, "
    ((n == 1)) || note+="node $i of $n, "
    note+="controller $FS_BIND_HOST:$(kafka_node_controller_port "$i")${id:+, cluster $id}"
    fs_status "$(kafka_node_name "$i")" "$(kafka_node_addr "$i")" "$(kafka_node_data "$i")" "$note" || rc=3
  done
  # A node outside the shape (pid file left by hand): show it, count it down.
  while read -r name; do
    [[ $name == kafka@* && ${name#kafka@} -gt $n ]] || continue
    fs_status "$name" "?" "?" "not part of this $n-node cluster; 'down' stops it" || true
    rc=3
  done < <(_kafka_recorded_nodes)
  return "$rc"
}
