#!/usr/bin/env bash
# sandbox.sh TESTSCRIPT [ARGS...]: runs TESTSCRIPT against a real systemd 252
# user manager and a real journald, on a machine whose PID 1 is not systemd.
#
# How (tests/integration/README.md, "The sandbox", says more):
#   1. re-executes itself under `unshare -m --propagation private`;
#   2. mounts tmpfs on /run/systemd, /run/log and /var/log/journal (the last
#      only if it exists: never create it on the host);
#   3. starts /lib/systemd/systemd-journald and waits for its sockets;
#   4. starts `/lib/systemd/systemd --user` with a private XDG_RUNTIME_DIR
#      and waits until `systemctl --user is-system-running` answers;
#   5. runs TESTSCRIPT (bash, with the helpers below exported) under a time
#      budget; if it fails, prints its units' status and the journal;
#   6. tears down in order, from an EXIT trap: stops the units the test
#      installed, by name (SIGKILL to those units, by name, if the stop does
#      not finish); TERMs the manager by PID and waits; TERMs journald by PID
#      and waits. Every wait is bounded.
# Three additions to the recipe, each needed by systemd/parkd.service's
# hardening and explained where it is done: /run becomes a mount point,
# /run/systemd/inaccessible/ is created, the notify socket is made 0777.
#
# Exit status: the test's (0 pass, 1 fail); 77 (meson's SKIP) with a loud
# "SKIP:" line when this machine cannot run it (not root, no unshare, no
# systemd binaries, or a host that booted with systemd: see below).
# A skip is not a pass: dev.sh counts it as a failure.
#
# Environment in:
#   PARKD_IT_BUDGET   seconds the test script may run (default 60). It is
#                     killed after that, so that the teardown still happens
#                     inside meson's own timeout (meson SIGKILLs the test's
#                     process group 0.5 s after its SIGTERM: too soon).
#   PARKD_IT_VERBOSE  1: trace the harness (set -x).
#
# What the test script gets (exported):
#   XDG_RUNTIME_DIR   the user manager's runtime dir; units go in
#                     $XDG_RUNTIME_DIR/systemd/user
#   IT_WORK           a scratch dir every service can read: not under /tmp
#                     (PrivateTmp= hides it) nor /home, /root, /run/user
#                     (ProtectHome= hides them)
#   IT_SRC            the directory of this file
#   IT_SANDBOX=1      (a test run by hand re-executes itself through here)
#   functions         from lib.sh: it_log check require fail finish wait_for grep_all
#                     free_port tcp_connect; from here: sctl unit_install
#                     unit_dropin unit_prop unit_state unit_active_running
#                     journal journal_json journal_sync journal_cursor
#
# Safety (the manager runs as root and sees every process of the machine
# in init.scope): only units this test installed are stopped or killed, by
# name; only PIDs this script started are signalled; the manager and
# journald get SIGTERM from the kernel if this script dies (--pdeathsig).

set -uo pipefail

IT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$IT_SRC/$(basename "${BASH_SOURCE[0]}")"

skip() {
  # Loud on both streams: meson's log keeps stdout, CI consoles show stderr.
  echo "SKIP: $*"
  echo "SKIP: $*" >&2
  exit 77
}

