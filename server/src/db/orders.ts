// Persistence of the work orders: the desk's document per order plus the columns lists and KPIs
// select on, and one row per attached contact (idempotent intake, repeat detection).
import type { Channel, OrderDto, OrderList, OrderStatus } from '@gridwatch/shared';
import type { ComplaintMark, ContactIn } from '../orders/desk.ts';
import { transaction, type Pool } from './pool.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Upserts orders and their contact rows in one transaction. */
export async function saveOrders(pool: Pool, orders: readonly OrderDto[]): Promise<void> {
  if (orders.length === 0) return;
  // One row per contact: a merged order and the order it joined both list the moved contacts.
  const contacts = [...new Map(orders.flatMap((o) => o.contactList.map((c) => [c.id, { c, order: o }] as const))).values()];
  await transaction(pool, async (client) => {
    await client.query(
      `INSERT INTO work_orders (id, created_at, updated_at, category, status, channel, customer, transformer, grid, team, outage_id, deadline, overdue, supervision, closed_at, merged_into, doc)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                            $11::text[], $12::timestamptz[], $13::bool[], $14::text[], $15::timestamptz[], $16::text[], $17::jsonb[])
       ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at, category = EXCLUDED.category, status = EXCLUDED.status, team = EXCLUDED.team,
         outage_id = EXCLUDED.outage_id, deadline = EXCLUDED.deadline, overdue = EXCLUDED.overdue, supervision = EXCLUDED.supervision,
         closed_at = EXCLUDED.closed_at, merged_into = EXCLUDED.merged_into, doc = EXCLUDED.doc`,
      [
        orders.map((o) => o.id), orders.map((o) => iso(o.createdAt)), orders.map((o) => iso(o.updatedAt)), orders.map((o) => o.category),
        orders.map((o) => o.status), orders.map((o) => o.channel), orders.map((o) => o.customer), orders.map((o) => o.transformer),
        orders.map((o) => o.grid), orders.map((o) => o.team), orders.map((o) => o.outageId), orders.map((o) => iso(o.deadline)),
        orders.map((o) => o.overdue), orders.map((o) => o.supervision), orders.map((o) => iso(o.closedAt)), orders.map((o) => o.mergedInto),
        orders.map((o) => JSON.stringify(o)),
      ],
    );
    // A merged order's contacts move to the order they joined.
    await client.query(
      `INSERT INTO work_order_contacts (contact_id, order_id, ts, customer, transformer, type)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (contact_id) DO UPDATE SET order_id = EXCLUDED.order_id WHERE work_order_contacts.order_id <> EXCLUDED.order_id`,
      [
        contacts.map((x) => x.c.id), contacts.map((x) => x.order.mergedInto ?? x.order.id), contacts.map((x) => iso(x.c.at)), contacts.map((x) => x.c.customer),
        contacts.map((x) => x.order.transformer), contacts.map((x) => x.c.type),
      ],
    );
  });
}

/** What the desk needs after a restart: open orders, those closed recently, and 90 days of complaints. */
export async function loadDesk(pool: Pool, now: number, keepClosedMs: number, contactsMs: number): Promise<{ orders: OrderDto[]; complaints: ComplaintMark[]; contacts: [string, number][] }> {
  const orders = await pool.query<{ doc: OrderDto }>(`SELECT doc FROM work_orders WHERE status <> 'closed' OR closed_at >= $1 ORDER BY created_at`, [iso(now - keepClosedMs)]);
  const complaints = await pool.query<{ order_id: string; customer: string; transformer: string | null; ts: number }>(
    `SELECT order_id, customer, transformer, ts FROM work_order_contacts WHERE type = 'complaint' AND ts >= $1`,
    [iso(now - 91 * 86_400_000)],
  );
  const contacts = await pool.query<{ contact_id: string; ts: number }>('SELECT contact_id, ts FROM work_order_contacts WHERE ts >= $1', [iso(now - contactsMs)]);
  return {
    orders: orders.rows.map((r) => r.doc),
    contacts: contacts.rows.map((r) => [r.contact_id, r.ts]),
    complaints: complaints.rows.map((r) => ({ order: r.order_id, customer: r.customer, transformer: r.transformer ?? '', at: r.ts })),
  };
}

export interface OrderQuery {
  status?: 'open' | OrderStatus;
  category?: string;
  team?: string;
  grid?: string;
  channel?: string;
  customer?: string;
  /** Orders about this outage (their `outage_id`). */
  outage?: string;
  list?: OrderList;
  from?: number;
  to?: number;
  limit?: number;
}

