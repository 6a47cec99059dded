#!/usr/bin/env bash
# Gives @tensorflow/tfjs-node its native TensorFlow binding without Google's download host.
#
#   bash deploy/local/tfjs-native.sh          # idempotent; ~2 s when the binding already works
#
# We install npm packages with --ignore-scripts because tfjs-node's install script fetches
# libtensorflow 2.9.1 from storage.googleapis.com, which our machines cannot reach. PyPI's
# tensorflow-cpu wheel carries the same C API as a shared library, so this script stages that
# library + headers as tfjs-node's deps/ and compiles the binding against it (see
# deploy/local/README-tfjs.md for the version choice and the caveats).
#
# Environment:
#   FS_TFJS_SOURCE=auto|pypi|upstream  auto (default): the PyPI path; only if that fails and
#                          Google's host answers within 5 s, tfjs-node's own installer.
#                          pypi: PyPI wheel only. upstream: tfjs-node's own installer only.
#   FS_TFJS_FORCE=1        redo the work even if the binding already loads.
#   FS_TFJS_REBUILD=1      compile the binding even if a matching one is in the cache.
#   FS_TFJS_KEEP_WHEEL=1   keep the downloaded wheel (231 MB) after extracting it.
#   FS_TFJS_DOWNLOAD_TIMEOUT_S (900), FS_TFJS_UPSTREAM_TIMEOUT_S (900): network step limits.
#   FRAUDSTREAM_CACHE      cache root (default ~/.cache/fraudstream); we use its tensorflow/.
set -euo pipefail

# --- the pin -------------------------------------------------------------------------------
# 2.12 is the first tensorflow-cpu wheel that ships the C API as a standalone library
# (libtensorflow_cc.so.2); in 2.9-2.11 it lives inside the Python extension
# _pywrap_tensorflow_internal.so, which needs libpython symbols. 2.12.1 is the last patch of
# that line, i.e. the wheel closest to the 2.9 C API tfjs-node 4.22 was written against.
TF_VERSION=2.12.1
TF_WHEEL_PY=3.10 # the native libraries are the same in every cpXY wheel; this only picks a file
TF_WHEEL=tensorflow_cpu-2.12.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
TF_WHEEL_SHA256=d05b8268da5bd87cf43d46da177e3b3ca39f2db0437e56c5e18351db4cde8679

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
MODE="${FS_TFJS_SOURCE:-auto}"
CACHE_ROOT="${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}/tensorflow"
TF_CACHE="$CACHE_ROOT/tensorflow-cpu-$TF_VERSION-linux-x86_64"
WHEEL_DIR="$CACHE_ROOT/downloads"
BINDING_CACHE="$CACHE_ROOT/bindings"
# Our own checks need TF quiet; the user's processes keep whatever they set.
CHECK_ENV=(env TF_CPP_MIN_LOG_LEVEL=2)

# Timings in microseconds from bash's clock (no bc/date forks; the separator is locale's).
now_us() { printf '%s\n' "${EPOCHREALTIME/[.,]/}"; }
secs() {
  local d=$(($(now_us) - $1))
  printf '%d.%ds' $((d / 1000000)) $((d % 1000000 / 100000))
}
T0=$(now_us)
STEP="start"
STEP_T0=$T0
say() { printf '[tfjs-native] %s\n' "$*"; }
warn() { printf '[tfjs-native] WARNING: %s\n' "$*" >&2; }
step() {
  STEP=$1
  STEP_T0=$(now_us)
  say "$STEP ..."
}
step_done() { say "  done in $(secs "$STEP_T0")${1:+ ($1)}"; }
die() {
  printf '[tfjs-native] ERROR in step "%s": %s\n' "$STEP" "$*" >&2
  exit 1
}
# show_log FILE: the tail of a build/download log, for a human working out why.
show_log() {
  [[ -s $1 ]] || return 0
  printf -- '----- last 40 lines of %s -----\n' "$1" >&2
  tail -n 40 "$1" >&2
  printf -- '-----\n' >&2
}
trap 'rc=$?; printf "[tfjs-native] FAILED in step \"%s\" (exit %s, line %s) after %s\n" "$STEP" "$rc" "$LINENO" "$(secs "$T0")" >&2' ERR
set -E

