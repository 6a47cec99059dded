# shellcheck shell=bash
# Settings of the local stack, in one place for the shell side.
#
#   . deploy/local/env.sh      # from any cwd; exports the resolved settings
#
# Sourced into interactive shells, so it must not change shell options
# (no set -e here) and must only define FS_*/FRAUDSTREAM_* variables.
# Values already in the environment win; derived values (FS_KAFKA_BROKERS,
# FS_KAFKA_NODE_COUNT, FS_REDIS_URL) are always recomputed so they cannot
# drift from the ports or from the cluster on disk.

# $0 is the fallback for zsh, where BASH_SOURCE does not exist.
_fs_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd -P)"

FS_REPO_ROOT="$(cd "$_fs_env_dir/../.." && pwd -P)"
FS_LOCAL_DIR="$_fs_env_dir"
export FS_REPO_ROOT FS_LOCAL_DIR

# Paths end up in pid files and are matched against /proc/<pid>/cmdline, so
# they must be absolute whatever cwd the caller had.
_fs_abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
FRAUDSTREAM_HOME="$(_fs_abs "${FRAUDSTREAM_HOME:-$FS_REPO_ROOT/.fraudstream}")"
FRAUDSTREAM_CACHE="$(_fs_abs "${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}")"
export FRAUDSTREAM_HOME FRAUDSTREAM_CACHE
unset -f _fs_abs

export FS_BIND_HOST=127.0.0.1
export FS_KAFKA_PORT="${FS_KAFKA_PORT:-19092}"
export FS_KAFKA_CONTROLLER_PORT="${FS_KAFKA_CONTROLLER_PORT:-19093}"
export FS_REDIS_PORT="${FS_REDIS_PORT:-16379}"
export FS_STACK_TIMEOUT="${FS_STACK_TIMEOUT:-120}"
export FS_STOP_TIMEOUT="${FS_STOP_TIMEOUT:-30}"

# The pom is the single pin of the Kafka version.
FS_KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$_fs_env_dir/kafka/pom.xml")"
export FS_KAFKA_VERSION

# Kafka nodes of this home's cluster. The shape is chosen when the storage is
# first formatted and recorded in kafka/brokers (a home formatted before that
# file existed is a single broker); the record wins over FS_KAFKA_BROKERS_COUNT
# (`up --brokers`), which only chooses the shape of a new cluster, so every
# shell and script agrees with the cluster that exists. 1 or 3; stack.sh
# rejects anything else, here it falls back to 1 so a shell never breaks.
FS_KAFKA_NODE_COUNT=
if [ -f "$FRAUDSTREAM_HOME/kafka/brokers" ]; then
  read -r FS_KAFKA_NODE_COUNT <"$FRAUDSTREAM_HOME/kafka/brokers" || :
elif [ -f "$FRAUDSTREAM_HOME/kafka/data/meta.properties" ]; then
  FS_KAFKA_NODE_COUNT=1
fi
[ -n "$FS_KAFKA_NODE_COUNT" ] || FS_KAFKA_NODE_COUNT="${FS_KAFKA_BROKERS_COUNT:-1}"
case "$FS_KAFKA_NODE_COUNT:$FS_KAFKA_PORT" in
  3:*[!0-9]* | 3:) FS_KAFKA_NODE_COUNT=1 ;;
  3:*) ;;
  *) FS_KAFKA_NODE_COUNT=1 ;;
esac
export FS_KAFKA_NODE_COUNT
# Per node: three JVMs share the machine (see components/kafka.sh).
if [ "$FS_KAFKA_NODE_COUNT" = 3 ]; then
  export FS_KAFKA_HEAP="${FS_KAFKA_HEAP:-512m}"
else
  export FS_KAFKA_HEAP="${FS_KAFKA_HEAP:-768m}"
fi

