# shellcheck shell=bash
# Helpers shared by stack.sh and the components: messages, pid files, waiting,
# installing missing system packages. Sourced after env.sh.

FS_RUN_DIR="$FRAUDSTREAM_HOME/run"
FS_LOG_DIR="$FRAUDSTREAM_HOME/logs"
FS_LOG_TAIL="${FS_LOG_TAIL:-40}"

# Create the state directory. Its own .gitignore keeps every byte of runtime
# state out of git even where the root .gitignore does not list it (e.g. a
# custom FRAUDSTREAM_HOME inside the tree).
fs_init_home() {
  mkdir -p "$FS_RUN_DIR" "$FS_LOG_DIR"
  [[ -f $FRAUDSTREAM_HOME/.gitignore ]] || printf '*\n' >"$FRAUDSTREAM_HOME/.gitignore"
}

fs_say() { printf '[stack] %s\n' "$*"; }
fs_warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }

# Print the tail of each existing log, for a human trying to see why.
fs_tail_logs() {
  local f shown=''
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf -- '----- last %s lines of %s -----\n' "$FS_LOG_TAIL" "$f" >&2
    tail -n "$FS_LOG_TAIL" "$f" >&2
    shown=1
  done
  if [[ -n $shown ]]; then printf -- '-----\n' >&2; fi
}

# fs_fail COMPONENT MESSAGE [LOG...]: report, show the logs, end the script.
# Exits instead of returning: callers are often in contexts where set -e is
# suspended, and a failed start must never be mistaken for success.
fs_fail() {
  local comp=$1 msg=$2
  shift 2
  printf '[stack] ERROR: %s: %s\n' "$comp" "$msg" >&2
  fs_tail_logs "$@"
  exit 1
}

fs_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

fs_pidfile() { printf '%s/%s.pid\n' "$FS_RUN_DIR" "$1"; }

# Value of KEY in a pid file (line 1 is the bare pid, then key=value lines).
fs_pidfile_get() {
  [[ -f $1 ]] || return 0
  sed -n "s/^$2=//p" "$1" | head -n 1
}

# Field 22 of /proc/PID/stat: start time in clock ticks since boot. Together
# with the pid it names one process for good; a recycled pid gets a new one.
fs_proc_ticks() {
  local stat rest
  local -a f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }
  read -ra f <<<"$rest"
  [[ ${f[0]} != Z ]] || return 1
  printf '%s\n' "${f[19]}"
}

