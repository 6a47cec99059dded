#!/usr/bin/env bash
# The fraudstream local stack, no containers: Kafka (KRaft) + Redis, plus
# optional components from components/<name>.sh. See README.md beside this.
#
#   bash deploy/local/stack.sh up [--with a,b] [--brokers 1|3] [--secure]  # from any cwd
#   bash deploy/local/stack.sh down
#   bash deploy/local/stack.sh status [--with a,b]  # exit 0 all up, 3 some down
set -euo pipefail

FS_SELF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# --brokers and --secure are read before env.sh, which derives FS_KAFKA_BROKERS
# (and the per-node heap) and the client security settings from them; main
# checks the value.
for ((_fs_i = 1; _fs_i <= $#; _fs_i++)); do
  case ${!_fs_i} in
    --brokers) _fs_j=$((_fs_i + 1)); ((_fs_j <= $#)) && export FS_KAFKA_BROKERS_COUNT="${!_fs_j}" ;;
    --brokers=*) _fs_v=${!_fs_i}; export FS_KAFKA_BROKERS_COUNT="${_fs_v#--brokers=}" ;;
    --secure) export FS_STACK_SECURE=1 ;;
  esac
done
unset _fs_i _fs_j _fs_v
# shellcheck source=env.sh
. "$FS_SELF_DIR/env.sh"
# shellcheck source=lib/common.sh
. "$FS_LOCAL_DIR/lib/common.sh"
# shellcheck source=lib/secure.sh
. "$FS_LOCAL_DIR/lib/secure.sh"

# Always started, in this order; optional ones follow, and stop first.
FS_CORE_COMPONENTS=(kafka redis)
FS_CURRENT=stack

usage() {
  cat <<EOF
usage: bash deploy/local/stack.sh <command> [--with NAME[,NAME...]] [--brokers 1|3] [--secure]

commands:
  up       start kafka and redis (and --with components); idempotent
  down     stop every component that has a pid file, whatever was enabled
  status   one line per component (per Kafka node); exit 0 if all running, 3 if any is down

--with, or FS_STACK_WITH=a,b: optional components from
$FS_LOCAL_DIR/components/<name>.sh (available: $(fs_available_components))

--brokers 3, or FS_KAFKA_BROKERS_COUNT=3: a new Kafka cluster of three KRaft
nodes (replication factor 3, min.insync.replicas 2) instead of one. The
shape is recorded with the data ($FRAUDSTREAM_HOME/kafka/brokers); later
commands use it without the flag, and asking for another shape is refused.

--secure, or FS_STACK_SECURE=1: a new stack with TLS and SCRAM-SHA-512 on
Kafka (no plaintext listener), ACLs per principal, and a TLS-only Redis with
ACL users (docs/security.md). Recorded in $FRAUDSTREAM_HOME/secure; a home
made without it is refused.
EOF
}

fs_die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 2
}

# A failure nobody anticipated still names the component it happened in.
trap 'printf "[stack] ERROR: %s: unexpected failure (exit %s) near %s:%s\n" "$FS_CURRENT" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" >&2' ERR
set -o errtrace