# ---------------------------------------------------------------------------
# Outside: check that we can, then enter a private mount namespace.
# ---------------------------------------------------------------------------
if [[ ${IT_SANDBOX_INNER:-} != 1 ]]; then
  if [[ $# -lt 1 ]]; then
    echo "usage: sandbox.sh TESTSCRIPT [ARGS...]" >&2
    exit 2
  fi
  what="integration test $(basename "$1" .sh)"
  if [[ $EUID -ne 0 ]]; then
    skip "$what needs root: it runs a real systemd user manager and journald" \
      "in a private mount namespace (tests/integration/README.md)"
  fi
  for tool in unshare mount mountpoint setpriv setsid systemctl journalctl timeout python3; do
    command -v "$tool" >/dev/null || skip "$what: $tool not found"
  done
  for prog in /lib/systemd/systemd /lib/systemd/systemd-journald; do
    [[ -x $prog ]] || skip "$what: $prog not found (systemd not installed)"
  done
  if [[ -d /run/systemd/system ]]; then
    # A host that booted with systemd has a real PID 1 and user managers: a
    # second manager here would share their cgroup tree. The recipe says to
    # use the host's own user manager there; that mode is not written, so
    # say so rather than pass.
    skip "$what: this host booted with systemd; this harness is for hosts" \
      "whose PID 1 is not systemd (tests/integration/README.md)"
  fi
  if ! unshare -m --propagation private true 2>/dev/null; then
    skip "$what: unshare -m fails here (no CAP_SYS_ADMIN in this container?)"
  fi
  export IT_SANDBOX_INNER=1
  # exec: the PID meson started stays the one that owns everything below.
  exec unshare -m --propagation private -- "$BASH" "$SELF" "$@"
fi

# ---------------------------------------------------------------------------
# Inside the private mount namespace.
# ---------------------------------------------------------------------------
[[ ${PARKD_IT_VERBOSE:-0} == 1 ]] && set -x
umask 022
TEST=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
TEST_NAME=$(basename "$TEST" .sh)
BUDGET=${PARKD_IT_BUDGET:-60}
T0_MS=$(($(date +%s%N) / 1000000))
# shellcheck source=lib.sh
source "$IT_SRC/lib.sh"
MANAGER_PID=
JOURNALD_PID=
TEST_PID=
IT_DIR=/run/systemd/parkd-it

# sctl ARGS...: systemctl --user, bounded (SCTL_TIMEOUT, default 40 s).
sctl() {
  timeout --kill-after=5 "${SCTL_TIMEOUT:-40}" \
    systemctl --user --no-pager --no-ask-password "$@"
}

# Records a unit name so that the teardown stops it (only ours, by name).
_it_own() {
  grep -qxF -- "$1" "$IT_DIR/units" 2>/dev/null || echo "$1" >>"$IT_DIR/units"
}

# unit_install NAME FILE: installs FILE as unit NAME and reloads.
unit_install() {
  _it_own "$1"
  install -m 0644 "$2" "$XDG_RUNTIME_DIR/systemd/user/$1" || return 1
  sctl daemon-reload
}

# unit_dropin NAME TEXT: installs TEXT as a drop-in of unit NAME, reloads.
unit_dropin() {
  _it_own "$1"
  mkdir -p "$XDG_RUNTIME_DIR/systemd/user/$1.d" || return 1
  printf '%s\n' "$2" >"$XDG_RUNTIME_DIR/systemd/user/$1.d/50-it.conf" || return 1
  sctl daemon-reload
}

# unit_prop UNIT PROPERTY: prints the property's value.
unit_prop() {
  sctl show -p "$2" --value -- "$1"
}

# unit_state UNIT: prints ActiveState/SubState/Result.
unit_state() {
  echo "$(unit_prop "$1" ActiveState)/$(unit_prop "$1" SubState)/$(unit_prop "$1" Result)"
}

# unit_active_running UNIT: true if ActiveState=active and SubState=running.
unit_active_running() {
  [[ $(unit_prop "$1" ActiveState)/$(unit_prop "$1" SubState) == active/running ]]
}

# journal ARGS...: journalctl, bounded. journal_json: the same, -o json.
journal() {
  timeout --kill-after=5 20 journalctl --no-pager -q "$@"
}
journal_json() {
  journal -o json "$@"
}
# journal_sync: asks journald to write out what it has received.
journal_sync() {
  timeout --kill-after=2 10 journalctl --sync >/dev/null 2>&1 || true
}
# journal_cursor: the cursor of the newest entry, for --after-cursor=.
journal_cursor() {
  journal_sync
  journal -n 1 -o json | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["__CURSOR"])'
}

# stop_pid NAME PID SECONDS: TERM a PID we started, wait up to SECONDS,
# then KILL it.
stop_pid() {
  local name=$1 pid=$2 limit=$3
  [[ -n $pid ]] || return 0
  if _it_gone "$pid"; then
    wait "$pid" 2>/dev/null
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  if ! wait_for "$limit" _it_gone "$pid"; then
    it_log "teardown: $name (pid $pid) still there ${limit}s after SIGTERM; SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    wait_for 5 _it_gone "$pid"
  fi
  wait "$pid" 2>/dev/null
  return 0
}
_it_gone() {
  # An exited child not yet waited for is a zombie: gone too.
  [[ ! -e /proc/$1 ]] || [[ $(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) == Z ]]
}
_it_manager_up() {
  [[ -n $MANAGER_PID ]] && ! _it_gone "$MANAGER_PID"
}

_it_dump() {
  local u
  echo "---- $TEST_NAME failed: its units ----"
  if _it_manager_up; then
    while read -r u; do
      SCTL_TIMEOUT=10 sctl status -n 0 -- "$u" 2>&1 | head -n 20
    done <"$IT_DIR/units"
  fi
  echo "---- the journal (last 150 entries) ----"
  journal_sync
  journal -o short-monotonic -n 150 2>&1
  if [[ -s $IT_DIR/manager.log ]]; then
    echo "---- systemd --user stderr ----"
    tail -n 50 "$IT_DIR/manager.log"
  fi
  if [[ -s $IT_DIR/journald.log ]]; then
    echo "---- systemd-journald stderr ----"
    tail -n 20 "$IT_DIR/journald.log"
  fi
  echo "----"
}

teardown() {
  local rc=$? u st
  trap - EXIT
  trap '' INT TERM HUP
  set +e
  if [[ -n $TEST_PID ]]; then
    # Signalled while the test ran: end it first (timeout passes the TERM
    # on to the test script).
    stop_pid "test $TEST_NAME" "$TEST_PID" 5
  fi
  if ((rc != 0 && rc != 77)); then _it_dump; fi
  # 1. Our units, by name.
  local units=() busy=()
  [[ -s $IT_DIR/units ]] && mapfile -t units < <(tac "$IT_DIR/units")
  if ((${#units[@]} > 0)) && _it_manager_up; then
    SCTL_TIMEOUT=25 sctl stop -- "${units[@]}" >/dev/null 2>&1
    for u in "${units[@]}"; do
      st=$(SCTL_TIMEOUT=5 unit_prop "$u" ActiveState 2>/dev/null)
      [[ $st == inactive || $st == failed ]] || busy+=("$u")
    done
    if ((${#busy[@]} > 0)); then
      it_log "teardown: ${busy[*]} did not stop; SIGKILL to those units"
      SCTL_TIMEOUT=10 sctl kill -s KILL -- "${busy[@]}" >/dev/null 2>&1
      SCTL_TIMEOUT=10 sctl stop -- "${busy[@]}" >/dev/null 2>&1
    fi
  fi
  # 2. The manager, by PID (it stops whatever is left of its units first).
  stop_pid "systemd --user" "$MANAGER_PID" 20
  # 3. journald, by PID.
  stop_pid systemd-journald "$JOURNALD_PID" 10
  it_log "$TEST_NAME: sandbox torn down (exit $rc)"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# 2. Hide the host's runtime dirs; make systemd believe it booted.
mkdir -p /run/systemd /run/log || fail "cannot create /run/systemd or /run/log"
# Not in the recipe; needed by the hardening: on this machine /run is a
# plain directory, not a mount. ProtectKernelTunables=, ProtectControlGroups=,
# ProtectProc= and ProcSubset= imply MountAPIVFS=yes, which mounts an empty
# tmpfs on /run "unless already mounted": the service would then see neither
# the notify socket nor journald's sockets (sd_notify: ENOENT). A booted
# system always has /run mounted; make it a mount point here too (a bind
# mount of itself: its contents stay as they are).
if ! mountpoint -q /run; then
  mount -n --bind /run /run || fail "cannot bind-mount /run on itself"
fi
mount -n -t tmpfs -o mode=0755 tmpfs /run/systemd || fail "cannot mount a tmpfs on /run/systemd"
mkdir -p /run/systemd/system /run/systemd/journal "$IT_DIR"
mount -n -t tmpfs -o mode=0755 tmpfs /run/log || fail "cannot mount a tmpfs on /run/log"
if [[ -d /var/log/journal ]]; then
  # Else journald would write the machine's persistent journal.
  mount -n -t tmpfs -o mode=2755 tmpfs /var/log/journal ||
    fail "cannot mount a tmpfs on /var/log/journal"
fi
: >"$IT_DIR/units"
# Not in the recipe either: the nodes PID 1 creates at boot, which the
# sandboxing settings mount over what a unit may not see (ProtectHome=yes
# mounts inaccessible/dir on /home): without them every hardened unit fails
# with 226/NAMESPACE.
_it_inaccessible() {
  local d=/run/systemd/inaccessible
  mkdir -p "$d" && mkdir -m 0000 "$d/dir" && install -m 0000 /dev/null "$d/reg" &&
    mkfifo -m 0000 "$d/fifo" && mknod -m 0000 "$d/chr" c 0 0 &&
    mknod -m 0000 "$d/blk" b 0 0 &&
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock" &&
    chmod 0000 "$d/sock" && chmod 0555 "$d"
}
_it_inaccessible || fail "cannot create /run/systemd/inaccessible/*"

# journald also reads drop-ins from /run/systemd/journald.conf.d (our tmpfs):
# keep the journal in memory, do not import the machine's kernel log, and
# forward nothing (ForwardToWall= would write to every terminal of the host).
mkdir -p /run/systemd/journald.conf.d
cat >/run/systemd/journald.conf.d/50-parkd-it.conf <<'EOF'
[Journal]
Storage=volatile
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF

# 3. journald. setsid: out of meson's process group (meson's timeout signals
# the whole group); --pdeathsig: TERM from the kernel if we die unexpectedly.
# SYSTEMD_LOG_TARGET: journald's own messages go to a file, not to the
# machine's kernel log.
setsid setpriv --pdeathsig TERM -- env SYSTEMD_LOG_TARGET=console \
  /lib/systemd/systemd-journald >"$IT_DIR/journald.log" 2>&1 </dev/null &
JOURNALD_PID=$!
_it_journald_up() {
  [[ -S /run/systemd/journal/socket && -S /run/systemd/journal/stdout ]]
}
if ! wait_for 10 _it_journald_up; then
  cat "$IT_DIR/journald.log"
  fail "journald did not create /run/systemd/journal/{socket,stdout} within 10 s"
fi

# 4. The user manager, with a private runtime dir on our tmpfs: not under
# /tmp (as the recipe's mktemp would put it), where PrivateTmp= services
# could not see its notify socket; mode 0755, not 0700, so that
# DynamicUser= services (another UID) can reach $XDG_RUNTIME_DIR/systemd/.
export XDG_RUNTIME_DIR=$IT_DIR/runtime
export IT_WORK=$IT_DIR/work
mkdir -p "$XDG_RUNTIME_DIR/systemd/user" "$IT_WORK"
chmod 0755 "$IT_DIR" "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/systemd" "$IT_WORK"
unset DBUS_SESSION_BUS_ADDRESS NOTIFY_SOCKET LISTEN_FDS LISTEN_PID LISTEN_FDNAMES \
  WATCHDOG_USEC WATCHDOG_PID INVOCATION_ID JOURNAL_STREAM
# The manager's environment is what its services get: keep it small and
# known (plus the sanitizer options, so sanitized builds behave as in CI).
manager_env=(
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  "HOME=${HOME:-/root}" "LANG=C.UTF-8" "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"
)
for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS LSAN_OPTIONS; do
  [[ -n ${!v:-} ]] && manager_env+=("$v=${!v}")
done
# --log-target=journal: left to itself (stderr not a tty, not PID 1) the
# user manager logged nowhere, and its messages (watchdog timeouts, failed
# starts) are what a failing test needs to show.
setsid setpriv --pdeathsig TERM -- env -i "${manager_env[@]}" \
  /lib/systemd/systemd --user --log-target=journal --log-level=info \
  >"$IT_DIR/manager.log" 2>&1 </dev/null &
MANAGER_PID=$!
_it_running() {
  local state
  state=$(SCTL_TIMEOUT=5 sctl is-system-running 2>/dev/null)
  [[ $state == running || $state == degraded ]]
}
if ! wait_for 20 _it_running; then
  cat "$IT_DIR/manager.log"
  fail "systemd --user (pid $MANAGER_PID) not running after 20 s" \
    "(is-system-running: $(SCTL_TIMEOUT=5 sctl is-system-running 2>&1))"
fi
# Not in the recipe: the system manager's /run/systemd/notify is 0777, so
# that services running as other users (DynamicUser=) can notify; a user
# manager makes its own 0755 (its services all run as its user). Make it
# as the system manager's.
chmod 0777 "$XDG_RUNTIME_DIR/systemd/notify" ||
  fail "cannot chmod $XDG_RUNTIME_DIR/systemd/notify"
it_log "sandbox up: journald pid $JOURNALD_PID, systemd --user pid $MANAGER_PID," \
  "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"

# 5. The test, under its budget.
export IT_SRC IT_DIR TEST_NAME T0_MS
export -f _it_now_ms _it_ms it_log wait_for check require fail finish \
  grep_all free_port tcp_connect sctl _it_own unit_install unit_dropin unit_prop \
  unit_state unit_active_running journal journal_json journal_sync journal_cursor
export IT_SANDBOX=1
# In the background, so that a signal to this script runs the teardown at
# once (bash runs a trap only between commands, or during `wait`).
# --foreground: the test stays in our process group, so a signal to the group
# (meson's timeout) reaches it too, even if we are SIGKILLed before our trap
# can pass it on.
timeout --foreground --kill-after=5 "$BUDGET" "$BASH" "$TEST" "$@" &
TEST_PID=$!
wait "$TEST_PID"
rc=$?
TEST_PID=
if ((rc == 124 || rc == 137)); then
  it_log "FAIL: $TEST_NAME ran out of its ${BUDGET}s budget (PARKD_IT_BUDGET)"
  rc=1
fi
exit "$rc"