# Node N listens on FS_KAFKA_PORT + 2(N-1), its controller on
# FS_KAFKA_CONTROLLER_PORT + 2(N-1): 19092/19093, 19094/19095, 19096/19097.
FS_KAFKA_BROKERS="$FS_BIND_HOST:$FS_KAFKA_PORT"
if [ "$FS_KAFKA_NODE_COUNT" = 3 ]; then
  FS_KAFKA_BROKERS="$FS_KAFKA_BROKERS,$FS_BIND_HOST:$((FS_KAFKA_PORT + 2)),$FS_BIND_HOST:$((FS_KAFKA_PORT + 4))"
fi
export FS_KAFKA_BROKERS
export FS_REDIS_URL="redis://$FS_BIND_HOST:$FS_REDIS_PORT"
# The sentinels of components/sentinel.sh (FS_REDIS_PORT+2..+4), when that
# component is enabled or has run in this home: the workers then find the
# primary through them and follow a failover.
case ",${FS_STACK_WITH:-}," in
  *,sentinel,*) _fs_sentinels=1 ;;
  *) [ -f "$FRAUDSTREAM_HOME/run/sentinel@1.pid" ] && _fs_sentinels=1 || _fs_sentinels= ;;
esac
if [ -n "$_fs_sentinels" ]; then
  export FS_REDIS_SENTINELS="$FS_BIND_HOST:$((FS_REDIS_PORT + 2)),$FS_BIND_HOST:$((FS_REDIS_PORT + 3)),$FS_BIND_HOST:$((FS_REDIS_PORT + 4))"
fi
unset _fs_sentinels

# The secured stack (`stack.sh up --secure`, docs/security.md). Like the
# shape, it is recorded with the data (secure/enabled): a home formatted with
# SCRAM users and TLS stays secured, and every shell that sources this file
# gets the client settings of the worker principal. FS_STACK_SECURE=1 (what
# --secure sets) asks for it on a new home.
export FS_SECURE_DIR="$FRAUDSTREAM_HOME/secure"
if [ -f "$FS_SECURE_DIR/enabled" ]; then FS_STACK_SECURE=1; fi
if [ "${FS_STACK_SECURE:-0}" = 1 ]; then
  export FS_STACK_SECURE
  export FS_REDIS_URL="rediss://$FS_BIND_HOST:$FS_REDIS_PORT"
  export FS_KAFKA_SECURITY_PROTOCOL="${FS_KAFKA_SECURITY_PROTOCOL:-sasl_ssl}"
  export FS_KAFKA_SASL_MECHANISM="${FS_KAFKA_SASL_MECHANISM:-scram-sha-512}"
  export FS_KAFKA_SSL_CA="${FS_KAFKA_SSL_CA:-$FS_SECURE_DIR/ca.pem}"
  export FS_KAFKA_SASL_USERNAME="${FS_KAFKA_SASL_USERNAME:-worker}"
  export FS_KAFKA_SASL_PASSWORD_FILE="${FS_KAFKA_SASL_PASSWORD_FILE:-$FS_SECURE_DIR/kafka-$FS_KAFKA_SASL_USERNAME.password}"
  export FS_REDIS_CA="${FS_REDIS_CA:-$FS_SECURE_DIR/ca.pem}"
  export FS_REDIS_USERNAME="${FS_REDIS_USERNAME:-worker}"
  export FS_REDIS_PASSWORD_FILE="${FS_REDIS_PASSWORD_FILE:-$FS_SECURE_DIR/redis-$FS_REDIS_USERNAME.password}"
fi

# Export every FS_TOPIC_* named in topics.conf with its resolved name.
while read -r _fs_a _fs_b _fs_c _fs_rest; do
  case "$_fs_a" in '' | '#'*) continue ;; esac
  # Two-column lines have a fixed name and nothing to export.
  [ -n "$_fs_c" ] || continue
  case "$_fs_c" in '#'*) continue ;; esac
  # The name goes through eval (${!name} is bash-only; zsh sources this too).
  case "$_fs_a" in *[!A-Za-z0-9_]* | [0-9]*) continue ;; esac
  eval "export $_fs_a=\"\${$_fs_a:-\$_fs_b}\""
done <"$_fs_env_dir/topics.conf"
unset _fs_a _fs_b _fs_c _fs_rest _fs_env_dir