# --- locate tfjs-node --------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not on PATH"
STEP="locate @tensorflow/tfjs-node"
TFJS_DIR="$(cd "$ROOT" && node -p "require('path').dirname(require.resolve('@tensorflow/tfjs-node/package.json'))" 2>/dev/null)" ||
  die "@tensorflow/tfjs-node is not installed under $ROOT; run: npm ci --ignore-scripts"
TFJS_VERSION="$(node -p 'require(process.argv[1] + "/package.json").version' "$TFJS_DIR")"

# binding_check quick|full: 0 when tfjs-node runs on its native backend; sets CHECK_OUT.
CHECK_OUT=
binding_check() {
  CHECK_OUT="$("${CHECK_ENV[@]}" node "$HERE/lib/tfjs-check.js" "$1" "$TFJS_DIR" 2>&1)"
}

# --- 1. fast path ------------------------------------------------------------------------
if [[ ${FS_TFJS_FORCE:-0} != 1 && -z ${_FS_TFJS_CHILD:-} ]] && binding_check quick; then
  tf="$(sed -n 's/.* tf=\([^ ]*\).*/\1/p' <<<"$CHECK_OUT" | tail -n 1)"
  say "tfjs-node native backend OK (TF $tf) [$TFJS_DIR, checked in $(secs "$T0")]"
  exit 0
fi

case "$MODE" in
  auto | pypi | upstream) ;;
  *) die "FS_TFJS_SOURCE must be auto, pypi or upstream (got '$MODE')" ;;
esac

# --- shared helpers ----------------------------------------------------------------------
# The base host tfjs-node's installer downloads from (same overrides as its scripts/install.js).
upstream_host() {
  printf '%s\n' "${TFJS_NODE_CDN_STORAGE:-${npm_config_TFJS_NODE_CDN_STORAGE:-${CDN_STORAGE:-https://storage.googleapis.com/}}}"
}
# upstream_reachable: any HTTP answer within 5 s counts; a firewall that drops packets must not
# turn into a hang.
upstream_reachable() {
  node -e '
    const u = new URL(process.argv[1]);
    const mod = require(u.protocol === "http:" ? "http" : "https");
    const req = mod.request(u, { method: "HEAD", timeout: 5000 }, () => process.exit(0));
    req.on("timeout", () => { req.destroy(); process.exit(1); });
    req.on("error", () => process.exit(1));
    req.end();' "$(upstream_host)" 2>/dev/null
}

# Remove everything a previous install/build of the binding left. All of it is build output:
# the npm tarball ships none of deps/, build/, build-tmp-napi-v*/ (node-pre-gyp's build dir)
# or lib/napi-v*/.
clean_build_output() {
  rm -rf "$TFJS_DIR/deps" "$TFJS_DIR/build" "$TFJS_DIR"/build-tmp-napi-v* "$TFJS_DIR"/lib/napi-v*
}

final_verify() { # final_verify EXPECTED_TF_VERSION_OR_EMPTY
  step "verify: load binding, run ops, train small models, save + load one"
  binding_check full || die "the built binding does not work: $CHECK_OUT"
  local line tf
  line="$(tail -n 1 <<<"$CHECK_OUT")"
  tf="$(sed -n 's/.* tf=\([^ ]*\).*/\1/p' <<<"$line")"
  [[ -z $1 || $tf == "$1" ]] || die "binding loaded TF $tf, expected $1: $line"
  step_done "$line"
}

