#!/usr/bin/env bash
# Validates the observability assets with Prometheus's own tool:
#   promtool check rules prometheus-alerts.yml       (syntax, PromQL, templates)
#   promtool test rules prometheus-alerts.test.yml   (the alerts fire on synthetic series)
# promtool is built once from the Go module proxy into
# ${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}/promtool-<version>/ (a cold build takes
# 10-40 minutes on 2 cores; later runs take a second). The dashboard JSON and the metric names
# it uses are checked by workers/src/telemetry/observability-assets.test.ts.
#
#   bash deploy/observability/check.sh
set -euo pipefail

# Prometheus v3.x is published to the Go proxy as module versions v0.3xx.y.
PROMTOOL_MODULE_VERSION=v0.316.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CACHE="${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}"
BIN_DIR="$CACHE/promtool-$PROMTOOL_MODULE_VERSION/bin"
PROMTOOL="${FS_PROMTOOL:-$BIN_DIR/promtool}"

say() { printf '[observability] %s\n' "$*"; }

if [[ ! -x $PROMTOOL ]]; then
  go=$(command -v go || true)
  if [[ -z $go && -x /usr/local/go/bin/go ]]; then go=/usr/local/go/bin/go; fi
  [[ -n $go ]] || {
    say "ERROR: promtool is not cached at $PROMTOOL and Go is not installed to build it (apt-get install golang-go, or set FS_PROMTOOL)" >&2
    exit 2
  }
  mkdir -p "$BIN_DIR"
  log="$BIN_DIR/../build.log"
  say "building promtool $PROMTOOL_MODULE_VERSION from the Go module proxy into $BIN_DIR (once; log $log)"
  # go install writes the binary only when the build succeeded, so a cached file is complete.
  if ! GOFLAGS="-mod=mod $("$go" env GOFLAGS)" GOBIN="$BIN_DIR" "$go" install -trimpath \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMTOOL_MODULE_VERSION" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "ERROR: building promtool failed (is the Go module proxy reachable?)" >&2
    exit 1
  fi
fi

cd "$HERE"
"$PROMTOOL" check rules prometheus-alerts.yml
"$PROMTOOL" test rules prometheus-alerts.test.yml
say "prometheus-alerts.yml: rules valid, alert tests pass"

# Every dashboard query must parse as PromQL once Grafana's variables are filled in.
# shellcheck disable=SC2016 # the $ below is JavaScript's, not the shell's
dashboard_queries() {
  node -e '
    const d = JSON.parse(require("fs").readFileSync("grafana-dashboard.json", "utf8"));
    for (const p of d.panels) for (const t of p.targets ?? [])
      console.log(t.expr.replaceAll("$__rate_interval", "5m").replaceAll("$job", ".*").replace(/\s*\n\s*/g, " "));
  '
}
n=0
while IFS= read -r expr; do
  n=$((n + 1))
  if ! "$PROMTOOL" --experimental promql format "$expr" >/dev/null 2>&1; then
    say "ERROR: grafana-dashboard.json query does not parse: $expr" >&2
    "$PROMTOOL" --experimental promql format "$expr" >&2 || true
    exit 1
  fi
done < <(dashboard_queries)
((n > 0)) || {
  say "ERROR: no queries found in grafana-dashboard.json" >&2
  exit 1
}
say "grafana-dashboard.json: $n queries parse"
