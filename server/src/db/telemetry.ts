// Batched telemetry writes. Every insert is multi-row (`unnest` of column arrays) and idempotent
// on the natural key, so a redelivered message never adds a row; the returned count is the number
// of rows really added.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Pool } from './pool.ts';

export interface ReadingRow { ts: number; meter: string; kwh: number; v: number | null; i: number | null }
export interface MeterEventRow { ts: number; device: string; code: string; kind: string; transformer: string; seq: number | null }
export interface FaultEventRow { ts: number; device: string; kind: string; feeder: string; phase: string | null; currentA: number | null }
export interface ContactRow { id: string; ts: number; channel: string; customer: string; category: string; type: string | null; text: string | null }
export interface PlannedRow { id: string; device: string; startsAt: number; endsAt: number; reason: string | null; cancelled: boolean; announcedAt: number }
export interface DeadLetterRow { receivedAt: number; source: string; topic: string | null; reason: string; payload: string | null; payloadBytes: number }

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertReadings(pool: Pool, rows: readonly ReadingRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO readings (ts, meter, kwh, v, i)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::float8[], $4::real[], $5::real[])
     ON CONFLICT DO NOTHING`,
    [rows.map((x) => iso(x.ts)), rows.map((x) => x.meter), rows.map((x) => x.kwh), rows.map((x) => x.v), rows.map((x) => x.i)],
  );
  return r.rowCount ?? 0;
}

/** COPY text needs these escaped; ids are validated to `[A-Za-z0-9_.:-]`, so this is a guard. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const copyText = (s: string) => (COPY_SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s);
const copyNum = (x: number | null) => (x === null ? '\\N' : String(x));

/**
 * Readings by COPY, the fastest way into PostgreSQL: one text stream, no parameter arrays, the
 * ISO time formatted once per message rather than per row. COPY cannot skip duplicates, so a
 * batch holding a row already stored (a redelivery) fails whole with unique_violation; the caller
 * then writes it again with `insertReadings`, which skips them.
 */
export async function copyReadings(pool: Pool, rows: readonly ReadingRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  let text = '';
  let lastTs = NaN;
  let at = '';
  for (const r of rows) {
    if (r.ts !== lastTs) {
      lastTs = r.ts;
      at = iso(r.ts);
    }
    text += `${at}\t${copyText(r.meter)}\t${r.kwh}\t${copyNum(r.v)}\t${copyNum(r.i)}\n`;
  }
  const client = await pool.connect();
  try {
    const stream = client.query(copyFrom('COPY readings (ts, meter, kwh, v, i) FROM STDIN'));
    await pipeline(Readable.from([text]), stream);
    return stream.rowCount;
  } finally {
    client.release();
  }
}

/** Writes readings by COPY while that works, by INSERT … ON CONFLICT for a while after a batch held duplicates. */
export function readingsWriter(pool: Pool, useCopy: boolean, onConflictBatches = 20): (rows: readonly ReadingRow[]) => Promise<number> {
  let insertFor = 0;
  return async (rows) => {
    if (!useCopy || insertFor > 0) {
      if (insertFor > 0) insertFor--;
      return insertReadings(pool, rows);
    }
    try {
      return await copyReadings(pool, rows);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      insertFor = onConflictBatches;
      return insertReadings(pool, rows);
    }
  };
}

export async function insertMeterEvents(pool: Pool, rows: readonly MeterEventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO meter_events (ts, device, code, kind, transformer, seq)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])
     ON CONFLICT DO NOTHING`,
    [rows.map((x) => iso(x.ts)), rows.map((x) => x.device), rows.map((x) => x.code), rows.map((x) => x.kind), rows.map((x) => x.transformer), rows.map((x) => x.seq)],
  );
  return r.rowCount ?? 0;
}

export async function insertFaultEvents(pool: Pool, rows: readonly FaultEventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO fault_events (ts, device, kind, feeder, phase, current_a)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])
     ON CONFLICT DO NOTHING`,
    [rows.map((x) => iso(x.ts)), rows.map((x) => x.device), rows.map((x) => x.kind), rows.map((x) => x.feeder), rows.map((x) => x.phase), rows.map((x) => x.currentA)],
  );
  return r.rowCount ?? 0;
}

export async function insertContacts(pool: Pool, rows: readonly ContactRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO contacts (id, ts, channel, customer, category, text, type)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
     ON CONFLICT (id) DO NOTHING`,
    [rows.map((x) => x.id), rows.map((x) => iso(x.ts)), rows.map((x) => x.channel), rows.map((x) => x.customer), rows.map((x) => x.category), rows.map((x) => x.text), rows.map((x) => x.type)],
  );
  return r.rowCount ?? 0;
}

/** Upserts planned outages by id; within one batch the last message for an id wins. */
export async function upsertPlanned(pool: Pool, input: readonly PlannedRow[]): Promise<number> {
  const rows = [...new Map(input.map((r) => [r.id, r])).values()];
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO planned_outages (id, device, starts_at, ends_at, reason, cancelled, announced_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::bool[], $7::timestamptz[])
     ON CONFLICT (id) DO UPDATE SET device = EXCLUDED.device, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
       reason = EXCLUDED.reason, cancelled = EXCLUDED.cancelled, announced_at = EXCLUDED.announced_at, updated_at = now()
     WHERE planned_outages.announced_at <= EXCLUDED.announced_at`,
    [rows.map((x) => x.id), rows.map((x) => x.device), rows.map((x) => iso(x.startsAt)), rows.map((x) => iso(x.endsAt)), rows.map((x) => x.reason), rows.map((x) => x.cancelled), rows.map((x) => iso(x.announcedAt))],
  );
  return r.rowCount ?? 0;
}

/** Planned windows not yet over (and not cancelled), for the outage engine at start. */
export async function loadPlanned(pool: Pool, now: number): Promise<{ id: string; device: string; startsAt: number; endsAt: number; cancelled: boolean }[]> {
  const r = await pool.query<{ id: string; device: string; starts_at: number; ends_at: number }>(
    'SELECT id, device, starts_at, ends_at FROM planned_outages WHERE NOT cancelled AND ends_at >= $1',
    [iso(now - 86_400_000)],
  );
  return r.rows.map((x) => ({ id: x.id, device: x.device, startsAt: x.starts_at, endsAt: x.ends_at, cancelled: false }));
}

export async function insertDeadLetters(pool: Pool, rows: readonly DeadLetterRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query(
    `INSERT INTO dead_letters (received_at, source, topic, reason, payload, payload_bytes)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[])`,
    [rows.map((x) => iso(x.receivedAt)), rows.map((x) => x.source), rows.map((x) => x.topic), rows.map((x) => x.reason), rows.map((x) => x.payload), rows.map((x) => x.payloadBytes)],
  );
  return r.rowCount ?? 0;
}

/** Rows in `readings` at start: exact when small, the planner's estimate when large. */
export async function countReadings(pool: Pool, timescaledb: boolean): Promise<number> {
  const estimate = timescaledb
    ? await pool.query<{ n: number }>(`SELECT approximate_row_count('readings')::int8 AS n`)
    : await pool.query<{ n: number }>(`SELECT reltuples::int8 AS n FROM pg_class WHERE relname = 'readings'`);
  const n = Number(estimate.rows[0]?.n ?? -1);
  if (n >= 0 && n > 2_000_000) return n;
  const exact = await pool.query<{ n: number }>('SELECT count(*)::int8 AS n FROM readings');
  return Number(exact.rows[0]?.n ?? 0);
}
