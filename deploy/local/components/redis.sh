# shellcheck shell=bash
# Component: our own redis-server (Debian package), never the system service.
# Contract (see README.md): redis_up, redis_down, redis_status.

REDIS_DIR="$FRAUDSTREAM_HOME/redis"
# redis-server writes its own pid file, <component>.pid, in its data
# directory; ours (with start time) is run/<component>.pid.
REDIS_LOG="$FS_LOG_DIR/redis.log"
REDIS_ADDR="$FS_BIND_HOST:$FS_REDIS_PORT"

# Speaks RESP over bash's /dev/tcp so the check needs no redis-cli. A
# loading server answers -LOADING, which is not ready. PORT defaults to the
# stack's Redis (components/sentinel.sh pings its replica and sentinels).
redis_ping() {
  local port=${1:-$FS_REDIS_PORT}
  if [[ ${FS_STACK_SECURE:-0} == 1 ]]; then
    _redis_ping_tls "$port"
    return
  fi
  (
    exec 3<>"/dev/tcp/$FS_BIND_HOST/$port" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ $reply == +PONG* ]]
  ) 2>/dev/null
}

# Secured, the server speaks TLS only and the default user is off: the
# check logs in as the stack's admin user. REDISCLI_AUTH keeps the password
# out of the process list.
_redis_ping_tls() {
  local reply
  reply=$(REDISCLI_AUTH=$(secure_password redis admin) timeout 3 redis-cli --no-auth-warning \
    -h "$FS_BIND_HOST" -p "$1" --tls --cacert "$FS_SECURE_DIR/ca.pem" \
    --user admin PING 2>/dev/null) || return 1
  [[ $reply == PONG ]]
}

# The persistence and memory flags of every data node (the primary here, the
# replica of components/sentinel.sh): a replica promoted in a failover must
# keep state exactly as the primary did.
# noeviction: the services keep state here (velocity counters, dedup
# keys); silently evicting it would corrupt results instead of failing.
# --save "": the append-only file is the persistence. RDB save points
# (Redis's default: every minute under heavy writes) fork and write the
# whole dataset, a core for seconds on this 2-core machine, mid-benchmark.
# appendfsync stays at its default, everysec: docs/architecture.md
# ("Durability of the retry queue") says why not always.
REDIS_DATA_FLAGS=(--appendonly yes --save "" --maxmemory-policy noeviction)

# redis_start NAME PORT DIR LOG ARG...: starts redis-server ARG... as a
# daemon on PORT (ARG... must include --port, or secured --port 0 --tls-port;
# the first may be a config file), records it as component NAME and waits for
# PONG. Fails the stack (fs_fail) when it does not come up.
redis_start() {
  local name=$1 port=$2 dir=$3 log=$4 bin pid rc=0 own_pidfile
  shift 4
  own_pidfile="$dir/$name.pid"
  rm -f "$(fs_pidfile "$name")" "$own_pidfile"
  fs_ensure_cmd redis-server redis-server
  bin=$(command -v redis-server)
  fs_require_free_port "$name" "$port"
  # Errors before it daemonizes (bad flags) only reach stdout, hence the
  # redirect into the same log it writes itself later. 9>&-: see FS_LOCK_FD in stack.sh.
  # shellcheck disable=SC2094
  "$bin" "$@" --bind "$FS_BIND_HOST" --daemonize yes --pidfile "$own_pidfile" --logfile "$log" \
    </dev/null >>"$log" 2>&1 9>&- ||
    fs_fail "$name" "redis-server refused to start" "$log"
  # It daemonizes, so its pid is only known once it writes its pid file,
  # which it does after binding the port.
  fs_wait 15 "" test -s "$own_pidfile" ||
    fs_fail "$name" "redis-server did not come up (no pid file after 15s)" "$log"
  pid=$(cat "$own_pidfile")
  # Redis rewrites its process title to "redis-server HOST:PORT".
  fs_pidfile_write "$name" "$pid" "redis-server $FS_BIND_HOST:$port" "$FS_BIND_HOST:$port" "$dir" ||
    fs_fail "$name" "redis-server (pid $pid) exited right after starting" "$log"
  fs_wait "$FS_STACK_TIMEOUT" "$pid" redis_ping "$port" || rc=$?
  if ((rc != 0)); then
    if fs_running "$name"; then fs_stop "$name" >&2 || true; fi
    rm -f "$(fs_pidfile "$name")"
    fs_fail "$name" "no PONG within ${FS_STACK_TIMEOUT}s ($([[ $rc == 2 ]] && echo 'process died' || echo 'timeout'))" "$log"
  fi
  fs_running "$name" || fs_fail "$name" "pid $pid does not look like our redis-server" "$log"
}

redis_up() {
  local t0=$SECONDS follow=()
  mkdir -p "$REDIS_DIR" "$FS_LOG_DIR"
  if fs_running redis; then
    fs_say "redis: already running (pid $FS_PID, $REDIS_ADDR)"
    return 0
  fi
  # With sentinels, this Redis may have been failed over while it was down:
  # it comes back as a replica of the primary they name, never as a second
  # primary that clients of FS_REDIS_URL would write to. Sentinels that ran
  # count even when this `up` was not given --with sentinel.
  fs_ensure_cmd redis-server redis-server
  if [[ -f $(fs_pidfile sentinel@1) ]]; then fs_load_component sentinel; fi
  if declare -F sentinel_replicaof_args >/dev/null; then
    mapfile -t follow < <(sentinel_replicaof_args "$FS_REDIS_PORT")
  fi
  local -a listen=(--port "$FS_REDIS_PORT")
  if [[ ${FS_STACK_SECURE:-0} == 1 ]]; then
    secure_write_redis_acl
    mapfile -t listen < <(secure_redis_args)
  fi
  fs_say "redis: starting $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on $REDIS_ADDR${follow[*]:+ (${follow[*]})}"
  redis_start redis "$FS_REDIS_PORT" "$REDIS_DIR" "$REDIS_LOG" \
    "${listen[@]}" --dir "$REDIS_DIR" "${REDIS_DATA_FLAGS[@]}" "${follow[@]}"
  fs_say "redis: ready on $REDIS_ADDR, PING ok ($((SECONDS - t0))s)"
}

redis_down() { fs_stop redis; }

redis_status() { fs_status redis "$REDIS_ADDR" "$REDIS_DIR" "url $FS_REDIS_URL"; }
