# shellcheck shell=bash
# Component: a replica of the stack's Redis and three Redis Sentinels watching
# them as master "fraudstream" (FS_REDIS_SENTINEL_MASTER), all the same
# Debian redis-server binary (`--sentinel`). Opt-in:
#   bash deploy/local/stack.sh up --with sentinel   (or FS_STACK_WITH=sentinel)
# Contract (see stack.sh): sentinel_up, sentinel_down, sentinel_status.
#
# Ports follow FS_REDIS_PORT so private stacks never collide: the replica on
# FS_REDIS_PORT+1, the sentinels on +2, +3 and +4 (16380, 16381-16383 by
# default). The replica has the primary's persistence flags (REDIS_DATA_FLAGS
# in redis.sh): after a failover it is the primary. A primary silent for
# FS_SENTINEL_DOWN_AFTER_MS (1500) is down once two sentinels agree, so a
# failover takes a few seconds. env.sh exports FS_REDIS_SENTINELS while the
# sentinels have pid files; the workers then follow the primary through them.
#
# After a failover the stack's "redis" is a replica and "sentinel@replica" the
# primary; either, restarted by `up`, rejoins as a replica of the primary the
# sentinels name (sentinel_replicaof_args), never as a second primary.

export FS_REDIS_SENTINEL_MASTER="${FS_REDIS_SENTINEL_MASTER:-fraudstream}"
export FS_SENTINEL_DOWN_AFTER_MS="${FS_SENTINEL_DOWN_AFTER_MS:-1500}"
SENTINEL_REPLICA_PORT=$((FS_REDIS_PORT + 1))
SENTINEL_PORTS=($((FS_REDIS_PORT + 2)) $((FS_REDIS_PORT + 3)) $((FS_REDIS_PORT + 4)))
SENTINEL_REPLICA_DIR="$FRAUDSTREAM_HOME/redis-replica"
SENTINEL_DIR="$FRAUDSTREAM_HOME/sentinel"

_sentinel_validate() {
  local p
  [[ $FS_REDIS_SENTINEL_MASTER =~ ^[A-Za-z0-9._-]+$ ]] ||
    fs_fail sentinel "FS_REDIS_SENTINEL_MASTER must be a name of [A-Za-z0-9._-], got '$FS_REDIS_SENTINEL_MASTER'"
  [[ $FS_SENTINEL_DOWN_AFTER_MS =~ ^[1-9][0-9]*$ ]] ||
    fs_fail sentinel "FS_SENTINEL_DOWN_AFTER_MS must be a positive number, got '$FS_SENTINEL_DOWN_AFTER_MS'"
  for p in "$SENTINEL_REPLICA_PORT" "${SENTINEL_PORTS[@]}"; do
    ((p < 65536)) || fs_fail sentinel "FS_REDIS_PORT+1..+4 must be ports, got $p"
    if [[ $p == "$FS_KAFKA_PORT" || $p == "$FS_KAFKA_CONTROLLER_PORT" ]]; then
      fs_fail sentinel "the replica and sentinels use FS_REDIS_PORT+1..+4 ($SENTINEL_REPLICA_PORT-${SENTINEL_PORTS[2]}); $p is a Kafka port"
    fi
  done
}

# Component name of sentinel N (1-3): run/sentinel@N.pid.
_sentinel_name() { printf 'sentinel@%s\n' "$1"; }

# The primary's port as sentinel on PORT names it (empty when it does not
# answer). Inline RESP over /dev/tcp, like redis_ping: *2 $9 127.0.0.1 $5 16379.
_sentinel_ask_primary() {
  (
    exec 3<>"/dev/tcp/$FS_BIND_HOST/$1" || exit 1
    printf 'SENTINEL get-master-addr-by-name %s\r\n' "$FS_REDIS_SENTINEL_MASTER" >&3
    local line i
    for i in 1 2 3 4 5; do
      IFS= read -r -t 2 line <&3 || exit 1
      [[ $i == 1 && $line != '*2'* ]] && exit 1
      [[ $i == 5 ]] && printf '%s\n' "${line%$'\r'}"
    done
  ) 2>/dev/null
}

# The primary's port, asked of the first running sentinel that answers.
sentinel_primary_port() {
  local i port
  for i in 1 2 3; do
    fs_running "$(_sentinel_name "$i")" || continue
    port=$(_sentinel_ask_primary "${SENTINEL_PORTS[i - 1]}") || continue
    [[ $port =~ ^[0-9]+$ ]] && { printf '%s\n' "$port"; return 0; }
  done
  return 1
}

