// The MQTT access rules of docker/mosquitto/acl as a table, and a suite that runs it against a
// broker over the wire. mqttAcl.test.ts runs the table against the rule module and the suite
// against the embedded aedes broker; mqttAcl.real.test.ts runs the suite against a real
// Mosquitto with the same files, so the three agree or a test fails.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const ACL_FILE = new URL('../../docker/mosquitto/acl', import.meta.url).pathname;

/** The accounts of the suite: every role of the ACL, two station areas and a feeder. */
export const USERS = ['T000018', 'T000019', 'F0101', 'gridwatch', 'headend', 'simulator', 'intake', 'planning', 'notices'] as const;
export type User = (typeof USERS)[number];
export const password = (user: string) => `pw-${user}-0123456789`;

const P = 'gw/v1';
const T = {
  readings: (t: string) => `${P}/ami/${t}/readings`,
  events: (t: string) => `${P}/ami/${t}/events`,
  faults: (f: string) => `${P}/da/${f}/faults`,
  contacts: `${P}/service/contacts`,
  planned: `${P}/oms/planned`,
  notice: `${P}/notify/outage/O-1`,
};

export interface Case {
  user: User;
  access: 'read' | 'write';
  topic: string;
  allowed: boolean;
  note?: string;
}

const w = (user: User, topic: string, allowed: boolean, note?: string): Case => ({ user, access: 'write', topic, allowed, note });
const r = (user: User, topic: string, allowed: boolean, note?: string): Case => ({ user, access: 'read', topic, allowed, note });

export const CASES: Case[] = [
  // A concentrator: its own station area, nothing else; reads nothing.
  w('T000018', T.readings('T000018'), true),
  w('T000018', T.events('T000018'), true),
  w('T000018', T.readings('T000019'), false, 'another station area'),
  w('T000018', T.events('T000019'), false, 'another station area'),
  w('T000018', T.notice, false, 'only GridWatch sends notices'),
  w('T000018', T.contacts, false),
  w('T000018', T.planned, false),
  w('T000018', T.faults('F0101'), false),
  w('T000018', `${P}/ami/T000018/other`, false, 'outside the contract'),
  w('T000018', `${P}/ami/T000018/readings/extra`, false, 'outside the contract'),
  w('T000018', `${P}/ami/T000018`, false, 'outside the contract'),
  w('T000018', `${P}/ami//readings`, false, 'empty station area'),
  w('T000018', `gw/v2/ami/T000018/readings`, false, 'another prefix'),
  r('T000018', T.readings('T000018'), false, 'devices read nothing'),
  r('T000018', T.readings('T000019'), false, "another area's data"),
  r('T000018', T.notice, false),
  // Distribution automation, signed in as its feeder.
  w('F0101', T.faults('F0101'), true),
  w('F0101', T.faults('F0102'), false, 'another feeder'),
  w('F0101', T.readings('T000018'), false, 'DA may not publish AMI data'),
  w('F0101', T.events('T000018'), false, 'DA may not publish AMI data'),
  w('F0101', T.notice, false),
  r('F0101', T.faults('F0101'), false),
  // What the patterns also allow, by design (docker/mosquitto/acl): each names no real station
  // area or feeder (ids of the two kinds differ), and ingest dead-letters it.
  w('F0101', T.readings('F0101'), true, 'pattern: "station area" F0101 does not exist'),
  w('T000018', T.faults('T000018'), true, 'pattern: "feeder" T000018 does not exist'),
  // GridWatch: reads the contract, is the only one to send notices.
  w('gridwatch', T.notice, true),
  w('gridwatch', `${P}/notify/outage/O-2/update`, true),
  w('gridwatch', `${P}/notify`, true, 'notify/# includes its parent'),
  w('gridwatch', T.readings('T000018'), false),
  w('gridwatch', T.contacts, false),
  r('gridwatch', T.readings('T000018'), true),
  r('gridwatch', T.events('T000019'), true),
  r('gridwatch', T.faults('F0101'), true),
  r('gridwatch', T.contacts, true),
  r('gridwatch', T.planned, true),
  r('gridwatch', T.notice, false),
  // A head-end: every area and feeder, contacts and planned outages; never notices.
  w('headend', T.readings('T000019'), true),
  w('headend', T.events('T000018'), true),
  w('headend', T.faults('F0102'), true),
  w('headend', T.contacts, true),
  w('headend', T.planned, true),
  w('headend', T.notice, false),
  r('headend', T.notice, false),
  r('headend', T.readings('T000018'), false),
  // The simulator: a head-end that also receives the notices (it plays the customers).
  w('simulator', T.readings('T000018'), true),
  w('simulator', T.faults('F0101'), true),
  w('simulator', T.notice, false),
  r('simulator', T.notice, true),
  r('simulator', T.readings('T000018'), false),
  // Integrations with one job each.
  w('intake', T.contacts, true),
  w('intake', T.readings('T000018'), false),
  w('intake', T.notice, false),
  r('intake', T.contacts, false),
  w('planning', T.planned, true),
  w('planning', T.contacts, false),
  w('notices', T.notice, false),
  r('notices', T.notice, true),
  r('notices', T.readings('T000018'), false),
  // Nobody writes or reads the broker's own topics.
  w('gridwatch', '$SYS/broker/uptime', false),
  w('headend', '$SYS/x', false),
];