# True when PID is alive, started at TICKS, and its command line contains MATCH.
fs_pid_is_ours() {
  local pid=$1 ticks=$2 match=$3 now cmd
  [[ $pid =~ ^[0-9]+$ && -n $ticks && -n $match ]] || return 1
  now=$(fs_proc_ticks "$pid") || return 1
  [[ $now == "$ticks" ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$match"* ]]
}

# fs_pidfile_write NAME PID MATCH ADDR DATA
# MATCH is a substring of the process's command line that only our instance
# has (its config path or listen address); checked on every later use.
fs_pidfile_write() {
  local name=$1 pid=$2 match=$3 addr=$4 data=$5 ticks f
  ticks=$(fs_proc_ticks "$pid") || return 1
  f=$(fs_pidfile "$name")
  mkdir -p "$FS_RUN_DIR"
  printf '%s\nstarted=%s\nticks=%s\nmatch=%s\naddr=%s\ndata=%s\n' \
    "$pid" "$(fs_now)" "$ticks" "$match" "$addr" "$data" >"$f.tmp"
  mv "$f.tmp" "$f"
}

# fs_running NAME: true if NAME's pid file names a live process of ours.
# Sets FS_PID as a side effect so callers need not re-read the file.
FS_PID=
fs_running() {
  local f
  f=$(fs_pidfile "$1")
  FS_PID=
  [[ -f $f ]] || return 1
  FS_PID=$(head -n 1 "$f")
  fs_pid_is_ours "$FS_PID" "$(fs_pidfile_get "$f" ticks)" "$(fs_pidfile_get "$f" match)"
}

fs_port_open() { (exec 3<>"/dev/tcp/$FS_BIND_HOST/$1") 2>/dev/null; }

# Refuse to start on a port someone else holds: the new process would die on
# bind and the real cause would be buried in its log.
fs_require_free_port() {
  local comp=$1 port=$2
  if fs_port_open "$port"; then
    fs_fail "$comp" "port $FS_BIND_HOST:$port is already in use by another process (not one this stack recorded). Free it or choose another port (see deploy/local/README.md)."
  fi
}

# fs_wait SECONDS PID CHECK [ARGS...]: poll CHECK until it succeeds.
# Returns 1 on timeout, 2 as soon as PID (if non-empty) has died. Death is
# judged by /proc, not kill -0: a child that died during `up` is a zombie
# until this script exits, and kill -0 happily succeeds on zombies.
fs_wait() {
  local timeout=$1 pid=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "$@"; then return 0; fi
    if [[ -n $pid ]] && ! fs_proc_ticks "$pid" >/dev/null; then return 2; fi
    sleep 0.5
  done
  return 1
}

# fs_stop NAME...: SIGTERM, wait FS_STOP_TIMEOUT, SIGKILL, verify, drop the
# pid file. Only ever signals a pid that passes fs_pid_is_ours. Several names
# are stopped together: all get SIGTERM at once and share one timeout (the
# nodes of a Kafka cluster need each other to shut down).
fs_stop() {
  local name f stopping=()
  for name in "$@"; do
    f=$(fs_pidfile "$name")
    if [[ ! -f $f ]]; then
      fs_say "$name: not running"
      continue
    fi
    if ! fs_running "$name"; then
      fs_say "$name: not running (removed stale pid file; pid ${FS_PID:-?} is gone or is not ours)"
      rm -f "$f"
      continue
    fi
    fs_say "$name: stopping pid $FS_PID"
    kill -TERM "$FS_PID" 2>/dev/null || true
    stopping+=("$name")
  done
  ((${#stopping[@]} > 0)) || return 0
  if ! fs_wait "$FS_STOP_TIMEOUT" "" _fs_gone "${stopping[@]}"; then
    for name in "${stopping[@]}"; do
      if fs_running "$name"; then
        fs_warn "$name: pid $FS_PID still alive after ${FS_STOP_TIMEOUT}s, sending SIGKILL"
        kill -KILL "$FS_PID" 2>/dev/null || true
      fi
    done
    fs_wait 10 "" _fs_gone "${stopping[@]}" || fs_fail "${stopping[0]}" "pid ${FS_PID:-?} survived SIGKILL"
  fi
  for name in "${stopping[@]}"; do
    rm -f "$(fs_pidfile "$name")"
    fs_say "$name: stopped"
  done
}
_fs_gone() {
  local name
  for name in "$@"; do
    if fs_running "$name"; then return 1; fi
  done
  return 0
}

# fs_status NAME ADDR DATA [NOTE]: one status line; 0 if running, 3 if not.
fs_status() {
  local name=$1 addr=$2 data=$3 note=${4:-} f
  f=$(fs_pidfile "$name")
  if fs_running "$name"; then
    printf '%-10s %-8s pid %-8s %-22s since %-21s data %s%s\n' "$name" running \
      "$FS_PID" "$(fs_pidfile_get "$f" addr)" "$(fs_pidfile_get "$f" started)" \
      "$(fs_pidfile_get "$f" data)" "${note:+  ($note)}"
    return 0
  fi
  [[ -f $f ]] && note="stale pid file${note:+; $note}"
  printf '%-10s %-8s pid %-8s %-22s since %-21s data %s%s\n' "$name" stopped \
    - "$addr" - "$data" "${note:+  ($note)}"
  return 3
}

# fs_ensure_cmd COMMAND DEBIAN_PACKAGE: install from apt if COMMAND is missing.
# apt-get update runs at most once per stack.sh invocation.
FS_APT_UPDATED=
fs_ensure_cmd() {
  local cmd=$1 pkg=$2 sudo=() log="$FS_LOG_DIR/apt.log"
  # Wait for, rather than fail on, another apt/dpkg run holding its lock.
  local apt_opts=(-q -o DPkg::Lock::Timeout=600)
  command -v "$cmd" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 ||
    fs_fail "$pkg" "'$cmd' is not installed and apt-get is unavailable; install $pkg yourself"
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fs_fail "$pkg" "'$cmd' is missing; run: apt-get install -y $pkg"
    sudo=(sudo)
  fi
  mkdir -p "$FS_LOG_DIR"
  if [[ -z $FS_APT_UPDATED ]]; then
    fs_say "$pkg: '$cmd' not found, running apt-get update"
    "${sudo[@]}" apt-get "${apt_opts[@]}" update >>"$log" 2>&1 9>&- || fs_fail "$pkg" "apt-get update failed" "$log"
    FS_APT_UPDATED=1
  fi
  fs_say "$pkg: installing with apt-get"
  # 9>&-: a package's postinst may start a daemon (redis-server does).
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y "$pkg" >>"$log" 2>&1 9>&- ||
    fs_fail "$pkg" "apt-get install $pkg failed" "$log"
  hash -r
  command -v "$cmd" >/dev/null 2>&1 || fs_fail "$pkg" "installed $pkg but '$cmd' is still not on PATH"
}