# sentinel_replicaof_args PORT: the flags that start the data node on PORT as
# a replica of the current primary, one per line; none when the sentinels do
# not run or name PORT itself. redis.sh calls it before starting Redis.
sentinel_replicaof_args() {
  local primary
  primary=$(sentinel_primary_port) || return 0
  [[ $primary != "$1" ]] || return 0
  printf '%s\n' --replicaof "$FS_BIND_HOST" "$primary"
}

_sentinel_write_config() {
  local port=$1 conf="$SENTINEL_DIR/sentinel-$1.conf" m=$FS_REDIS_SENTINEL_MASTER
  cat >"$conf" <<CONF
# Written by deploy/local/components/sentinel.sh when no sentinel runs; the
# sentinel rewrites it with what it learns (current primary, peers).
port $port
dir $SENTINEL_DIR
sentinel monitor $m $FS_BIND_HOST $FS_REDIS_PORT 2
sentinel down-after-milliseconds $m $FS_SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $m 10000
sentinel parallel-syncs $m 1
CONF
}

sentinel_up() {
  local i port name t0=$SECONDS follow=() fresh=1
  _sentinel_validate
  mkdir -p "$SENTINEL_REPLICA_DIR" "$SENTINEL_DIR" "$FS_LOG_DIR"
  for i in 1 2 3; do fs_running "$(_sentinel_name "$i")" && fresh=; done
  if fs_running sentinel@replica; then
    fs_say "sentinel: replica already running (pid $FS_PID, $FS_BIND_HOST:$SENTINEL_REPLICA_PORT)"
  else
    mapfile -t follow < <(sentinel_replicaof_args "$SENTINEL_REPLICA_PORT")
    ((${#follow[@]} > 0)) || follow=(--replicaof "$FS_BIND_HOST" "$FS_REDIS_PORT")
    fs_say "sentinel: starting the replica on $FS_BIND_HOST:$SENTINEL_REPLICA_PORT (${follow[*]})"
    redis_start sentinel@replica "$SENTINEL_REPLICA_PORT" "$SENTINEL_REPLICA_DIR" \
      "$FS_LOG_DIR/redis-replica.log" --port "$SENTINEL_REPLICA_PORT" \
      --dir "$SENTINEL_REPLICA_DIR" "${REDIS_DATA_FLAGS[@]}" "${follow[@]}"
  fi
  for i in 1 2 3; do
    name=$(_sentinel_name "$i")
    port=${SENTINEL_PORTS[i - 1]}
    if fs_running "$name"; then
      fs_say "sentinel: $name already running (pid $FS_PID, $FS_BIND_HOST:$port)"
      continue
    fi
    # A sentinel restarted beside running ones keeps the config it rewrote
    # (it knows the current primary); a fresh set watches the stack's Redis.
    [[ -z $fresh && -f $SENTINEL_DIR/sentinel-$port.conf ]] || _sentinel_write_config "$port"
    redis_start "$name" "$port" "$SENTINEL_DIR" "$FS_LOG_DIR/$name.log" \
      "$SENTINEL_DIR/sentinel-$port.conf" --sentinel
  done
  fs_wait "$FS_STACK_TIMEOUT" "" sentinel_primary_port >/dev/null ||
    fs_fail sentinel "the sentinels name no primary for $FS_REDIS_SENTINEL_MASTER" "$FS_LOG_DIR/sentinel@1.log"
  fs_say "sentinel: ready ($((SECONDS - t0))s): primary 127.0.0.1:$(sentinel_primary_port), FS_REDIS_SENTINELS=$(sentinel_addresses)"
}

# FS_REDIS_SENTINELS of this stack.
sentinel_addresses() {
  local IFS=,
  printf '%s\n' "${SENTINEL_PORTS[*]/#/$FS_BIND_HOST:}"
}

sentinel_down() { fs_stop sentinel@1 sentinel@2 sentinel@3 sentinel@replica; }

sentinel_status() {
  local i rc=0 primary
  primary=$(sentinel_primary_port) || primary='?'
  fs_status sentinel@replica "$FS_BIND_HOST:$SENTINEL_REPLICA_PORT" "$SENTINEL_REPLICA_DIR" \
    "current primary :$primary" || rc=3
  for i in 1 2 3; do
    fs_status "$(_sentinel_name "$i")" "$FS_BIND_HOST:${SENTINEL_PORTS[i - 1]}" "$SENTINEL_DIR" \
      "master $FS_REDIS_SENTINEL_MASTER" || rc=3
  done
  return "$rc"
}
