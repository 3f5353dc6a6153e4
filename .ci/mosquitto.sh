#!/usr/bin/env bash
# Ensures a real Mosquitto broker (Debian's mosquitto package) runs on
# 127.0.0.1:${MOSQUITTO_PORT:-1884}, anonymous access, persistence on, with its
# config, data, log and pid file in ${MOSQUITTO_DIR:-/tmp/gridwatch-mosquitto}.
#
# Usage: .ci/mosquitto.sh [start|stop|restart|status]   (default: start)
# Idempotent: if a broker already answers on the port, start does nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PORT=${MOSQUITTO_PORT:-1884}
DIR=${MOSQUITTO_DIR:-/tmp/gridwatch-mosquitto}
CONF=$DIR/mosquitto.conf
PIDFILE=$DIR/mosquitto.pid
LOGFILE=$DIR/mosquitto.log
HOST=127.0.0.1

log() { printf '[mosquitto] %s\n' "$*"; }
die() { printf '[mosquitto] ERROR: %s\n' "$*" >&2; trap - EXIT; exit 1; }
trap 'rc=$?; [[ $rc -eq 0 ]] || printf "[mosquitto] ERROR: failed (exit %s): %s\n" "$rc" "$BASH_COMMAND" >&2' EXIT

[[ $PORT =~ ^[0-9]+$ ]] || die "MOSQUITTO_PORT must be a number (got '$PORT')"
[[ $DIR == /* ]] || die "MOSQUITTO_DIR must be an absolute path (got '$DIR')"

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# Publish a retained message on a unique topic, read it back, then clear it.
# Retained delivery avoids any subscribe/publish race.
roundtrip() {
  local topic="gridwatch/ci/ping/$$-$RANDOM" token="ping-$$-$RANDOM-$(date +%s%N)" got
  mosquitto_pub -h "$HOST" -p "$PORT" -q 1 -r -t "$topic" -m "$token" 2>/dev/null || return 1
  got=$(mosquitto_sub -h "$HOST" -p "$PORT" -q 1 -t "$topic" -C 1 -W 5 2>/dev/null) || got=''
  mosquitto_pub -h "$HOST" -p "$PORT" -q 1 -r -n -t "$topic" 2>/dev/null || true
  [[ $got == "$token" ]]
}

recorded_pid() {
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == mosquitto ]] || return 1
  printf '%s\n' "$pid"
}

ensure_packages() {
  local missing=()
  command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto)
  command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
  if ((${#missing[@]} == 0)); then
    log "packages installed - skip"
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "need root to install ${missing[*]}"
  log "apt-get install ${missing[*]}"
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    log "install failed; running apt-get update and retrying"
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
}

write_config() {
  mkdir -p "$DIR"
  local content="# Written by .ci/mosquitto.sh - do not edit
pid_file $PIDFILE
listener $PORT $HOST
allow_anonymous true
persistence true
persistence_location $DIR/
autosave_interval 60
max_queued_messages 100000
max_inflight_messages 1000
# Tests and benchmarks leave persistent sessions behind under throwaway client ids; without an
# expiry each would keep queueing every later message on its topics.
persistent_client_expiration 2h
log_dest file $LOGFILE
log_type error
log_type warning
log_type notice
log_type information
connection_messages false
log_timestamp_format %Y-%m-%dT%H:%M:%S"
  if [[ -f $CONF && "$(cat "$CONF")" == "$content" ]]; then
    log "config $CONF up to date - skip"
    CONFIG_CHANGED=0
  else
    printf '%s\n' "$content" >"$CONF"
    log "wrote $CONF"
    CONFIG_CHANGED=1
  fi
  # As root, mosquitto drops privileges to user 'mosquitto', which must be able to
  # write the persistence file, the log and remove the pid file.
  if [[ $(id -u) -eq 0 ]] && id mosquitto >/dev/null 2>&1; then
    chown mosquitto: "$DIR"
    [[ ! -e $LOGFILE ]] || chown mosquitto: "$LOGFILE"
    [[ ! -e $DIR/mosquitto.db ]] || chown mosquitto: "$DIR/mosquitto.db"
  fi
}

start_broker() {
  ensure_packages
  write_config
  if port_open; then
    if roundtrip; then
      log "broker already answering on $HOST:$PORT - skip"
      [[ $CONFIG_CHANGED == 0 ]] || log "note: config changed; run '$0 restart' to apply"
      return
    fi
    die "something listens on $HOST:$PORT but does not answer MQTT; free the port or set MOSQUITTO_PORT"
  fi
  rm -f "$PIDFILE"
  log "starting mosquitto -d -c $CONF"
  # 9>&- : do not pass the lock descriptor on to the daemon.
  mosquitto -d -c "$CONF" 9>&- || { tail -n 20 "$LOGFILE" >&2 2>/dev/null || true; die "mosquitto failed to start"; }
  local i pid=''
  for ((i = 0; i < 50; i++)); do
    if port_open && roundtrip; then
      pid=$(recorded_pid) || pid='?'
      log "started (pid $pid); message round-trip OK on $HOST:$PORT"
      return
    fi
    sleep 0.2
  done
  tail -n 20 "$LOGFILE" >&2 2>/dev/null || true
  die "mosquitto does not answer on $HOST:$PORT after 10 s"
}

stop_broker() {
  local pid i
  if ! pid=$(recorded_pid); then
    rm -f "$PIDFILE"
    if port_open; then
      die "no recorded mosquitto pid in $PIDFILE, but something listens on $HOST:$PORT (not started by this script?)"
    fi
    log "not running - nothing to stop"
    return
  fi
  log "stopping mosquitto (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 10 s - sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "pid $pid did not exit"
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock -w 120 9 || die "another .ci/mosquitto.sh run holds the lock"

case ${1:-start} in
  start)
    start_broker
    log "ready: MQTT_URL=mqtt://$HOST:$PORT"
    ;;
  stop) stop_broker ;;
  restart)
    stop_broker
    start_broker
    log "ready: MQTT_URL=mqtt://$HOST:$PORT"
    ;;
  status)
    if port_open && command -v mosquitto_pub >/dev/null 2>&1 && roundtrip; then
      log "running on $HOST:$PORT (pid $(recorded_pid || echo '?'))"
    else
      log "not running"
      trap - EXIT
      exit 3
    fi
    ;;
  *) die "usage: $0 [start|stop|restart|status]" ;;
esac
