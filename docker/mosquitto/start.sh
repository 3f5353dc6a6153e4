#!/bin/sh
# Container start for Mosquitto (docker-compose.yml): writes the password file mosquitto.conf
# names, then runs Mosquitto. The file holds
#   - gridwatch (the server) and simulator, with MQTT_GRIDWATCH_PASSWORD and
#     MQTT_SIMULATOR_PASSWORD from the environment;
#   - every account in docker/mosquitto/passwd, if it exists (concentrators, DA, intake,
#     planning, notices, head-end: see the README, "MQTT security").
# It lives inside the container only (/mosquitto/auth), readable by the mosquitto user alone.
set -eu
: "${MQTT_GRIDWATCH_PASSWORD:?set MQTT_GRIDWATCH_PASSWORD}"
: "${MQTT_SIMULATOR_PASSWORD:?set MQTT_SIMULATOR_PASSWORD}"
umask 077
mkdir -p /mosquitto/auth
file=/mosquitto/auth/passwd
: >"$file"
if [ -f /mosquitto/config/passwd ]; then
  # Without the two service accounts: those come from the environment.
  grep -v -E '^(gridwatch|simulator):' /mosquitto/config/passwd >>"$file" || true
fi
mosquitto_passwd -b "$file" gridwatch "$MQTT_GRIDWATCH_PASSWORD"
mosquitto_passwd -b "$file" simulator "$MQTT_SIMULATOR_PASSWORD"
chown -R mosquitto:mosquitto /mosquitto/auth
exec mosquitto -c /mosquitto/config/mosquitto.conf
