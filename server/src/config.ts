// Configuration from the environment, validated once at start. Nothing else reads process.env.
import { parseLimits } from './orders/desk.ts';
import { parseShiftHours } from './handover.ts';
import { Type, type Static } from '@sinclair/typebox';
import { validator } from '@gridwatch/shared';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const Config = Type.Object({
  host: Type.String(),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Real PostgreSQL/TimescaleDB; when empty, an embedded PGlite is started. */
  databaseUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  /** Real MQTT broker; when empty, an embedded aedes broker listens on mqttPort. */
  /** Pool size for a real server; the embedded PGlite always gets 1 (it is a single session). */
  databasePoolMax: Type.Integer({ minimum: 1, maximum: 100 }),
  mqttUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  mqttPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  mqttUsername: Type.Union([Type.String(), Type.Null()]),
  mqttPassword: Type.Union([Type.String(), Type.Null()]),
  /** Embedded broker only: Mosquitto password_file and acl_file; with them every client must sign in (README, MQTT security). */
  mqttPasswordFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  mqttAclFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  mqttClientId: Type.String({ minLength: 1 }),
  topicPrefix: Type.String({ minLength: 1 }),
  /** Folder for embedded data (PGlite database). */
  dataDir: Type.String(),
  /** `demo` (generated) or a path to a gridwatch-network/1 JSON file. */
  network: Type.String({ minLength: 1 }),
  /** Start the simulator with the demo scenario next to the server. */
  simulator: Type.Boolean(),
  simulatorArgs: Type.String(),
  webDist: Type.String(),
  tileUrl: Type.Union([Type.String(), Type.Null()]),
  tileAttribution: Type.Union([Type.String(), Type.Null()]),
  /** Readings are written in batches of at most this many rows... */
  ingestBatchRows: Type.Integer({ minimum: 1 }),
  /** ...or after this many milliseconds, whichever comes first. */
  ingestFlushMs: Type.Integer({ minimum: 1 }),
  /** Readings held in memory before ingest stops acknowledging MQTT messages. */
  ingestMaxBufferedRows: Type.Integer({ minimum: 1 }),
  /** Scale-out: the cluster (MQTT shared-subscription group) this instance belongs to; null: alone. */
  clusterGroup: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()]),
  /** Write readings by COPY (true), by INSERT … ON CONFLICT (false), or null: COPY on a real server. */
  ingestCopy: Type.Union([Type.Boolean(), Type.Null()]),
  /** Accepted clock skew for device timestamps. */
  maxFutureSkewS: Type.Integer({ minimum: 0 }),
  maxPastAgeS: Type.Integer({ minimum: 0 }),
  /** Dead letters are deleted after this many days, and beyond the newest deadLetterMaxRows (0: no row cap). */
  deadLetterRetentionDays: Type.Number({ exclusiveMinimum: 0, maximum: 3650 }),
  deadLetterMaxRows: Type.Integer({ minimum: 0 }),
  /** Meters of one station area that must report power-off before it is an outage. */
  outageMinMeters: Type.Integer({ minimum: 1 }),
  /** Evidence is held this long before an outage is predicted (lets roll-up see the whole picture). */
  outageHoldS: Type.Number({ minimum: 0, maximum: 600 }),
  outageCustomerSideHoldS: Type.Number({ minimum: 0, maximum: 3600 }),
  /** A lone meter off this long with no restore and no sign of its area being dark: customer-side at once (0: wait for readings). */
  outageCustomerSideEarlyS: Type.Number({ minimum: 0, maximum: 7200 }),
  /** After a breaker trip, wait this long for a lockout or more trips before calling it momentary. */
  outageDaHoldS: Type.Number({ minimum: 0, maximum: 600 }),
  outageRollupFraction: Type.Number({ minimum: 0.05, maximum: 1 }),
  /** Complaint risk: score open outages this often. */
  riskEvalS: Type.Number({ minimum: 1, maximum: 3600 }),
  /** Retrain the model from the database this often (0: only on demand). */
  riskRetrainH: Type.Number({ minimum: 0, maximum: 24 * 365 }),
  /** Alert threshold on P(complaint within 1 h); null: the model's own (picked at training). */
  riskAlertThreshold: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.Null()]),
  /** Unacknowledged alerts go to the shift lead, then the manager, after these many minutes. */
  alertEscalateLeadMin: Type.Number({ minimum: 0 }),
  alertEscalateManagerMin: Type.Number({ minimum: 0 }),
  /** Flood control: alerts paged individually per window; the rest are grouped. */
  alertFloodMax: Type.Integer({ minimum: 1 }),
  alertFloodWindowS: Type.Number({ minimum: 1 }),
  /** Proactive notices are also POSTed here (JSON) when set. */
  notifyWebhookUrl: Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()]),
  notifyWebhookTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
  /**
   * Work-order time limits in minutes, `category=urban/rural/remote` or `category=all`, comma
   * separated; unnamed categories keep their defaults (outage and voltage 45/90/120 to a crew on
   * site; billing and attitude 1440, other 4320 to resolution).
   */
  orderLimits: Type.String(),
  /** Fractions of the time limit at which an order escalates to team leader, department, company. */
  orderEscalateAt: Type.Tuple([Type.Number({ exclusiveMinimum: 0 }), Type.Number({ exclusiveMinimum: 0 }), Type.Number({ exclusiveMinimum: 0 })]),
  /** Supervise work orders (escalations, overdue) this often. */
  orderTickS: Type.Number({ minimum: 0.1, maximum: 600 }),
  /** Integration keys for POST /api/contacts (`name:key`, comma separated); console tokens work too. */
  intakeApiKeys: Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), key: Type.String({ minLength: 16 }) })),
  /**
   * Read-only wall tokens (`name:token`, comma separated). When any is set, the wall's data (the
   * read API and the realtime socket) needs a wall token or a console sign-in; unset, it is open.
   */
  wallTokens: Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), key: Type.String({ minLength: 16 }) })),
  /** Password of every grid team leader (`team-<id>`); unset, each team gets its own, generated. */
  teamPassword: Type.Union([Type.String({ minLength: 8 }), Type.Null()]),
  /** Planned outages must be announced this many days ahead (State Grid's commitment). */
  plannedNoticeDays: Type.Number({ minimum: 0, maximum: 365 }),
  /** Nominal supply voltage; voltage complaints are checked against +7% / −10% of it. */
  voltageNominalV: Type.Number({ minimum: 50, maximum: 1000 }),
  /** Notified customers get an updated restoration time before the announced one passes. */
  notifyAutoUpdate: Type.Boolean(),
  /**
   * Shift changes of the centre (SHIFT_HOURS, local "HH:MM" list) as minutes after midnight, for
   * the handover summary's current and previous shift; null: a shift is the last 8 hours.
   */
  shiftMinutes: Type.Union([Type.Array(Type.Integer({ minimum: 0, maximum: 1439 }), { minItems: 1, maxItems: 48 }), Type.Null()]),
  /** Local time offset for the risk model's time-of-day; null: from the network's longitude. */
  utcOffsetH: Type.Union([Type.Number({ minimum: -12, maximum: 14 }), Type.Null()]),
  /** Signs console sessions; random per process when unset (everyone signs in again after a restart). */
  sessionSecret: Type.Union([Type.String({ minLength: 16 }), Type.Null()]),
  sessionTtlH: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30 }),
  /** Password of the default console users created on first start; generated and shown once when unset. */
  consolePassword: Type.Union([Type.String({ minLength: 8 }), Type.Null()]),
  logLevel: Type.String(),
  /** Browser origins allowed to call the API and the socket from another origin (CORS); empty: same origin only. */
  corsOrigins: Type.Array(Type.String({ pattern: '^https?://[^/]+$' })),
  /** Sign-in attempts allowed per client address and username per minute. */
  loginRatePerMin: Type.Integer({ minimum: 1 }),
  /** Writes (POST/PUT/PATCH/DELETE) allowed per signed-in user (or client address) per minute. */
  writeRatePerMin: Type.Integer({ minimum: 1 }),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (hop count or true). */
  trustProxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 1, maximum: 10 })]),
  /** The audit log is kept this many days (0: for ever). */
  auditRetentionDays: Type.Number({ minimum: 0 }),
});
export type Config = Static<typeof Config>;

