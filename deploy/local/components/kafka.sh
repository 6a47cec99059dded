# shellcheck shell=bash
# Component: Apache Kafka, one KRaft node acting as broker and controller.
# Contract (see README.md): kafka_up, kafka_down, kafka_status.

# shellcheck source=../lib/kafka.sh
. "$FS_LOCAL_DIR/lib/kafka.sh"

# Stop what this `up` started, then report; a half-started broker that holds
# the ports would only make the next attempt fail in a more confusing way.
_kafka_abort() {
  local reason=$1
  shift
  if fs_running kafka; then fs_stop kafka >&2 || true; fi
  rm -f "$(fs_pidfile kafka)"
  fs_fail kafka "$reason" "$KAFKA_OUT" "$KAFKA_LOG" "$@"
}

# Explain fs_wait's return code in words.
_kafka_wait_or_abort() {
  local what=$1 timeout=$2 pid=$3 rc=0
  shift 3
  fs_wait "$timeout" "$pid" "$@" || rc=$?
  case $rc in
    0) return 0 ;;
    2) _kafka_abort "broker process $pid died while waiting for $what" "$KAFKA_TOOLS_LOG" ;;
    *) _kafka_abort "timed out after ${timeout}s waiting for $what (raise FS_STACK_TIMEOUT if the machine is just slow)" "$KAFKA_TOOLS_LOG" ;;
  esac
}

kafka_up() {
  local pid t0=$SECONDS left
  local -a jvm
  mkdir -p "$FS_LOG_DIR"
  if fs_running kafka; then
    fs_say "kafka: already running (pid $FS_PID, $FS_KAFKA_BROKERS)"
    kafka_ensure_topics ||
      fs_fail kafka "broker is running but the topics could not be checked" "$KAFKA_TOOLS_LOG" "$KAFKA_LOG"
    return 0
  fi
  rm -f "$(fs_pidfile kafka)"
  fs_require_free_port kafka "$FS_KAFKA_PORT"
  fs_require_free_port kafka "$FS_KAFKA_CONTROLLER_PORT"
  kafka_ensure_java
  kafka_resolve
  kafka_write_config
  kafka_is_formatted || kafka_format

  jvm=(-Xmx"$FS_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dkafka.logs.dir="$FS_LOG_DIR"
    -Dlog4j2.configurationFile="$FS_LOCAL_DIR/kafka/log4j2.properties")
  # Extra JVM flags are a whitespace separated list by design.
  # shellcheck disable=SC2206
  jvm+=(${FS_KAFKA_JAVA_OPTS:-})

  fs_say "kafka: starting Kafka $FS_KAFKA_VERSION on $FS_KAFKA_BROKERS (controller $FS_BIND_HOST:$FS_KAFKA_CONTROLLER_PORT, heap $FS_KAFKA_HEAP)"
  printf '\n===== %s stack.sh up =====\n' "$(fs_now)" >>"$KAFKA_OUT"
  rm -f "$KAFKA_LIFECYCLE_LOG"
  # setsid: the broker must outlive the terminal or npm process that ran
  # `up` (a closed terminal would SIGHUP the whole job otherwise). It does not
  # fork here (we are not a group leader), so $! is the java pid itself.
  # 9>&-: see FS_LOCK_FD in stack.sh.
  setsid "$KAFKA_JAVA" "${jvm[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" \
    </dev/null >>"$KAFKA_OUT" 2>&1 9>&- &
  pid=$!
  fs_pidfile_write kafka "$pid" "kafka.Kafka $KAFKA_CONFIG" "$FS_KAFKA_BROKERS" "$KAFKA_DATA_DIR" ||
    fs_fail kafka "broker process exited immediately" "$KAFKA_OUT" "$KAFKA_LOG"
  # Until java has exec'd, /proc/$pid/cmdline is still bash's.
  _kafka_wait_or_abort "the broker process to start" 10 "$pid" fs_running kafka

  _kafka_wait_or_abort "the broker to report 'Kafka Server started'" "$FS_STACK_TIMEOUT" "$pid" kafka_broker_started
  left=$((FS_STACK_TIMEOUT - (SECONDS - t0)))
  _kafka_wait_or_abort "topic creation" "$((left > 5 ? left : 5))" "$pid" kafka_ensure_topics
  left=$((FS_STACK_TIMEOUT - (SECONDS - t0)))
  _kafka_wait_or_abort "a produce+consume round trip" "$((left > 5 ? left : 5))" "$pid" kafka_healthcheck
  fs_say "kafka: ready on $FS_KAFKA_BROKERS, produce+consume verified ($((SECONDS - t0))s)"
}

kafka_down() { fs_stop kafka; }

kafka_status() {
  local id
  id=$(kafka_cluster_id || true)
  fs_status kafka "$FS_KAFKA_BROKERS" "$KAFKA_DATA_DIR" \
    "Kafka $FS_KAFKA_VERSION, controller $FS_BIND_HOST:$FS_KAFKA_CONTROLLER_PORT${id:+, cluster $id}"
}
