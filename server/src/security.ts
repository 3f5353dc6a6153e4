// The HTTP edge's defences: security headers (with a content security policy that fits the wall),
// CORS limited to configured origins, rate limits on sign-in and on writes, and the audit log of
// every write. Registered by buildApp before any route.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { insertAudit, pruneAudit, type AuditRow } from './db/audit.ts';
import type { Pool } from './db/pool.ts';
import { BatchWriter } from './ingest/batchWriter.ts';
import { startPeriodic } from './periodic.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const AUDIT_DETAIL_CHARS = 2_048;
/** Body fields never stored in the audit log (compared in lower case, anywhere in the body). */
const SECRET_FIELDS = /pass|secret|token|key|authorization/i;

/**
 * Script hashes for the CSP: the built index.html starts loading the map from a small inline
 * script; its hash lets exactly that script run, and nothing else inline.
 */
export function inlineScriptHashes(webDist: string): string[] {
  const file = path.join(webDist, 'index.html');
  if (!existsSync(file)) return [];
  const html = readFileSync(file, 'utf8');
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
}

/** The origin of a tile URL template (`https://{s}.tile.example/{z}/{x}/{y}.png`), for img-src. */
export function tileOrigins(tileUrl: string | null): string[] {
  if (!tileUrl) return [];
  const m = /^(https?:)\/\/([^/]+)/.exec(tileUrl);
  if (!m) return [];
  // `{s}` subdomains: allow the host's subdomains (the CSP wildcard form).
  const host = m[2]!.replace(/^\{s\}\./, '*.').replace(/\{[^}]*\}/g, '*');
  return [`${m[1]}//${host}`];
}

/** The request body with secret fields blanked, as JSON-able data cut to a bounded size. */
export function auditDetail(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  const clean = (v: unknown, depth: number): unknown => {
    if (depth > 4) return '…';
    if (Array.isArray(v)) return v.slice(0, 20).map((x) => clean(x, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v).slice(0, 40)) out[k] = SECRET_FIELDS.test(k) ? '[redacted]' : clean(x, depth + 1);
      return out;
    }
    if (typeof v === 'string') return v.length > 500 ? `${v.slice(0, 500)}…` : v;
    return v;
  };
  const text = JSON.stringify(clean(body, 0)) ?? 'null';
  // PostgreSQL jsonb refuses \u0000.
  const bounded = text.length <= AUDIT_DETAIL_CHARS ? text : JSON.stringify({ truncated: text.slice(0, AUDIT_DETAIL_CHARS) });
  return JSON.parse(bounded.replace(/\\u0000/g, '\\ufffd'));
}

export interface SecurityOptions {
  config: Config;
  pool: Pool;
  /** Who made a request that is not signed in (an intake key's name), or null. */
  keyActor: (req: FastifyRequest) => string | null;
  onError: (message: string) => void;
  now?: () => number;
}

export interface Security {
  audit: BatchWriter<AuditRow>;
  /** Requests refused with 429, by limit. */
  rateLimited: { login: number; write: number };
  close(): Promise<void>;
}

export async function registerSecurity(app: FastifyInstance, o: SecurityOptions): Promise<Security> {
  const { config } = o;
  const now = o.now ?? Date.now;
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(config.webDist)],
        // Leaflet and ECharts position their elements with inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigins(config.tileUrl)],
        connectSrc: ["'self'", ...config.corsOrigins],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // Dispatch centres often serve GridWatch over plain HTTP on their own network: upgrading
        // every request to HTTPS would break the wall there.
        upgradeInsecureRequests: null,
      },
    },
    // Same reason: HSTS only where TLS is terminated in front (the proxy sets it).
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  // Without configured origins no CORS headers are sent: browsers keep other sites' pages out.
  // (Sign-in is a bearer token, never a cookie, so there is no cross-site request to forge.)
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false, methods: ['GET', 'HEAD', 'POST'], maxAge: 600 });

  const rateLimited = { login: 0, write: 0 };
  const windowMs = 60_000;
  await app.register(rateLimit, {
    global: true,
    // After the sign-in hook, so a signed-in user is limited as a user, not by address.
    hook: 'preValidation',
    timeWindow: windowMs,
    max: config.writeRatePerMin,
    allowList: (req) => !WRITE_METHODS.has(req.method),
    keyGenerator: (req) => (req.user ? `user:${req.user.username}` : `ip:${req.ip}`),
    onExceeded: (req) => {
      if (req.routeOptions.url === '/api/login') rateLimited.login++;
      else rateLimited.write++;
    },
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `too many requests: at most ${ctx.max} a minute; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });

  const audit = new BatchWriter<AuditRow>({
    name: 'audit_log',
    write: (rows) => insertAudit(o.pool, rows),
    maxBatch: 500,
    flushMs: 250,
    onError: (err) => o.onError(`audit log: write failed, retrying: ${err.message}`),
    onRejected: (_row, err) => o.onError(`audit log: row refused: ${err.message}`),
  });
  app.addHook('onResponse', async (req, reply) => {
    if (!WRITE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
    // Refused by the rate limit: counted, not written (a flood must not fill the log).
    if (reply.statusCode === 429) return;
    const route = req.routeOptions.url ?? req.url.split('?')[0]!;
    const body = req.body as Record<string, unknown> | undefined;
    const tried = route === '/api/login' && typeof body?.username === 'string' ? body.username.slice(0, 100) : null;
    const params = req.params && typeof req.params === 'object' && Object.keys(req.params).length ? JSON.stringify(req.params).slice(0, 500) : null;
    audit.push({
      at: now(),
      actor: req.user?.username ?? o.keyActor(req) ?? tried ?? 'anonymous',
      role: req.user?.role ?? null,
      action: `${req.method} ${route}`.slice(0, 200),
      target: params,
      status: reply.statusCode,
      ip: req.ip ?? null,
      detail: auditDetail(body),
    });
  });

  // Retention: the audit log is kept AUDIT_RETENTION_DAYS (0: for ever), pruned daily.
  const pruner =
    config.auditRetentionDays > 0
      ? startPeriodic(
          () => pruneAudit(o.pool, now() - config.auditRetentionDays * 86_400_000).catch((err: Error) => o.onError(`audit log: pruning failed: ${err.message}`)),
          60_000,
          86_400_000,
        )
      : null;
  return {
    audit,
    rateLimited,
    async close() {
      await pruner?.stop();
      await audit.close();
    },
  };
}
