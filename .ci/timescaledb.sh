#!/usr/bin/env bash
# Ensures a real TimescaleDB server (PostgreSQL 17 + postgresql-17-timescaledb from
# Debian trixie, Apache-2 edition) runs on 127.0.0.1:${TSDB_PORT:-5433}.
#
# Debian 12 has no TimescaleDB package, so the server lives in a debootstrapped
# Debian trixie chroot (${TSDB_ROOT:-/opt/gridwatch-tsdb}). Needs root; fetches only
# from the Debian mirror configured in /etc/apt/sources.list.d/debian.sources.
#
# Usage: .ci/timescaledb.sh [start|stop|restart|status]   (default: start)
# Idempotent: every step is skipped when already done; a second run takes seconds.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

ROOT=${TSDB_ROOT:-/opt/gridwatch-tsdb}
PORT=${TSDB_PORT:-5433}
DB=${TSDB_DB:-gridwatch_test}
PGV=17
SUITE=trixie
CONF_DIR=/etc/postgresql/$PGV/main          # inside the chroot
BOOTSTRAP_MARK=$ROOT/.gridwatch-debootstrap-done
READY_MARK=$ROOT/.gridwatch-install-done
PG_LOG=/var/log/postgresql/postgresql-$PGV-main.log

log() { printf '[tsdb] %s\n' "$*"; }
die() { printf '[tsdb] ERROR: %s\n' "$*" >&2; trap - EXIT; exit 1; }
trap 'rc=$?; [[ $rc -eq 0 ]] || printf "[tsdb] ERROR: failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2' EXIT

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap/chroot/mount)"
[[ $ROOT == /* && $ROOT != / && ${#ROOT} -gt 4 ]] || die "TSDB_ROOT must be an absolute path other than / (got '$ROOT')"
[[ $PORT =~ ^[0-9]+$ ]] || die "TSDB_PORT must be a number (got '$PORT')"

# Run a command inside the chroot with a clean, predictable environment
# (C.UTF-8 is built into glibc, so initdb works without a locales package).
in_chroot() {
  chroot "$ROOT" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

psql_host() {
  PGCONNECT_TIMEOUT=3 PGOPTIONS='-c client_min_messages=warning' \
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

# Mount points below $ROOT, deepest first.
mounts_under_root() {
  awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

umount_all() {
  local m
  for m in $(mounts_under_root); do
    umount "$m" 2>/dev/null || umount -l "$m" || die "cannot unmount $m"
  done
}

ensure_mount() { # fstype target
  local fstype=$1 target=$ROOT$2
  mkdir -p "$target"
  if ! mountpoint -q "$target"; then
    log "mounting $fstype on $target"
    mount -t "$fstype" "$fstype" "$target"
  fi
}

mount_chroot_fs() {
  ensure_mount proc /proc
  # PostgreSQL's dynamic shared memory (posix) lives in /dev/shm; without a tmpfs
  # there it would be backed by the chroot's disk.
  ensure_mount tmpfs /dev/shm
  chmod 1777 "$ROOT/dev/shm"
}

debian_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources uri=''
  if [[ -r $f ]]; then
    # deb822: first enabled stanza that is not the security archive.
    uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
      { u = ""; s = ""; en = 1
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)    { v = $i; sub(/^URIs:[ \t]*/, "", v); u = v }
          if ($i ~ /^Suites:/)  { s = $i }
          if ($i ~ /^Enabled:[ \t]*no/) { en = 0 }
        }
        if (en && u != "" && s !~ /-security/ && u !~ /security/) { split(u, a, /[ \t]+/); print a[1]; exit }
      }' "$f")
  fi
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp|file):/) { print $i; exit } }' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || die "no Debian mirror URI found in /etc/apt/sources.list.d/debian.sources"
  printf '%s\n' "${uri%/}"
}

cluster_running() {
  [[ -x $ROOT/usr/bin/pg_ctlcluster && -f $ROOT$CONF_DIR/postgresql.conf ]] || return 1
  [[ -d $ROOT/proc/self ]] || return 1
  in_chroot pg_ctlcluster "$PGV" main status >/dev/null 2>&1
}