type Env = Record<string, string | undefined>;

const str = (env: Env, key: string, fallback: string) => (env[key]?.trim() ? env[key]!.trim() : fallback);
const opt = (env: Env, key: string) => (env[key]?.trim() ? env[key]!.trim() : null);
const int = (env: Env, key: string, fallback: number) => {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  return n;
};
const num = (env: Env, key: string, fallback: number) => {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`${key} must be a number, got "${raw}"`);
  return n;
};
const bool = (env: Env, key: string, fallback: boolean) => {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
};

export class ConfigError extends Error {}

function fractions(raw: string): [number, number, number] {
  const xs = raw.split(',').map((x) => Number(x.trim()));
  if (xs.length !== 3 || xs.some((x) => !Number.isFinite(x) || x <= 0) || !(xs[0]! <= xs[1]! && xs[1]! <= xs[2]!)) {
    throw new ConfigError(`ORDER_ESCALATE_AT must be three increasing fractions of the time limit, e.g. 0.5,0.8,1; got "${raw}"`);
  }
  return xs as [number, number, number];
}

function shiftHours(raw: string): number[] | null {
  try {
    return parseShiftHours(raw);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function trustProxy(raw: string | null): boolean | number {
  if (raw === null || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new ConfigError(`TRUST_PROXY must be false, true or the number of proxies in front (1-10), got "${raw}"`);
  return n;
}

function apiKeys(raw: string, setting: string): { name: string; key: string }[] {
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const i = x.indexOf(':');
      const name = x.slice(0, i).trim();
      const key = x.slice(i + 1).trim();
      if (i <= 0 || key.length < 16) throw new ConfigError(`${setting} entries must be name:key with a key of at least 16 characters`);
      return { name, key };
    });
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 3000),
    databaseUrl: opt(env, 'DATABASE_URL'),
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 8),
    mqttUrl: opt(env, 'MQTT_URL'),
    mqttPort: int(env, 'MQTT_PORT', 1883),
    mqttUsername: opt(env, 'MQTT_USERNAME'),
    mqttPassword: opt(env, 'MQTT_PASSWORD'),
    mqttPasswordFile: opt(env, 'MQTT_PASSWORD_FILE') && path.resolve(REPO_ROOT, opt(env, 'MQTT_PASSWORD_FILE')!),
    // The ACL the docker compose Mosquitto uses, unless told otherwise.
    mqttAclFile: opt(env, 'MQTT_PASSWORD_FILE') ? path.resolve(REPO_ROOT, str(env, 'MQTT_ACL_FILE', 'docker/mosquitto/acl')) : null,
    mqttClientId: str(env, 'MQTT_CLIENT_ID', 'gridwatch-server'),
    topicPrefix: str(env, 'TOPIC_PREFIX', 'gw/v1'),
    dataDir: path.resolve(REPO_ROOT, str(env, 'DATA_DIR', '.gridwatch')),
    network: str(env, 'NETWORK', 'demo'),
    simulator: bool(env, 'SIMULATOR', true),
    simulatorArgs: str(env, 'SIMULATOR_ARGS', '--scenario demo --reading-interval 60'),
    webDist: path.resolve(REPO_ROOT, str(env, 'WEB_DIST', 'web/dist')),
    tileUrl: opt(env, 'TILE_URL'),
    tileAttribution: opt(env, 'TILE_ATTRIBUTION'),
    ingestBatchRows: int(env, 'INGEST_BATCH_ROWS', 20_000),
    ingestFlushMs: int(env, 'INGEST_FLUSH_MS', 200),
    ingestMaxBufferedRows: int(env, 'INGEST_MAX_BUFFERED_ROWS', 200_000),
    clusterGroup: opt(env, 'CLUSTER_GROUP'),
    ingestCopy: opt(env, 'INGEST_COPY') === null ? null : bool(env, 'INGEST_COPY', true),
    maxFutureSkewS: int(env, 'MAX_FUTURE_SKEW_S', 300),
    maxPastAgeS: int(env, 'MAX_PAST_AGE_S', 7 * 86_400),
    deadLetterRetentionDays: num(env, 'DEAD_LETTER_RETENTION_DAYS', 30),
    deadLetterMaxRows: int(env, 'DEAD_LETTER_MAX_ROWS', 1_000_000),
    outageMinMeters: int(env, 'OUTAGE_MIN_METERS', 3),
    outageHoldS: num(env, 'OUTAGE_HOLD_S', 35),
    outageCustomerSideHoldS: num(env, 'OUTAGE_CUSTOMER_SIDE_HOLD_S', 30),
    outageCustomerSideEarlyS: num(env, 'OUTAGE_CUSTOMER_SIDE_EARLY_S', 180),
    outageDaHoldS: num(env, 'OUTAGE_DA_HOLD_S', 45),
    outageRollupFraction: num(env, 'OUTAGE_ROLLUP_FRACTION', 0.5),
    riskEvalS: num(env, 'RISK_EVAL_S', 30),
    riskRetrainH: num(env, 'RISK_RETRAIN_H', 24),
    riskAlertThreshold: opt(env, 'RISK_ALERT_THRESHOLD') === null ? null : num(env, 'RISK_ALERT_THRESHOLD', 0.5),
    alertEscalateLeadMin: num(env, 'ALERT_ESCALATE_LEAD_MIN', 5),
    alertEscalateManagerMin: num(env, 'ALERT_ESCALATE_MANAGER_MIN', 15),
    alertFloodMax: int(env, 'ALERT_FLOOD_MAX', 10),
    alertFloodWindowS: num(env, 'ALERT_FLOOD_WINDOW_S', 60),
    notifyWebhookUrl: opt(env, 'NOTIFY_WEBHOOK_URL'),
    notifyWebhookTimeoutMs: int(env, 'NOTIFY_WEBHOOK_TIMEOUT_MS', 5_000),
    notifyAutoUpdate: bool(env, 'NOTIFY_AUTO_UPDATE', true),
    orderLimits: str(env, 'ORDER_LIMITS_MIN', ''),
    orderEscalateAt: fractions(str(env, 'ORDER_ESCALATE_AT', '0.5,0.8,1')),
    orderTickS: num(env, 'ORDER_TICK_S', 10),
    intakeApiKeys: apiKeys(str(env, 'INTAKE_API_KEYS', ''), 'INTAKE_API_KEYS'),
    wallTokens: apiKeys(str(env, 'WALL_TOKENS', ''), 'WALL_TOKENS'),
    voltageNominalV: num(env, 'VOLTAGE_NOMINAL_V', 220),
    plannedNoticeDays: num(env, 'PLANNED_NOTICE_DAYS', 7),
    teamPassword: opt(env, 'TEAM_PASSWORD'),
    shiftMinutes: shiftHours(str(env, 'SHIFT_HOURS', '')),
    utcOffsetH: opt(env, 'UTC_OFFSET_H') === null ? null : num(env, 'UTC_OFFSET_H', 0),
    sessionSecret: opt(env, 'SESSION_SECRET'),
    sessionTtlH: num(env, 'SESSION_TTL_H', 12),
    consolePassword: opt(env, 'CONSOLE_PASSWORD'),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
    corsOrigins: str(env, 'CORS_ORIGINS', '').split(',').map((x) => x.trim().replace(/\/$/, '')).filter(Boolean),
    loginRatePerMin: int(env, 'LOGIN_RATE_PER_MIN', 10),
    writeRatePerMin: int(env, 'WRITE_RATE_PER_MIN', 300),
    trustProxy: trustProxy(opt(env, 'TRUST_PROXY')),
    auditRetentionDays: num(env, 'AUDIT_RETENTION_DAYS', 400),
    ...overrides,
  };
  const checked = validator(Config).check(config);
  if (!checked.ok) throw new ConfigError(`invalid configuration: ${checked.reason}`);
  try {
    parseLimits(config.orderLimits);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (config.alertEscalateManagerMin < config.alertEscalateLeadMin) {
    throw new ConfigError('ALERT_ESCALATE_MANAGER_MIN must not be below ALERT_ESCALATE_LEAD_MIN');
  }
  if (opt(env, 'MQTT_ACL_FILE') && !opt(env, 'MQTT_PASSWORD_FILE')) {
    throw new ConfigError('MQTT_ACL_FILE needs MQTT_PASSWORD_FILE: the embedded broker applies an ACL only to clients that sign in');
  }
  if (config.mqttUrl && config.mqttPasswordFile) {
    throw new ConfigError('MQTT_PASSWORD_FILE configures the embedded broker, which does not run when MQTT_URL is set: configure your broker instead (docker/mosquitto/)');
  }
  if (config.clusterGroup && (!config.databaseUrl || !config.mqttUrl)) {
    throw new ConfigError('CLUSTER_GROUP needs a shared database and broker: set DATABASE_URL and MQTT_URL (the embedded ones belong to one process)');
  }
  if (config.clusterGroup && config.mqttClientId === 'gridwatch-server') {
    throw new ConfigError('CLUSTER_GROUP needs a distinct MQTT_CLIENT_ID per instance (each holds its own persistent session), e.g. gridwatch-1, gridwatch-2');
  }
  return checked.value;
}
