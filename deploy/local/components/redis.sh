# shellcheck shell=bash
# Component: our own redis-server (Debian package), never the system service.
# Contract (see README.md): redis_up, redis_down, redis_status.

REDIS_DIR="$FRAUDSTREAM_HOME/redis"
# redis-server's own pid file; ours (with start time) is run/redis.pid.
REDIS_OWN_PIDFILE="$REDIS_DIR/redis-server.pid"
REDIS_LOG="$FS_LOG_DIR/redis.log"
REDIS_ADDR="$FS_BIND_HOST:$FS_REDIS_PORT"

# Speaks RESP over bash's /dev/tcp so the check needs no redis-cli. A
# loading server answers -LOADING, which is not ready.
redis_ping() {
  (
    exec 3<>"/dev/tcp/$FS_BIND_HOST/$FS_REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ $reply == +PONG* ]]
  ) 2>/dev/null
}

redis_up() {
  local bin pid rc=0 t0=$SECONDS
  mkdir -p "$REDIS_DIR" "$FS_LOG_DIR"
  if fs_running redis; then
    fs_say "redis: already running (pid $FS_PID, $REDIS_ADDR)"
    return 0
  fi
  rm -f "$(fs_pidfile redis)"
  fs_ensure_cmd redis-server redis-server
  bin=$(command -v redis-server)
  fs_require_free_port redis "$FS_REDIS_PORT"
  rm -f "$REDIS_OWN_PIDFILE"
  fs_say "redis: starting $("$bin" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on $REDIS_ADDR"
  # noeviction: the services keep state here (velocity counters, dedup
  # keys); silently evicting it would corrupt results instead of failing.
  # --save "": the append-only file is the persistence. RDB save points
  # (Redis's default: every minute under heavy writes) fork and write the
  # whole dataset, a core for seconds on this 2-core machine, mid-benchmark.
  # Errors before it daemonizes (bad flags) only reach stdout, hence the
  # redirect into the same log it writes itself later. 9>&-: see FS_LOCK_FD in stack.sh.
  # shellcheck disable=SC2094
  "$bin" --port "$FS_REDIS_PORT" --bind "$FS_BIND_HOST" --dir "$REDIS_DIR" \
    --appendonly yes --save "" --maxmemory-policy noeviction \
    --daemonize yes --pidfile "$REDIS_OWN_PIDFILE" --logfile "$REDIS_LOG" \
    </dev/null >>"$REDIS_LOG" 2>&1 9>&- ||
    fs_fail redis "redis-server refused to start" "$REDIS_LOG"
  # It daemonizes, so its pid is only known once it writes its pid file,
  # which it does after binding the port.
  fs_wait 15 "" test -s "$REDIS_OWN_PIDFILE" ||
    fs_fail redis "redis-server did not come up (no pid file after 15s)" "$REDIS_LOG"
  pid=$(cat "$REDIS_OWN_PIDFILE")
  # Redis rewrites its process title to "redis-server HOST:PORT".
  fs_pidfile_write redis "$pid" "redis-server $REDIS_ADDR" "$REDIS_ADDR" "$REDIS_DIR" ||
    fs_fail redis "redis-server (pid $pid) exited right after starting" "$REDIS_LOG"
  fs_wait "$FS_STACK_TIMEOUT" "$pid" redis_ping || rc=$?
  if ((rc != 0)); then
    if fs_running redis; then fs_stop redis >&2 || true; fi
    rm -f "$(fs_pidfile redis)"
    fs_fail redis "no PONG within ${FS_STACK_TIMEOUT}s ($([[ $rc == 2 ]] && echo 'process died' || echo 'timeout'))" "$REDIS_LOG"
  fi
  fs_running redis || fs_fail redis "pid $pid does not look like our redis-server" "$REDIS_LOG"
  fs_say "redis: ready on $REDIS_ADDR, PING ok ($((SECONDS - t0))s)"
}

redis_down() { fs_stop redis; }

redis_status() { fs_status redis "$REDIS_ADDR" "$REDIS_DIR" "url $FS_REDIS_URL"; }
