# parkd.sh: parkd-specific helpers for the integration tests. Sourced (not
# run) by the test scripts, inside sandbox.sh, and by unitfile_check.sh
# (which needs only parkd_render).
#
# Environment (meson sets it; see meson.build):
#   PARKD                    the parkd executable of this build
#   PARKD_SERVICE_TEMPLATE   systemd/parkd.service (with @SBINDIR@, @SYSCONFDIR@)
#   PARKD_SOCKET_TEMPLATE    systemd/parkd.socket
#   PARKD_IT_SANITIZE        the build's b_sanitize ("none" or e.g. "thread")
# Defaults point into the source tree and build/, for running a test by hand:
#   PARKD=build/daemon/parkd tests/integration/ready.sh

_parkd_src_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${PARKD_SOURCE_ROOT:=$_parkd_src_root}"
: "${PARKD:=$PARKD_SOURCE_ROOT/build/daemon/parkd}"
: "${PARKD_SERVICE_TEMPLATE:=$PARKD_SOURCE_ROOT/systemd/parkd.service}"
: "${PARKD_SOCKET_TEMPLATE:=$PARKD_SOURCE_ROOT/systemd/parkd.socket}"
: "${PARKD_IT_SANITIZE:=none}"
export PARKD PARKD_SOURCE_ROOT PARKD_SERVICE_TEMPLATE PARKD_SOCKET_TEMPLATE PARKD_IT_SANITIZE
PARKD=$(realpath -- "$PARKD")

# parkd_render TEMPLATE OUT CONFROOT: the configure_file substitution of
# systemd/meson.build, with this build's parkd for @SBINDIR@/parkd and
# CONFROOT for @SYSCONFDIR@ (the config is then CONFROOT/parkd/parkd.toml).
parkd_render() {
  local template=$1 out=$2 confroot=$3
  sed -e "s|@SBINDIR@/parkd|$PARKD|g" \
    -e "s|@SBINDIR@|$(dirname "$PARKD")|g" \
    -e "s|@SYSCONFDIR@|$confroot|g" "$template" >"$out" || return 1
  if grep -n '@[A-Z_]*@' "$out" >&2; then
    echo "parkd_render: $template has placeholders nobody substitutes" >&2
    return 1
  fi
}

# parkd_config NAME TEXT: writes TEXT as the config of unit NAME (atomically:
# a reload never reads half a file); prints its path.
parkd_config() {
  local dir=$IT_WORK/${1%.*}/parkd
  mkdir -p "$dir" && chmod 0755 "$IT_WORK/${1%.*}" "$dir" || return 1
  printf '%s\n' "$2" >"$dir/.parkd.toml.new" && chmod 0644 "$dir/.parkd.toml.new" &&
    mv -f "$dir/.parkd.toml.new" "$dir/parkd.toml" || return 1
  echo "$dir/parkd.toml"
}