show_pg_log() {
  if [[ -f $ROOT$PG_LOG ]]; then
    printf '[tsdb] --- last lines of %s ---\n' "$ROOT$PG_LOG" >&2
    tail -n 30 "$ROOT$PG_LOG" >&2 || true
  fi
}

# ---------------------------------------------------------------------------
install_chroot() {
  if [[ -f $READY_MARK ]]; then
    log "chroot $ROOT ready (PostgreSQL $PGV + TimescaleDB installed) - skip"
    return
  fi

  if [[ ! -f $BOOTSTRAP_MARK ]]; then
    if [[ -e $ROOT ]]; then
      log "incomplete chroot at $ROOT (interrupted earlier run) - removing and redoing"
      umount_all
      [[ -z $(mounts_under_root) ]] || die "still mounted below $ROOT; refusing to delete"
      rm -rf --one-file-system "$ROOT"
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
      log "installing debootstrap"
      apt-get install -y -q debootstrap >/dev/null 2>&1 || {
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update -q >/dev/null
        apt-get install -y -q debootstrap >/dev/null
      }
    fi
    local mirror
    mirror=$(debian_mirror)
    log "debootstrap --variant=minbase $SUITE $ROOT $mirror (about a minute)"
    local dlog
    dlog=$(mktemp /tmp/gridwatch-debootstrap.XXXXXX.log)
    if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$mirror" >"$dlog" 2>&1; then
      tail -n 30 "$dlog" >&2
      umount_all
      die "debootstrap failed (full log: $dlog)"
    fi
    rm -f "$dlog"
    date -u +%FT%TZ >"$BOOTSTRAP_MARK"
  else
    log "debootstrap already done; finishing package install"
  fi

  mount_chroot_fs
  # Never let package scripts start services inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"

  log "apt-get install postgresql-$PGV postgresql-$PGV-timescaledb (in chroot)"
  local alog
  alog=$(mktemp /tmp/gridwatch-tsdb-apt.XXXXXX.log)
  if ! {
    in_chroot dpkg --configure -a &&
      in_chroot apt-get update -q &&
      in_chroot apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "postgresql-$PGV" "postgresql-$PGV-timescaledb"
  } >"$alog" 2>&1; then
    tail -n 30 "$alog" >&2
    die "package install in chroot failed (full log: $alog)"
  fi
  rm -f "$alog"
  in_chroot apt-get clean

  if [[ ! -f $ROOT$CONF_DIR/postgresql.conf ]]; then
    log "creating cluster $PGV/main"
    in_chroot pg_createcluster "$PGV" main >/dev/null
  fi
  [[ -f $ROOT$CONF_DIR/postgresql.conf ]] || die "cluster $PGV/main missing after install"
  [[ -f $ROOT/usr/share/postgresql/$PGV/extension/timescaledb.control ]] || die "timescaledb extension files missing"

  date -u +%FT%TZ >"$READY_MARK" # written last: marks a complete install
  log "chroot install complete"
}

# Writes $2 to $1 only if different; returns 0 when the file changed.
write_if_changed() {
  local file=$1 content=$2
  if [[ -f $file ]] && [[ "$(cat "$file")" == "$content" ]]; then
    return 1
  fi
  printf '%s\n' "$content" >"$file"
  return 0
}

configure_cluster() {
  local changed=0 conf=$ROOT$CONF_DIR
  # Debian's postgresql.conf ends with include_dir = 'conf.d', so these win.
  mkdir -p "$conf/conf.d"
  if write_if_changed "$conf/conf.d/gridwatch.conf" "# Written by .ci/timescaledb.sh - do not edit
port = $PORT
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 200
shared_buffers = 1GB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
min_wal_size = 512MB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
wal_compression = on
wal_buffers = 16MB
random_page_cost = 1.1
effective_io_concurrency = 100
max_worker_processes = 16
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
timescaledb.max_background_workers = 8
max_locks_per_transaction = 256
dynamic_shared_memory_type = posix
log_min_duration_statement = 2000
log_line_prefix = '%m [%p] %q%u@%d '"; then
    changed=1
  fi
  # Also set the port in postgresql.conf itself, which postgresql-common tools read.
  if ! grep -qE "^port = $PORT\b" "$conf/postgresql.conf"; then
    sed -i -E "s/^#?port = [0-9]+/port = $PORT/" "$conf/postgresql.conf"
    changed=1
  fi
  if write_if_changed "$conf/pg_hba.conf" "# Written by .ci/timescaledb.sh - CI only, trust on loopback
local   all   postgres                 peer
local   all   all                      peer
host    all   all        127.0.0.1/32  trust
host    all   all        ::1/128       trust"; then
    changed=1
  fi
  if ((changed)); then
    log "configuration written (port $PORT, timescaledb preloaded, trust on loopback)"
  else
    log "configuration up to date - skip"
  fi
  CONFIG_CHANGED=$changed
}