# --- auto: the PyPI path, with tfjs-node's own installer as a fallback ----------------------
if [[ $MODE == auto ]]; then
  # Run the PyPI path as a child: set -e does not apply inside a function called from `if`.
  rc=0
  _FS_TFJS_CHILD=1 FS_TFJS_SOURCE=pypi bash "$HERE/tfjs-native.sh" || rc=$?
  if ((rc == 0)); then exit 0; fi
  STEP="auto fallback"
  host="$(upstream_host)"
  say "the PyPI path failed (exit $rc); checking whether $host answers within 5 s ..."
  if ! upstream_reachable; then
    die "PyPI path failed (see above) and $host is not reachable, so tfjs-node's own installer cannot help"
  fi
  warn "falling back to tfjs-node's own installer (libtensorflow 2.9.1 from $host)"
  _FS_TFJS_CHILD=1 FS_TFJS_SOURCE=upstream exec bash "$HERE/tfjs-native.sh"
fi

mkdir -p "$CACHE_ROOT"
LOG_DIR="$CACHE_ROOT/logs"
mkdir -p "$LOG_DIR"
# One run at a time per cache: two half-extracted caches or two builds in one node_modules
# would corrupt each other.
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  say "another tfjs-native.sh holds $CACHE_ROOT/.lock; waiting (up to 30 min) ..."
  flock -w 1800 9 || die "timed out waiting for $CACHE_ROOT/.lock"
  if [[ ${FS_TFJS_FORCE:-0} != 1 ]] && binding_check quick; then
    say "tfjs-node native backend OK (set up by the other run): $CHECK_OUT"
    exit 0
  fi
fi

# --- upstream: tfjs-node's own installer ---------------------------------------------------
if [[ $MODE == upstream ]]; then
  step "probe: is $(upstream_host) reachable (5 s limit)"
  upstream_reachable || die "$(upstream_host) did not answer within 5 s; use FS_TFJS_SOURCE=pypi"
  step_done
  log="$LOG_DIR/upstream-$(date -u +%Y%m%dT%H%M%SZ).log"
  step "upstream: tfjs-node's own installer, npm rebuild @tensorflow/tfjs-node (log: $log)"
  clean_build_output
  # install.js has no timeouts of its own; cap the whole thing.
  up_limit="${FS_TFJS_UPSTREAM_TIMEOUT_S:-900}"
  rc=0
  (cd "$ROOT" && timeout "$up_limit" \
    npm rebuild @tensorflow/tfjs-node --ignore-scripts=false --foreground-scripts) >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    show_log "$log"
    ((rc == 124)) && die "tfjs-node's installer timed out after ${up_limit}s (FS_TFJS_UPSTREAM_TIMEOUT_S; log: $log)"
    die "npm rebuild @tensorflow/tfjs-node failed, exit $rc (log: $log)"
  fi
  step_done
  final_verify ""
  say "tfjs-node native backend OK via tfjs-node's own installer, total $(secs "$T0")"
  exit 0
fi

# --- pypi: 1. platform and tools -----------------------------------------------------------
step "tools: platform, compiler, python3, node headers"
[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] ||
  die "the pinned wheel is linux x86_64 only (this is $(uname -s) $(uname -m)); try FS_TFJS_SOURCE=upstream"
