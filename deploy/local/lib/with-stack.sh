# shellcheck shell=bash
# For the npm entry points (demo.sh, test.sh): start the local stack with the given optional
# components unless it is already running, and stop it at exit only if this run started it, so
# a developer's running stack is left alone and CI leaves nothing behind.
fs_with_stack() {
  local components=$1
  FS_STARTED_STACK=0
  trap fs_stop_started_stack EXIT
  if ! bash deploy/local/stack.sh status --with "$components" >/dev/null 2>&1; then
    printf '\033[1m==> %s\033[0m\n' "starting the local stack (kafka, redis, $components)"
    FS_STARTED_STACK=1
    bash deploy/local/stack.sh up --with "$components"
  fi
}

fs_stop_started_stack() {
  if ((FS_STARTED_STACK)); then
    printf '\033[1m==> %s\033[0m\n' "stopping the stack this run started"
    bash deploy/local/stack.sh down || true
  fi
}
