#!/usr/bin/env bash
# Builds the native addon of @confluentinc/kafka-javascript (librdkafka) without GitHub.
#
#   bash deploy/local/kafka-native.sh          # idempotent; ~1 s when the addon already loads
#
# We install npm packages with --ignore-scripts, so the package's install script (node-pre-gyp)
# never runs: it would download a prebuilt addon from GitHub, and its fallback source build runs
# librdkafka's `configure --install-deps`, which downloads OpenSSL/zstd/curl sources. Neither host
# is reachable from our machines. With CKJS_LINKING=dynamic the package's own build links
# librdkafka (deps/librdkafka in the package) against Debian's libraries instead; this script
# runs that build with node-gyp and keeps the result in a cache (see
# deploy/local/README-kafka-native.md).
#
# Environment:
#   FS_KAFKA_NATIVE_FORCE=1  rebuild from source even if the addon loads or a cached build exists.
#   FRAUDSTREAM_CACHE        cache root (default ~/.cache/fraudstream); we use its kafka-javascript/.
set -euo pipefail

PKG=@confluentinc/kafka-javascript
ADDON=confluent-kafka-javascript.node # build/Release/<this>; it loads build/deps/librdkafka*.so.1
REQUIRED_FEATURES=(ssl sasl zstd lz4)
# Debian packages the dynamic build links against (headers + .so symlinks).
DEV_PKGS=(libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
FROM="$ROOT/workers" # the workspace that depends on the package; resolve it as its code does
CACHE_ROOT="${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}/kafka-javascript"

now_us() { printf '%s\n' "${EPOCHREALTIME/[.,]/}"; }
secs() {
  local d=$(($(now_us) - $1))
  printf '%d.%ds' $((d / 1000000)) $((d % 1000000 / 100000))
}
T0=$(now_us)
STEP="start"
STEP_T0=$T0
say() { printf '[kafka-native] %s\n' "$*"; }
warn() { printf '[kafka-native] WARNING: %s\n' "$*" >&2; }
step() {
  STEP=$1
  STEP_T0=$(now_us)
  say "$STEP ..."
}
step_done() { say "  done in $(secs "$STEP_T0")${1:+ ($1)}"; }
die() {
  printf '[kafka-native] ERROR in step "%s": %s\n' "$STEP" "$*" >&2
  exit 1
}
show_log() {
  [[ -s $1 ]] || return 0
  printf -- '----- last 40 lines of %s -----\n' "$1" >&2
  tail -n 40 "$1" >&2
  printf -- '-----\n' >&2
}
rc=0
trap 'rc=$?; printf "[kafka-native] FAILED in step \"%s\" (exit %s, line %s) after %s\n" "$STEP" "$rc" "$LINENO" "$(secs "$T0")" >&2' ERR
set -E

# --- locate the package ----------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not on PATH"
STEP="locate $PKG"
PKG_DIR="$(node -p 'require("path").dirname(require.resolve(process.argv[1] + "/package.json", { paths: [process.argv[2]] }))' "$PKG" "$FROM" 2>/dev/null)" ||
  die "$PKG is not installed under $ROOT; run: npm ci --ignore-scripts"
PKG_VERSION="$(node -p 'require(process.argv[1] + "/package.json").version' "$PKG_DIR")"
# A nan addon is tied to the node ABI, not only to N-API: key on it.
KEY="$PKG_VERSION-node-v$(node -p process.versions.modules)-$(node -p 'process.platform + "-" + process.arch')"
CACHED="$CACHE_ROOT/$KEY"

# check: 0 when the package loads with every required feature; CHECK_OUT is "VERSION FEATURES"
# or the error.
CHECK_OUT=
check() {
  CHECK_OUT="$(cd "$FROM" && node -e '
    const k = require(process.argv[1]);
    const f = k.features, need = process.argv.slice(2);
    if (!k.librdkafkaVersion || !Array.isArray(f)) throw new Error("no librdkafkaVersion/features exported");
    const missing = need.filter((x) => !f.includes(x));
    console.log(k.librdkafkaVersion + " " + f.join(","));
    if (missing.length) { console.log("missing features: " + missing.join(",")); process.exit(3); }
  ' "$PKG" "${REQUIRED_FEATURES[@]}" 2>&1)"
}
# check_err: the line of a failed check that says why (node prints a stack and its version).
check_err() { grep -m 1 -E 'Error|missing' <<<"$CHECK_OUT" || tail -n 1 <<<"$CHECK_OUT"; }
ok_line() { # ok_line HOW
  local v=${CHECK_OUT%% *} f=${CHECK_OUT#* }
  say "librdkafka $v OK (features $f) [$PKG $PKG_VERSION, $1, $(secs "$T0")]"
}

# --- 1. fast path ----------------------------------------------------------------------------
if [[ ${FS_KAFKA_NATIVE_FORCE:-0} != 1 ]] && check; then
  ok_line "already built"
  exit 0
fi
[[ ${FS_KAFKA_NATIVE_FORCE:-0} == 1 ]] || say "the addon does not load yet: $(check_err)"

LOG_DIR="$CACHE_ROOT/logs"
mkdir -p "$LOG_DIR"
# One run at a time per cache: two builds in one package dir would corrupt each other.
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  say "another kafka-native.sh holds $CACHE_ROOT/.lock; waiting (up to 30 min) ..."
  flock -w 1800 9 || die "timed out waiting for $CACHE_ROOT/.lock"
  if [[ ${FS_KAFKA_NATIVE_FORCE:-0} != 1 ]] && check; then
    ok_line "built by the other run"
    exit 0
  fi
fi

# --- 2. restore a cached build ---------------------------------------------------------------
# The .node finds librdkafka.so.1/librdkafka++.so.1 through its rpath $ORIGIN/../deps, so both
# directories are cached and restored.
if [[ ${FS_KAFKA_NATIVE_FORCE:-0} != 1 && -f $CACHED/Release/$ADDON ]]; then
  step "restore: $CACHED -> $PKG_DIR/build"
  mkdir -p "$PKG_DIR/build/Release" "$PKG_DIR/build/deps"
  cp -f "$CACHED/Release/$ADDON" "$PKG_DIR/build/Release/"
  cp -Pf "$CACHED"/deps/* "$PKG_DIR/build/deps/"
  if check; then
    step_done
    ok_line "restored from cache"
    exit 0
  fi
  # e.g. Debian moved to another soname of a library: build again.
  warn "the cached build does not work ($(check_err)); building from source"
  rm -rf "$CACHED"
fi

# --- 3. tools and libraries ------------------------------------------------------------------
step "tools: compiler, python3, -dev packages, node headers"
missing=()
for c in python3 make g++; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEV_PKGS[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
  done
else
  warn "no dpkg-query: not checking for ${DEV_PKGS[*]} (librdkafka's configure will)"
fi
if ((${#missing[@]})); then
  pkgs="${missing[*]}"
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing with apt-get: $pkgs"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs; } \
      >"$LOG_DIR/apt.log" 2>&1 || { show_log "$LOG_DIR/apt.log"; die "apt-get install $pkgs failed"; }
  else
    die "missing: $pkgs (Debian: apt-get install -y $pkgs)"
  fi
fi
# node-gyp compiles against the headers of the running node; it must never download them.
NODEDIR="${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}"
own_dir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [[ -z $NODEDIR || $NODEDIR == undefined || $NODEDIR == null ]]; then
  NODEDIR="$own_dir"
elif [[ $NODEDIR != "$own_dir" && -f $own_dir/include/node/node_version.h ]] &&
  ! grep -qE "^#define NODE_MAJOR_VERSION $(node -p 'process.versions.node.split(".")[0]')\$" "$NODEDIR/include/node/node_version.h" 2>/dev/null; then
  # e.g. ~/.npmrc's nodedir=/usr is the machine's default node, not a second node first on PATH.
  warn "nodedir $NODEDIR holds another node major's headers; using the running node's, $own_dir"
  NODEDIR="$own_dir"
fi
[[ -f $NODEDIR/include/node/node_version.h && -f $NODEDIR/include/node/common.gypi ]] ||
  die "node headers not found at $NODEDIR/include/node (set npm's nodedir, or install the headers of node $(node -v)); refusing to download them"
hdr_ver="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION/{printf "%s%s", sep, $3; sep="."}' "$NODEDIR/include/node/node_version.h")"
# nan addons follow the node ABI: the header major must be the running node's.
[[ ${hdr_ver%%.*} == "$(node -p 'process.versions.node.split(".")[0]')" ]] ||
  die "node headers in $NODEDIR are $hdr_ver but node is $(node -v): the addon would not load"
[[ v$hdr_ver == "$(node -v)" ]] || warn "node headers in $NODEDIR are $hdr_ver, node is $(node -v) (same ABI, noted in case the build fails)"
NODE_GYP="${npm_config_node_gyp:-}"
if [[ -z $NODE_GYP ]]; then
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  [[ -f $npm_dir/node_modules/node-gyp/bin/node-gyp.js ]] && NODE_GYP="$npm_dir/node_modules/node-gyp/bin/node-gyp.js"
fi
if [[ -z $NODE_GYP ]] && command -v node-gyp >/dev/null 2>&1; then NODE_GYP="$(readlink -f "$(command -v node-gyp)")"; fi
[[ -n $NODE_GYP ]] || die "node-gyp not found (it comes with npm; or set npm_config_node_gyp)"
step_done "node $(node -v), headers $NODEDIR/include/node, node-gyp $NODE_GYP"

# --- 4. build --------------------------------------------------------------------------------
log="$LOG_DIR/build-$(date -u +%Y%m%dT%H%M%SZ).log"
step "build: librdkafka + addon from $PKG_DIR/deps/librdkafka, CKJS_LINKING=dynamic (log: $log)"
# gyp runs librdkafka's configure only when deps/librdkafka/config.h is missing, so a configure
# left by an earlier (e.g. static) attempt would be reused: start from a clean tree.
if [[ -f $PKG_DIR/deps/librdkafka/Makefile.config ]]; then
  make -C "$PKG_DIR/deps/librdkafka" clean >/dev/null 2>&1 || true
fi
rm -f "$PKG_DIR"/deps/librdkafka/{config.h,config.cache,config.log,Makefile.config}
rm -rf "$PKG_DIR/build"
# No --jobs: the generated Makefile declares librdkafka's configure output under a path the
# librdkafka make step does not depend on, so a parallel make races them ("No rule to make
# target ../deps/librdkafka/config.h"). librdkafka itself is built with `make -j` regardless.
(cd "$PKG_DIR" && env CKJS_LINKING=dynamic npm_config_nodedir="$NODEDIR" \
  node "$NODE_GYP" rebuild --nodedir="$NODEDIR") >"$log" 2>&1 ||
  { show_log "$log"; die "building $PKG failed (log: $log)"; }
[[ -f $PKG_DIR/build/Release/$ADDON ]] || { show_log "$log"; die "node-gyp reported success but produced no build/Release/$ADDON"; }
step_done

# --- 5. verify, then cache -------------------------------------------------------------------
step "verify: load $PKG, librdkafka version, features ${REQUIRED_FEATURES[*]}"
check || die "the built addon does not work: $CHECK_OUT"
step_done "$CHECK_OUT"
tmp="$CACHED.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp/Release" "$tmp/deps"
cp "$PKG_DIR/build/Release/$ADDON" "$tmp/Release/"
cp -P "$PKG_DIR"/build/deps/librdkafka*.so* "$tmp/deps/"
rm -rf "$CACHED" && mv "$tmp" "$CACHED"
say "cached in $CACHED ($(du -sh "$CACHED" | cut -f1))"
ok_line "built from source"