start_cluster() {
  mount_chroot_fs
  in_chroot sh -c 'mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql && chmod 2775 /var/run/postgresql'
  if cluster_running; then
    if [[ ${CONFIG_CHANGED:-0} == 1 ]]; then
      log "configuration changed - restarting cluster"
      in_chroot pg_ctlcluster "$PGV" main restart -m fast 9>&- || { show_pg_log; die "restart failed"; }
    else
      log "cluster $PGV/main already running - skip"
    fi
    return
  fi
  log "starting cluster $PGV/main on 127.0.0.1:$PORT"
  # 9>&- : do not hand the script's lock file descriptor to the server.
  in_chroot su postgres -s /bin/sh -c "pg_ctlcluster $PGV main start" 9>&- || {
    show_pg_log
    die "pg_ctlcluster start failed"
  }
}

wait_ready() {
  local i
  for ((i = 0; i < 60; i++)); do
    if psql_host -d postgres -tAc 'select 1' >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  show_pg_log
  die "server on 127.0.0.1:$PORT does not accept connections after 60 s"
}

setup_database() {
  if [[ $(psql_host -d postgres -tAc "select 1 from pg_database where datname = '$DB'") == 1 ]]; then
    log "database $DB exists - skip"
  else
    log "creating database $DB"
    psql_host -d postgres -c "CREATE DATABASE \"$DB\""
  fi
  psql_host -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS timescaledb'
  local server ext lic
  server=$(psql_host -d "$DB" -tAc 'show server_version')
  ext=$(psql_host -d "$DB" -tAc "select extversion from pg_extension where extname = 'timescaledb'")
  lic=$(psql_host -d "$DB" -tAc 'show timescaledb.license')
  [[ -n $ext ]] || die "timescaledb extension not created in $DB"
  log "PostgreSQL $server, timescaledb $ext, timescaledb.license = $lic"
}

stop_cluster() {
  if [[ ! -x $ROOT/usr/bin/pg_ctlcluster || ! -f $ROOT$CONF_DIR/postgresql.conf ]]; then
    log "no installed cluster at $ROOT - nothing to stop"
    return
  fi
  mount_chroot_fs
  if cluster_running; then
    log "stopping cluster $PGV/main"
    in_chroot pg_ctlcluster "$PGV" main stop -m fast || die "pg_ctlcluster stop failed"
    log "stopped"
  else
    log "cluster $PGV/main not running - nothing to stop"
  fi
}

# ---------------------------------------------------------------------------
# Serialise concurrent invocations.
exec 9>"/run/lock/gridwatch-tsdb-$PORT.lock" 2>/dev/null || exec 9>"/tmp/gridwatch-tsdb-$PORT.lock"
flock -w 900 9 || die "another .ci/timescaledb.sh run holds the lock"

cmd=${1:-start}
case $cmd in
  start)
    install_chroot
    configure_cluster
    start_cluster
    wait_ready
    setup_database
    log "ready on 127.0.0.1:$PORT"
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/$DB"
    ;;
  stop)
    stop_cluster
    ;;
  restart)
    stop_cluster
    CONFIG_CHANGED=0
    install_chroot
    configure_cluster
    start_cluster
    wait_ready
    setup_database
    log "ready on 127.0.0.1:$PORT"
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/$DB"
    ;;
  status)
    [[ -f $READY_MARK ]] && mount_chroot_fs
    if cluster_running; then log "running on 127.0.0.1:$PORT"; else log "not running"; trap - EXIT; exit 3; fi
    ;;
  *)
    die "usage: $0 [start|stop|restart|status]"
    ;;
esac
