#!/usr/bin/env bash
# Validates deploy/k8s against the Kubernetes API schemas without a cluster (validate.py says
# how). kubernetes-validate comes from PyPI into a venv cached under
# ${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}/kubernetes-validate-<version>/.
#
#   bash deploy/k8s/validate.sh --setup     # install the venv if missing (setup.sh runs this)
#   bash deploy/k8s/validate.sh [FILE...]   # validate FILEs (default: every deploy/k8s/*.yaml)
set -euo pipefail

KUBERNETES_VALIDATE_VERSION=1.37.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
VENV="${FRAUDSTREAM_CACHE:-$HOME/.cache/fraudstream}/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
say() { printf '[k8s-validate] %s\n' "$*"; }

if [[ ${1:-} == --setup ]]; then
  # The marker is written last, so an interrupted install is redone rather than trusted.
  [[ -f $VENV/.complete ]] && exit 0
  say "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI) into $VENV"
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  touch "$VENV/.complete"
  exit 0
fi

if [[ ! -f $VENV/.complete ]]; then
  say "ERROR: kubernetes-validate is not installed at $VENV (run bash deploy/local/setup.sh)" >&2
  exit 2
fi
if (($# == 0)); then set -- "$HERE"/*.yaml; fi
exec "$VENV/bin/python" "$HERE/validate.py" "$@"