# parkd_service NAME [DROPIN_LINES]: installs systemd/parkd.service, hardening
# and all, as unit NAME running this build's parkd on the config written by
# parkd_config NAME. A drop-in shortens the timeouts for tests (start 10 s:
# a parkd that never sends READY=1 fails fast), sets Restart=no, and adds
# DROPIN_LINES (lines of the [Service] section; later lines win).
parkd_service() {
  local name=$1 extra=${2:-}
  local base=${name%.*} file
  file=$IT_WORK/$name
  # DynamicUser= runs parkd as an unprivileged UID: it must be able to read
  # the binary and the config (a build tree under a 0700 home would not do).
  local path
  for path in "$PARKD" "$IT_WORK/$base/parkd/parkd.toml"; do
    if ! setpriv --reuid=65534 --regid=65534 --clear-groups -- test -r "$path"; then
      fail "$path is not readable by an unprivileged user; the service runs" \
        "with DynamicUser=yes (make the build tree world-readable)"
    fi
  done
  case $PARKD in
    /home/* | /root/* | /run/user/*)
      # ProtectHome=yes hides these (a by-hand run from a home dir).
      extra="ProtectHome=read-only"$'\n'"$extra"
      ;;
    /tmp/* | /var/tmp/*)
      # PrivateTmp=yes gives the service an empty /tmp: bring parkd along
      # (its own libraries are static; the rest come from /usr).
      extra="BindReadOnlyPaths=$PARKD"$'\n'"$extra"
      ;;
  esac
  if [[ $PARKD_IT_SANITIZE != none && -n $PARKD_IT_SANITIZE ]]; then
    # The sanitizer runtimes need what the hardening forbids: TSan re-execs
    # itself with personality(ADDR_NO_RANDOMIZE); LSan stops the world with
    # ptrace. The hardening itself is tested by the plain build.
    extra="SystemCallFilter="$'\n'"LockPersonality=no"$'\n'"MemoryDenyWriteExecute=no"$'\n'"$extra"
  fi
  parkd_render "$PARKD_SERVICE_TEMPLATE" "$file" "$IT_WORK/$base" || return 1
  unit_install "$name" "$file" || return 1
  unit_dropin "$name" "[Service]
TimeoutStartSec=10s
TimeoutStopSec=15s
Restart=no
$extra"
}

# parkd_socket NAME PORT: installs systemd/parkd.socket as unit NAME (its
# service is the .service of the same name) listening on 127.0.0.1:PORT.
parkd_socket() {
  local name=$1 port=$2 file=$IT_WORK/$1
  sed -e "s|^ListenStream=.*|ListenStream=127.0.0.1:$port|" "$PARKD_SOCKET_TEMPLATE" >"$file" || return 1
  grep -qx "ListenStream=127.0.0.1:$port" "$file" || {
    echo "parkd_socket: no ListenStream= line in $PARKD_SOCKET_TEMPLATE" >&2
    return 1
  }
  unit_install "$name" "$file"
}

# parkd_entries UNIT [CURSOR] [PID]: parkd's journal entries (SYSLOG_IDENTIFIER
# =parkd) logged by UNIT, after CURSOR if given, one JSON object a line.
# journald names the unit of a message (_SYSTEMD_UNIT) from the sender's
# cgroup, read from /proc when it processes the message: a message sent just
# before the process exits (the drain report) can arrive without it. With
# PID, an entry from that PID counts too.
# The filtering is done here, not by journalctl: journalctl 252 skips the
# first matching entry when --after-cursor= is combined with matches (it
# skips two entries from the cursor, counting only matching ones).
parkd_entries() {
  local unit=$1 cursor=${2:-} pid=${3:-}
  journal_sync
  if [[ -n $cursor ]]; then
    journal_json --after-cursor="$cursor"
  else
    journal_json -t parkd
  fi | python3 -c '
import json, sys
unit, pid = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("SYSLOG_IDENTIFIER") == "parkd" and (
            e.get("_SYSTEMD_UNIT") == unit or (pid and e.get("_PID") == pid)):
        print(json.dumps(e))
' "$unit" "$pid"
}

# parkd_stat_entries UNIT [CURSOR] [PID]: those of parkd_entries with PARKD_* fields.
parkd_stat_entries() {
  parkd_entries "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if any(k.startswith("PARKD_") for k in e):
        print(line, end="")
'
}

# parkd_messages UNIT [CURSOR] [PID]: the MESSAGE of each of parkd_entries.
parkd_messages() {
  parkd_entries "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line).get("MESSAGE", "")
    print(m if isinstance(m, str) else bytes(m).decode("utf-8", "replace"))
'
}

# parkd_logged ERE UNIT [CURSOR] [PID]: true if a parkd message of UNIT
# (after CURSOR) matches the extended regex ERE, case-insensitively.
parkd_logged() {
  local ere=$1
  shift
  parkd_messages "$@" | grep_all -Ei -- "$ere"
}

# The STATUS= text of the contract (docs/systemd.md, "STATUS").
PARKD_STATUS_ERE='^[0-9]+ workers: [0-9]+ parked, [0-9]+ running; [0-9]+ notified$'