missing=()
for c in python3 make g++; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
if ((${#missing[@]})); then
  pkgs="${missing[*]}"
  pkgs="${pkgs//python3/python3 python3-pip}"
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing missing build tools with apt-get: $pkgs"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs; } \
      >"$LOG_DIR/apt.log" 2>&1 || { show_log "$LOG_DIR/apt.log"; die "apt-get install $pkgs failed"; }
  else
    die "missing build tools: ${missing[*]} (Debian: apt-get install -y $pkgs)"
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
[[ -f $NODEDIR/include/node/node_api.h ]] ||
  die "node headers not found at $NODEDIR/include/node (set npm's nodedir, or install the headers of node $(node -v)); refusing to download them"
hdr_ver="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION/{printf "%s%s", sep, $3; sep="."}' "$NODEDIR/include/node/node_version.h" 2>/dev/null || true)"
[[ v$hdr_ver == "$(node -v)" ]] || warn "node headers in $NODEDIR are $hdr_ver but node is $(node -v) (fine for N-API, noted in case the build fails)"
NODE_GYP="${npm_config_node_gyp:-}"
if [[ -z $NODE_GYP ]]; then
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  [[ -f $npm_dir/node_modules/node-gyp/bin/node-gyp.js ]] && NODE_GYP="$npm_dir/node_modules/node-gyp/bin/node-gyp.js"
fi
PRE_GYP="$(node -p 'require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp", { paths: [process.argv[1]] })' "$TFJS_DIR" 2>/dev/null)" ||
  die "@mapbox/node-pre-gyp (a dependency of tfjs-node) is not installed; run: npm ci --ignore-scripts"
step_done "node $(node -v), headers $NODEDIR/include/node, node-gyp ${NODE_GYP:-<found by node-pre-gyp>}"

# --- pypi: 2. the TensorFlow library in the cache ------------------------------------------
tf_cache_ok() {
  [[ -f $TF_CACHE/.complete && $(cat "$TF_CACHE/.complete") == "$TF_WHEEL_SHA256" ]] || return 1
  # Cheap integrity check on every run (size of every file); the hashes were verified at
  # extraction against the wheel's RECORD.
  local rel size
  while IFS=$'\t' read -r rel size _; do
    [[ -f $TF_CACHE/$rel && $(stat -c %s "$TF_CACHE/$rel") == "$size" ]] || return 1
  done <"$TF_CACHE/manifest.tsv"
}

if tf_cache_ok; then
  say "TensorFlow $TF_VERSION C library: cached in $TF_CACHE"
else
  wheel="$WHEEL_DIR/$TF_WHEEL"
  if [[ -f $wheel ]] && sha256sum -c --status <<<"$TF_WHEEL_SHA256  $wheel"; then
    say "wheel already downloaded: $wheel"
  else
    step "download: $TF_WHEEL (231 MB) from PyPI into $WHEEL_DIR"
    python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip is not available (Debian: apt-get install python3-pip)"
    mkdir -p "$WHEEL_DIR"
    rm -f "$wheel"
    req="$(mktemp)"
    # --hash puts pip in hash-checking mode: it refuses any file but the pinned one.
    echo "tensorflow-cpu==$TF_VERSION --hash=sha256:$TF_WHEEL_SHA256" >"$req"
    dl_log="$LOG_DIR/pip-download.log"
    dl_limit="${FS_TFJS_DOWNLOAD_TIMEOUT_S:-900}"
    rc=0
    timeout "$dl_limit" python3 -m pip download --no-deps --no-cache-dir \
      --only-binary=:all: --python-version "$TF_WHEEL_PY" --platform manylinux2014_x86_64 \
      --timeout 30 --retries 3 --progress-bar off -r "$req" -d "$WHEEL_DIR" >"$dl_log" 2>&1 || rc=$?
    rm -f "$req"
    if ((rc != 0)); then
      show_log "$dl_log"
      ((rc == 124)) && die "pip download timed out after ${dl_limit}s (FS_TFJS_DOWNLOAD_TIMEOUT_S; log: $dl_log)"
      die "pip download of tensorflow-cpu==$TF_VERSION failed, exit $rc (log: $dl_log)"
    fi
    [[ -f $wheel ]] || die "pip did not produce $wheel (log: $dl_log)"
    sha256sum -c --status <<<"$TF_WHEEL_SHA256  $wheel" || die "sha256 of $wheel is not the pinned $TF_WHEEL_SHA256"
    step_done "sha256 ok"
  fi
  step "extract: libtensorflow_cc.so.2, libtensorflow_framework.so.2, C API headers -> $TF_CACHE"
  tmp="$TF_CACHE.tmp.$$"
  rm -rf "$tmp" "$TF_CACHE"
  python3 "$HERE/lib/tf-wheel-extract.py" "$wheel" "$tmp" || { rm -rf "$tmp"; die "extracting $wheel failed"; }
  echo "$TF_WHEEL_SHA256" >"$tmp/.complete"
  mv "$tmp" "$TF_CACHE"
  if [[ ${FS_TFJS_KEEP_WHEEL:-0} != 1 ]]; then rm -f "$wheel"; fi
  step_done
fi

# --- pypi: 3. stage deps/ as binding.gyp expects -------------------------------------------
step "stage: TF $TF_VERSION -> $TFJS_DIR/deps"
clean_build_output
mkdir -p "$TFJS_DIR/deps/lib"
for so in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
  # A hard link costs no space and survives a later cleanup of the cache; copy across devices.
  ln "$TF_CACHE/lib/$so" "$TFJS_DIR/deps/lib/$so" 2>/dev/null || cp "$TF_CACHE/lib/$so" "$TFJS_DIR/deps/lib/$so"
done
# binding.gyp links -ltensorflow -ltensorflow_framework. The wheel's library is called
# libtensorflow_cc (its SONAME), so the built binding will load libtensorflow_cc.so.2 via its
# rpath $ORIGIN/../../deps/lib.
ln -s libtensorflow_cc.so.2 "$TFJS_DIR/deps/lib/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$TFJS_DIR/deps/lib/libtensorflow_framework.so"
cp -R "$TF_CACHE/include" "$TFJS_DIR/deps/include"
printf 'staged by deploy/local/tfjs-native.sh from PyPI %s (sha256 %s)\n' "$TF_WHEEL" "$TF_WHEEL_SHA256" >"$TFJS_DIR/deps/SOURCE.txt"
step_done

# --- pypi: 4. the binding: restore an identical earlier build, or compile ------------------
# Key: everything the compiled .node depends on. N-API keeps it valid across node patch
# releases; the node major is included only to be conservative.
binding_key="$({
  echo "$TF_WHEEL_SHA256 tfjs-node@$TFJS_VERSION napi=$(node -p process.versions.napi) node=$(node -p 'process.versions.node.split(".")[0]') $(uname -m)"
  cat "$TFJS_DIR/binding.gyp" "$TFJS_DIR"/binding/*
} | sha256sum | cut -c1-16)"
cached_binding="$BINDING_CACHE/$binding_key"
restored=0
if [[ ${FS_TFJS_REBUILD:-0} != 1 && -f $cached_binding/relpath ]]; then
  step "binding: restoring the one built earlier from identical inputs ($cached_binding)"
  rel="$(cat "$cached_binding/relpath")"
  mkdir -p "$(dirname "$TFJS_DIR/$rel")"
  cp "$cached_binding/tfjs_binding.node" "$TFJS_DIR/$rel"
  if binding_check quick; then
    restored=1
    step_done
  else
    warn "the cached binding does not load ($CHECK_OUT); compiling instead"
    rm -rf "$cached_binding" "$TFJS_DIR"/lib/napi-v*
  fi
fi
if ((restored == 0)); then
  log="$LOG_DIR/build-$(date -u +%Y%m%dT%H%M%SZ).log"
  step "binding: compiling from source (node-pre-gyp --build-from-source; log: $log)"
  build_env=(npm_config_nodedir="$NODEDIR")
  [[ -z $NODE_GYP ]] || build_env+=(npm_config_node_gyp="$NODE_GYP")
  (cd "$TFJS_DIR" && env "${build_env[@]}" node "$PRE_GYP" install --build-from-source) >"$log" 2>&1 ||
    { show_log "$log"; die "compiling tfjs-node's binding failed (log: $log)"; }
  built="$(cd "$TFJS_DIR" && find lib -name tfjs_binding.node -path 'lib/napi-v*' | head -n 1)"
  [[ -n $built ]] || { show_log "$log"; die "node-pre-gyp reported success but produced no lib/napi-v*/tfjs_binding.node"; }
  step_done "$TFJS_DIR/$built"
fi

# --- pypi: 5. prove it, then remember the binding ------------------------------------------
final_verify "$TF_VERSION"
if ((restored == 0)); then
  # Only a binding that passed the full check is reused by later runs.
  rm -rf "$cached_binding" && mkdir -p "$cached_binding"
  cp "$TFJS_DIR/$built" "$cached_binding/tfjs_binding.node"
  echo "$built" >"$cached_binding/relpath"
fi
say "tfjs-node native backend OK (TF $TF_VERSION from PyPI) in $(secs "$T0"); cache $(du -sh "$CACHE_ROOT" | cut -f1) at $CACHE_ROOT"