/** Orders for lists, newest first (merged orders left out). */
export async function queryOrders(pool: Pool, q: OrderQuery): Promise<{ orders: OrderDto[]; total: number }> {
  const where: string[] = ['merged_into IS NULL'];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (q.status === 'open') where.push(`status <> 'closed'`);
  else if (q.status) add('status = ?', q.status);
  if (q.category) add('category = ?', q.category);
  if (q.team) add('team = ?', q.team);
  if (q.grid) add('grid = ?', q.grid);
  if (q.channel) add('channel = ?', q.channel);
  if (q.customer) add('customer = ?', q.customer);
  if (q.outage) add('outage_id = ?', q.outage);
  if (q.from !== undefined) add('created_at >= ?', iso(q.from));
  if (q.to !== undefined) add('created_at < ?', iso(q.to));
  if (q.list === 'repeat') where.push(`(doc->>'repeatCustomer' IS NOT NULL OR doc->>'repeatArea' IS NOT NULL)`);
  if (q.list === 'abnormal') where.push(`(overdue OR (doc->>'reopened')::int > 0)`);
  if (q.list === 'low-satisfaction') where.push(`(doc->>'score')::int < 4`);
  const cond = where.join(' AND ');
  const total = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM work_orders WHERE ${cond}`, args);
  args.push(q.limit ?? 200);
  const r = await pool.query<{ doc: OrderDto }>(`SELECT doc FROM work_orders WHERE ${cond} ORDER BY created_at DESC LIMIT $${args.length}`, args);
  return { orders: r.rows.map((x) => x.doc), total: total.rows[0]?.n ?? 0 };
}

/** The order a contact went into (the one it joined, if its own was merged). */
/**
 * Contacts stored since `since` that joined no work order: a process killed between committing
 * a contact (and acknowledging its message) and storing its order leaves these behind.
 */
export async function contactsWithoutOrder(pool: Pool, since: number, limit = 10_000): Promise<ContactIn[]> {
  const r = await pool.query<{ id: string; at: string; customer: string; channel: Channel; category: string; type: string | null; text: string | null }>(
    `SELECT c.id, (extract(epoch FROM c.ts) * 1000)::float8 AS at, c.customer, c.channel, c.category, c.type, c.text
     FROM contacts c LEFT JOIN work_order_contacts w ON w.contact_id = c.id
     WHERE c.ts >= to_timestamp($1 / 1000.0) AND w.contact_id IS NULL
     ORDER BY c.ts LIMIT $2`,
    [since, limit],
  );
  return r.rows.map((c) => ({ ...c, at: Number(c.at) }));
}

export async function orderOfContact(pool: Pool, contactId: string): Promise<OrderDto | null> {
  const r = await pool.query<{ doc: OrderDto }>('SELECT o.doc FROM work_order_contacts c JOIN work_orders o ON o.id = c.order_id WHERE c.contact_id = $1', [contactId]);
  return r.rows[0]?.doc ?? null;
}

export async function getOrder(pool: Pool, id: string): Promise<OrderDto | null> {
  const r = await pool.query<{ doc: OrderDto }>('SELECT doc FROM work_orders WHERE id = $1', [id]);
  return r.rows[0]?.doc ?? null;
}

/** Orders created in [from, to) for the KPIs. */
export async function ordersBetween(pool: Pool, from: number, to: number): Promise<OrderDto[]> {
  const r = await pool.query<{ doc: OrderDto }>('SELECT doc FROM work_orders WHERE created_at >= $1 AND created_at < $2 AND merged_into IS NULL', [iso(from), iso(to)]);
  return r.rows.map((x) => x.doc);
}

/** Planned outages starting in [from, to), not cancelled, and those announced under `noticeDays` ahead. */
export async function plannedAnnouncements(pool: Pool, from: number, to: number, noticeDays: number): Promise<{ outages: number; announcedLate: number }> {
  const r = await pool.query<{ n: number; late: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE starts_at - announced_at < make_interval(secs => $3))::int AS late
     FROM planned_outages WHERE NOT cancelled AND starts_at >= $1 AND starts_at < $2`,
    [iso(from), iso(to), noticeDays * 86_400],
  );
  return { outages: r.rows[0]?.n ?? 0, announcedLate: r.rows[0]?.late ?? 0 };
}

/** The meter's latest readings at or before `at` (newest first). */
export async function latestReadings(pool: Pool, meter: string, at: number, n = 2): Promise<{ at: number; v: number | null }[]> {
  const r = await pool.query<{ ts: number; v: number | null }>('SELECT ts, v FROM readings WHERE meter = $1 AND ts <= $2 ORDER BY ts DESC LIMIT $3', [meter, iso(at + 60_000), n]);
  return r.rows.map((x) => ({ at: x.ts, v: x.v }));
}

/** The meter's voltage over [at - windowMs, at]: how many readings, how many outside [lo, hi]. */
export async function voltageSummary(pool: Pool, meter: string, at: number, windowMs: number, lo: number, hi: number) {
  const r = await pool.query<{ n: number; outside: number; min: number | null; max: number | null }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE v < $4 OR v > $5)::int AS outside, min(v) AS min, max(v) AS max
     FROM readings WHERE meter = $1 AND ts > $2 AND ts <= $3 AND v IS NOT NULL`,
    [meter, iso(at - windowMs), iso(at + 60_000), lo, hi],
  );
  const x = r.rows[0]!;
  return { readings: x.n, outside: x.outside, min: x.min, max: x.max, lo, hi };
}