fs_available_components() {
  local f names=()
  for f in "$FS_LOCAL_DIR"/components/*.sh; do
    [[ -e $f ]] && names+=("$(basename "$f" .sh)")
  done
  local IFS=,
  printf '%s\n' "${names[*]}"
}

# Function name of OPERATION for COMPONENT: "schema-registry up" -> schema_registry_up.
fs_fn() { printf '%s_%s\n' "${1//-/_}" "$2"; }

declare -A FS_LOADED=()
fs_load_component() {
  local name=$1 file op
  [[ -n ${FS_LOADED[$name]:-} ]] && return 0
  [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || fs_die "bad component name '$name'"
  file="$FS_LOCAL_DIR/components/$name.sh"
  [[ -f $file ]] || fs_die "unknown component '$name' (available: $(fs_available_components))"
  # shellcheck source=/dev/null
  . "$file"
  for op in up down status; do
    declare -F "$(fs_fn "$name" "$op")" >/dev/null ||
      fs_die "$file must define $(fs_fn "$name" "$op")"
  done
  FS_LOADED[$name]=1
}

fs_validate_settings() {
  local v i n ports=()
  for v in FS_KAFKA_PORT FS_KAFKA_CONTROLLER_PORT FS_REDIS_PORT FS_STACK_TIMEOUT FS_STOP_TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || fs_die "$v must be a number, got '${!v}'"
  done
  case ${FS_KAFKA_BROKERS_COUNT:-1} in
    1 | 3) ;;
    *) fs_die "--brokers / FS_KAFKA_BROKERS_COUNT must be 1 or 3, got '${FS_KAFKA_BROKERS_COUNT}' (2 nodes would stop with either one, more is more than a laptop needs)" ;;
  esac
  n=$FS_KAFKA_NODE_COUNT
  # Node N listens on FS_KAFKA_PORT + 2(N-1) and FS_KAFKA_CONTROLLER_PORT + 2(N-1).
  for ((i = 0; i < n; i++)); do
    ports+=($((FS_KAFKA_PORT + 2 * i)) $((FS_KAFKA_CONTROLLER_PORT + 2 * i)))
  done
  ports+=("$FS_REDIS_PORT")
  for v in "${ports[@]}"; do
    ((v > 0 && v < 65536)) || fs_die "port out of range: $v (FS_KAFKA_PORT, FS_KAFKA_CONTROLLER_PORT, FS_REDIS_PORT)"
  done
  if ((n > 1)); then
    [[ $(printf '%s\n' "${ports[@]}" | sort -u | wc -l) == "${#ports[@]}" ]] ||
      fs_die "the $n Kafka nodes use FS_KAFKA_PORT and FS_KAFKA_CONTROLLER_PORT plus 0, 2 and 4 (${ports[*]:0:${#ports[@]}-1}); these and FS_REDIS_PORT must all differ"
  else
    [[ $(printf '%s\n' "${ports[@]}" | sort -u | wc -l) == 3 ]] ||
      fs_die "FS_KAFKA_PORT, FS_KAFKA_CONTROLLER_PORT and FS_REDIS_PORT must differ"
  fi
}

# `up` must not silently turn an existing cluster into another shape (a
# static KRaft quorum cannot grow or shrink without a reformat anyway): an
# explicit --brokers / FS_KAFKA_BROKERS_COUNT that differs from the shape
# recorded with the data is refused. Without one, the recorded shape is used.
# env.sh already put the recorded shape, if any, in FS_KAFKA_NODE_COUNT.
fs_check_shape() {
  local recorded=$FS_KAFKA_NODE_COUNT
  [[ -z ${FS_KAFKA_BROKERS_COUNT:-} || $recorded == "$FS_KAFKA_BROKERS_COUNT" ]] && return 0
  fs_die "this home's Kafka is a $recorded-node cluster ($FRAUDSTREAM_HOME/kafka), but $FS_KAFKA_BROKERS_COUNT node(s) were asked for (--brokers or FS_KAFKA_BROKERS_COUNT). Run up without it to keep the $recorded-node cluster; to change shape: bash deploy/local/stack.sh down && rm -rf '$FRAUDSTREAM_HOME/kafka' (drops all Kafka data), or use another FRAUDSTREAM_HOME."
}

# up and down serialise on one lock: two concurrent `up`s would both see
# "not running" and start two brokers on one data dir. Anything long-lived
# that a component spawns must get 9>&-, or it inherits the fd and with it
# the lock, for as long as it runs.
FS_LOCK_FD=9
fs_lock() {
  fs_init_home
  command -v flock >/dev/null 2>&1 || return 0
  # Literal 9 because `exec N>` needs a literal; it is FS_LOCK_FD.
  exec 9>"$FS_RUN_DIR/stack.lock"
  if ! flock -n "$FS_LOCK_FD"; then
    fs_say "another stack.sh up/down holds $FS_RUN_DIR/stack.lock; waiting"
    flock -w 300 "$FS_LOCK_FD" || fs_die "gave up waiting for $FS_RUN_DIR/stack.lock after 300s"
  fi
}

# Core components first, then --with / FS_STACK_WITH in the order given.
fs_enabled_components() {
  local list=("${FS_CORE_COMPONENTS[@]}") name seen=" ${FS_CORE_COMPONENTS[*]} " wanted=()
  IFS=', ' read -ra wanted <<<"$FS_WITH"
  for name in "${wanted[@]}"; do
    [[ -n $name ]] || continue
    [[ $seen == *" $name "* ]] && continue
    list+=("$name")
    seen+="$name "
  done
  printf '%s\n' "${list[@]}"
}

# Components with a pid file; down trusts these, not the flags of this call.
# NAME@N.pid is instance N of component NAME (Kafka's nodes 2 and 3); the
# component's own down/status handle all of its instances.
fs_recorded_components() {
  local f name
  for f in "$FS_RUN_DIR"/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    printf '%s\n' "${name%%@*}"
  done | awk '!seen[$0]++'
}

# A plaintext home cannot be secured in place: its Kafka storage has no SCRAM
# users (they are written by the format), and its clients' settings would
# all change under them.
fs_check_secure() {
  [[ ${FS_STACK_SECURE:-0} == 1 && ! -f $FS_SECURE_DIR/enabled && -d $FRAUDSTREAM_HOME/kafka/data ]] || return 0
  fs_die "--secure asked for, but this home's Kafka ($FRAUDSTREAM_HOME/kafka) was made without it. Use another FRAUDSTREAM_HOME, or: bash deploy/local/stack.sh down && rm -rf '$FRAUDSTREAM_HOME/kafka' '$FRAUDSTREAM_HOME/redis' (drops all data)."
}

cmd_up() {
  local name t0=$SECONDS
  fs_lock
  fs_check_shape
  fs_check_secure
  if [[ ${FS_STACK_SECURE:-0} == 1 ]]; then
    FS_CURRENT=secure
    secure_ensure_material
    : >"$FS_SECURE_DIR/enabled"
    FS_CURRENT=stack
  fi
  while read -r name; do fs_load_component "$name"; done < <(fs_enabled_components)
  while read -r name; do
    FS_CURRENT=$name
    "$(fs_fn "$name" up)"
  done < <(fs_enabled_components)
  FS_CURRENT=stack
  fs_say "stack is up ($((SECONDS - t0))s): FS_KAFKA_BROKERS=$FS_KAFKA_BROKERS FS_REDIS_URL=$FS_REDIS_URL"
  fs_say "settings for your shell: . deploy/local/env.sh    status: npm run stack:status"
}

cmd_down() {
  local name i recorded=() order=()
  fs_lock
  mapfile -t recorded < <(fs_recorded_components)
  # Optional components depend on the core ones (a registry on Kafka), so
  # they go first (reverse name order); then the core in reverse start order.
  for name in "${recorded[@]}"; do
    [[ " ${FS_CORE_COMPONENTS[*]} " == *" $name "* ]] || order=("$name" "${order[@]}")
  done
  for ((i = ${#FS_CORE_COMPONENTS[@]} - 1; i >= 0; i--)); do
    order+=("${FS_CORE_COMPONENTS[i]}")
  done
  for name in "${order[@]}"; do
    FS_CURRENT=$name
    if [[ -f $FS_LOCAL_DIR/components/$name.sh ]]; then
      fs_load_component "$name"
      "$(fs_fn "$name" down)"
    else
      # Its script is gone (branch switch?): the pid file alone is enough.
      fs_stop "$name"
    fi
  done
  FS_CURRENT=stack
  fs_say "stack is down"
}

cmd_status() {
  local name rc=0 down=0 total=0 names=()
  mapfile -t names < <({
    fs_enabled_components
    fs_recorded_components
  } | awk '!seen[$0]++')
  for name in "${names[@]}"; do
    FS_CURRENT=$name
    total=$((total + 1))
    if [[ -f $FS_LOCAL_DIR/components/$name.sh ]]; then
      fs_load_component "$name"
      "$(fs_fn "$name" status)" || rc=$?
    else
      fs_status "$name" "?" "?" "no components/$name.sh" || rc=$?
    fi
    ((rc == 0)) || down=$((down + 1))
    rc=0
  done
  FS_CURRENT=stack
  if ((down > 0)); then
    printf '%s of %s components down (home %s)\n' "$down" "$total" "$FRAUDSTREAM_HOME"
    return 3
  fi
  printf 'all %s components running (home %s)\n' "$total" "$FRAUDSTREAM_HOME"
}

main() {
  local cmd=${1:-}
  [[ -n $cmd ]] || {
    usage >&2
    exit 2
  }
  shift
  FS_WITH=${FS_STACK_WITH:-}
  while (($#)); do
    case $1 in
      --with) (($# >= 2)) || fs_die "--with needs a value"; FS_WITH+=",$2"; shift 2 ;;
      --with=*) FS_WITH+=",${1#--with=}"; shift ;;
      # Already read at the top, before env.sh.
      --brokers) (($# >= 2)) || fs_die "--brokers needs a value (1 or 3)"; shift 2 ;;
      --brokers=*) shift ;;
      --secure) shift ;;
      -h | --help) usage; exit 0 ;;
      *) fs_die "unknown argument '$1' (try --help)" ;;
    esac
  done
  fs_validate_settings
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status || exit $? ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