// ---- the suite over the wire ----

export interface BrokerUnderTest {
  url: string;
  /** Publishes once at QoS 1 as this user; true when the broker denied it (how it knows is its own affair). */
  publishDenied(user: User, topic: string): Promise<boolean>;
}

let seq = 0;
export async function connectAs(url: string, user: string | null, extra: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `acl-${user ?? 'anon'}-${process.pid}-${seq++}`,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...(user ? { username: user, password: password(user) } : {}),
    ...extra,
  });
}

/** Messages received per topic, with a way to wait for one. */
function collect(client: MqttClient): { got: (topic: string) => string[]; until: (topic: string, text: string, ms?: number) => Promise<void> } {
  const seen = new Map<string, string[]>();
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload) => {
    seen.set(topic, [...(seen.get(topic) ?? []), payload.toString()]);
    for (const w of waiters.splice(0)) w();
  });
  const got = (topic: string) => seen.get(topic) ?? [];
  return {
    got,
    async until(topic, text, ms = 5_000) {
      const end = Date.now() + ms;
      while (!got(topic).includes(text)) {
        if (Date.now() > end) throw new Error(`"${text}" did not arrive on ${topic} within ${ms} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/** A message that should not arrive is given this long after one sent later did arrive. */
const GRACE_MS = 300;

export function brokerSecuritySuite(name: string, broker: () => BrokerUnderTest): void {
  describe(`MQTT security on ${name}`, () => {
    const clients = new Map<User, MqttClient>();
    const as = (u: User) => clients.get(u)!;

    beforeAll(async () => {
      for (const u of USERS) clients.set(u, await connectAs(broker().url, u));
    });
    afterAll(async () => {
      await Promise.all([...clients.values()].map((c) => c.endAsync()));
    });

    it('refuses clients without a username, with an unknown one or a wrong password (CONNACK 5, not authorized)', async () => {
      for (const opts of [{}, { username: 'nobody', password: 'x' }, { username: 'gridwatch', password: 'wrong' }, { username: 'gridwatch' }]) {
        const err = await mqtt.connectAsync(broker().url, { clientId: `acl-refused-${seq++}`, reconnectPeriod: 0, connectTimeout: 5_000, ...opts }).then(
          async (c) => {
            await c.endAsync();
            return null;
          },
          (e: Error & { code?: number }) => e,
        );
        expect(err, JSON.stringify({ ...opts, password: opts.password ? '***' : undefined })).not.toBeNull();
        expect(err!.code).toBe(5);
      }
    });

    it('allows and denies each publish of the table as the ACL says', async () => {
      const wrong: string[] = [];
      for (const c of CASES.filter((x) => x.access === 'write')) {
        const denied = await broker().publishDenied(c.user, c.topic);
        if (denied === c.allowed) wrong.push(`${c.user} write ${c.topic}: ${denied ? 'denied' : 'allowed'}, expected ${c.allowed ? 'allowed' : 'denied'}`);
      }
      expect(wrong).toEqual([]);
    });

    it('delivers a message only to subscribers that may read it, whatever they subscribed to', async () => {
      const reads = CASES.filter((x) => x.access === 'read' && !x.topic.startsWith('$'));
      // Each reader gets a fresh connection subscribed to `#`, the widest filter (granted: the
      // broker filters message by message); a writer allowed to publish each topic sends a token.
      const readers = await Promise.all(reads.map(async (c) => {
        const client = await connectAs(broker().url, c.user);
        const box = collect(client);
        await client.subscribeAsync(['#', c.topic], { qos: 1 });
        return { c, client, box };
      }));
      const writerOf = (topic: string): User => (topic.includes('/notify/') ? 'gridwatch' : 'headend');
      const token = `read-${Date.now()}`;
      for (const topic of new Set(reads.map((c) => c.topic))) await as(writerOf(topic)).publishAsync(topic, token, { qos: 1 });
      // The allowed deliveries arrive; then the others have had their chance.
      for (const x of readers.filter((x) => x.c.allowed)) await x.box.until(x.c.topic, token);
      await new Promise((r) => setTimeout(r, GRACE_MS));
      const wrong = readers
        .filter((x) => x.box.got(x.c.topic).includes(token) !== x.c.allowed)
        .map((x) => `${x.c.user} read ${x.c.topic}: ${x.c.allowed ? 'not delivered' : 'delivered'}`);
      await Promise.all(readers.map((x) => x.client.endAsync()));
      expect(wrong).toEqual([]);
    });

    it("a concentrator's own readings reach GridWatch; its readings for another area and its notices do not", async () => {
      const server = await connectAs(broker().url, 'gridwatch');
      const customers = await connectAs(broker().url, 'notices');
      const atServer = collect(server);
      const atCustomers = collect(customers);
      await server.subscribeAsync([`${P}/ami/+/readings`, `${P}/ami/+/events`], { qos: 1 });
      await customers.subscribeAsync(`${P}/notify/#`, { qos: 1 });
      const t = `${Date.now()}`;
      const concentrator = as('T000018');
      // All three are acknowledged: the broker does not tell a 3.1.1 client it was refused.
      await concentrator.publishAsync(T.readings('T000019'), `forged-${t}`, { qos: 1 });
      await concentrator.publishAsync(T.notice, `fake-notice-${t}`, { qos: 1 });
      await concentrator.publishAsync(T.readings('T000018'), `own-${t}`, { qos: 1 });
      await atServer.until(T.readings('T000018'), `own-${t}`);
      // A notice GridWatch sends after the fake one arrives; the fake one has had its chance.
      await as('gridwatch').publishAsync(T.notice, `real-notice-${t}`, { qos: 1 });
      await atCustomers.until(T.notice, `real-notice-${t}`);
      await new Promise((r) => setTimeout(r, GRACE_MS));
      expect(atServer.got(T.readings('T000019'))).not.toContain(`forged-${t}`);
      expect(atCustomers.got(T.notice)).toEqual([`real-notice-${t}`]);
      await Promise.all([server.endAsync(), customers.endAsync()]);
    });

    it('a DA device cannot publish AMI data, and nobody but GridWatch can publish a notice', async () => {
      const server = await connectAs(broker().url, 'gridwatch');
      const customers = await connectAs(broker().url, 'simulator');
      const atServer = collect(server);
      const atCustomers = collect(customers);
      await server.subscribeAsync([`${P}/ami/+/events`, `${P}/da/+/faults`], { qos: 1 });
      await customers.subscribeAsync(`${P}/notify/#`, { qos: 1 });
      const t = `${Date.now()}`;
      await as('F0101').publishAsync(T.events('T000018'), `da-as-ami-${t}`, { qos: 1 });
      for (const u of USERS.filter((u) => u !== 'gridwatch')) await as(u).publishAsync(T.notice, `by-${u}-${t}`, { qos: 1 });
      await as('F0101').publishAsync(T.faults('F0101'), `fault-${t}`, { qos: 1 });
      await as('gridwatch').publishAsync(T.notice, `by-gridwatch-${t}`, { qos: 1 });
      await atServer.until(T.faults('F0101'), `fault-${t}`);
      await atCustomers.until(T.notice, `by-gridwatch-${t}`);
      await new Promise((r) => setTimeout(r, GRACE_MS));
      expect(atServer.got(T.events('T000018'))).toEqual([]);
      expect(atCustomers.got(T.notice)).toEqual([`by-gridwatch-${t}`]);
      await Promise.all([server.endAsync(), customers.endAsync()]);
    });

    it('keeps the denied retained message out of later subscriptions too', async () => {
      const topic = T.readings('T000019');
      await as('T000018').publishAsync(topic, 'forged-retained', { qos: 1, retain: true });
      const server = await connectAs(broker().url, 'gridwatch');
      const box = collect(server);
      await server.subscribeAsync(topic, { qos: 1 });
      await as('headend').publishAsync(topic, 'after', { qos: 1 });
      await box.until(topic, 'after');
      expect(box.got(topic)).toEqual(['after']);
      await server.endAsync();
    });
  });
}
