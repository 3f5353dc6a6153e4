// Customer behaviour: who contacts the utility, when, on which channel, about what. Each customer
// without power has a contact hazard λ(t) = m × shape(t − loss) × hour(t), where m depends on the
// customer (type, sensitivity, recent outages, a customer-side loss) and on what they were told (a
// notice, its restoration time, whether that time has passed). A contact instant is drawn by
// inverting the cumulative hazard; whenever m changes (a notice arrives, the ETR passes, they
// called once) the remaining time is drawn afresh from that instant, which is exact for a hazard
// model (it is memoryless in the cumulative hazard). shape × hour is the same for everyone who
// lost power at the same instant, so its integral is tabulated once per loss instant and each
// customer costs one binary search - a storm over a large network stays cheap.
import type { Channel, ContactMessage, ContactType, Customer, NetworkIndex, Rng } from '@gridwatch/shared';
import type { BehaviourParams } from './behaviour.ts';
import type { ContactCause, TruthRecord } from './truth.ts';

export interface CustomersContext {
  net: NetworkIndex;
  /** The behaviour's own random stream, so contacts never shift the field's noise. */
  rng: Rng;
  b: BehaviourParams;
  utcOffsetMs: number;
  startSimMs: number;
  /** Prefix of contact ids; distinct per run so contacts of two runs never collide. */
  idPrefix: string;
  schedule(atMs: number, task: () => void): void;
  contact(atMs: number, message: ContactMessage): void;
  truth(record: TruthRecord): void;
}

export interface Customers {
  /** The customer lost power because of `cause` (customer-side: only this customer). */
  dark(customer: Customer, atMs: number, cause: string, customerSide: boolean): void;
  live(customer: Customer, atMs: number): void;
  voltageStart(customers: readonly Customer[], atMs: number, event: string): void;
  voltageEnd(customers: readonly Customer[], event: string): void;
  /** A notice reached these customers; returns how many of them were without power. */
  notify(customerIds: readonly string[], atMs: number, etrMs: number | undefined): number;
  readonly contacts: number;
}

interface Notice {
  at: number;
  etr: number | undefined;
}

interface State {
  c: Customer;
  darkSince: number | null;
  cause: string;
  customerSide: boolean;
  /** Bumped whenever a drawn contact instant becomes stale. */
  token: number;
  contacts: number;
  repeatN: number;
  /** Starts of recent sustained outages. */
  history: number[];
  notice: Notice | null;
  voltage: string | null;
}

const H = 3_600_000;
const DAY = 24 * H;
/** Interruptions shorter than this are momentary (IEEE 1366: 5 min) and not remembered. */
const SUSTAINED_MS = 5 * 60_000;
/** An advance notice (planned outage) counts for a loss up to this long after it. */
const ADVANCE_NOTICE_MS = 7 * DAY;
const STEP_MS = 60_000;
/** Beyond this the hazard table ends: a customer who has not called in 2 days will not. */
const HORIZON_STEPS = 48 * 60;
const TABLE_CACHE = 512;

export const CONTACT_CATEGORIES = ['outage', 'voltage', 'billing', 'attitude', 'other'] as const;

// ---- the hazard model's pieces (pure; the evaluation's oracle uses the same ones) ------------

/** The contact hazard's shape `sinceMs` after the loss: ramps up, ebbs to a floor, grows when long. */
export function outageShape(o: BehaviourParams['outage'], sinceMs: number): number {
  const s = sinceMs / 1000;
  const ramp = Math.min(1, s / o.rampS);
  const wave = o.floor + (1 - o.floor) * Math.exp(-Math.max(0, s - o.rampS) / o.decayS);
  const growth = 1 + (o.growthPerHour * Math.max(0, s - o.growthAfterS)) / 3600;
  return ramp * wave * growth;
}

/** A customer's own factor: type and outage sensitivity. */
export const personalFactor = (b: BehaviourParams, c: Pick<Customer, 'type' | 'sensitive'>) => (b.type[c.type] ?? 1) * (c.sensitive ? b.sensitiveFactor : 1);

/**
 * Contacts per hour at the shape's peak for a customer without power who has not called and has
 * no notice: `repeatN` sustained outages in the memory window before this one.
 */
export const outageContactRate = (b: BehaviourParams, c: Pick<Customer, 'type' | 'sensitive'>, repeatN: number, customerSide: boolean) =>
  b.outage.peakPerHour * personalFactor(b, c) * Math.min(b.repeat.max, 1 + b.repeat.perOutage * repeatN) * (customerSide ? b.customerSide.factor : 1);

/** How long without power before a customer's first call is a complaint, not a report (ms). */
export const complaintAfterMs = (b: BehaviourParams, repeatN: number) =>
  1000 * (repeatN >= b.complaint.repeatMin ? Math.min(b.complaint.repeatAfterS, b.complaint.afterS) : b.complaint.afterS);

/** Chance of a complaint about repeated outages after the power is back, `recent` outages counting this one. */
export const postRestorationChance = (b: BehaviourParams, c: Pick<Customer, 'type' | 'sensitive'>, recent: number) =>
  recent < b.postRestoration.minRecent ? 0 : Math.min(b.postRestoration.max, b.postRestoration.perOutage * (recent - b.postRestoration.minRecent + 1) * personalFactor(b, c));

export function createCustomers(ctx: CustomersContext): Customers {
  const { rng, b } = ctx;
  const states = new Map<string, State>();
  let contactNo = 0;

  const state = (c: Customer): State => {
    let s = states.get(c.id);
    if (!s) {
      s = { c, darkSince: null, cause: '', customerSide: false, token: 0, contacts: 0, repeatN: 0, history: [], notice: null, voltage: null };
      states.set(c.id, s);
    }
    return s;
  };

  const localHour = (ms: number) => Math.floor((((ms + ctx.utcOffsetMs) / H) % 24 + 24) % 24);


  // Cumulative hazard (per unit multiplier, in hours) on a 1-minute grid from a loss instant.
  const tables = new Map<string, Float64Array>();
  const table = (kind: 'outage' | 'voltage', since: number): Float64Array => {
    const key = `${kind}${since}`;
    let g = tables.get(key);
    if (g) return g;
    g = new Float64Array(HORIZON_STEPS + 1);
    for (let k = 1; k <= HORIZON_STEPS; k++) {
      const mid = (k - 0.5) * STEP_MS;
      const shape = kind === 'outage' ? outageShape(b.outage, mid) : 1;
      g[k] = g[k - 1]! + (shape * b.hour[localHour(since + mid)]! * STEP_MS) / H;
    }
    if (tables.size >= TABLE_CACHE) tables.delete(tables.keys().next().value!);
    tables.set(key, g);
    return g;
  };

  /** Next contact instant after `from` for a hazard multiplier `m`, or Infinity. */
  const draw = (g: Float64Array, since: number, from: number, m: number): number => {
    if (!(m > 0)) return Infinity;
    const u = Math.max(0, (from - since) / STEP_MS);
    const k0 = Math.floor(u);
    if (k0 >= HORIZON_STEPS) return Infinity;
    const gFrom = g[k0]! + (g[k0 + 1]! - g[k0]!) * (u - k0);
    const target = gFrom - Math.log(1 - rng.next()) / m;
    if (target > g[HORIZON_STEPS]!) return Infinity;
    let [lo, hi] = [k0 + 1, HORIZON_STEPS];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    const span = g[lo]! - g[lo - 1]!;
    const frac = span > 0 ? (target - g[lo - 1]!) / span : 0;
    return Math.max(from, Math.round(since + (lo - 1 + frac) * STEP_MS));
  };

  const personal = (c: Customer) => personalFactor(b, c);

  const effectiveNotice = (s: State): Notice | null => {
    const n = s.notice;
    if (!n || s.darkSince === null) return null;
    if (n.at >= s.darkSince) return n;
    // Told ahead (a planned outage): it counts if it announced a restoration time after the loss.
    if (n.etr !== undefined && n.etr > s.darkSince && s.darkSince - n.at <= ADVANCE_NOTICE_MS) return n;
    return null;
  };

  const noticeFactor = (s: State, at: number) => {
    const n = effectiveNotice(s);
    if (!n) return 1;
    if (n.etr === undefined) return b.notice.withoutEtr;
    return at < n.etr ? b.notice.withEtr : b.notice.etrMissed;
  };

  const outageMultiplier = (s: State, at: number) => outageContactRate(b, s.c, s.repeatN, s.customerSide) * noticeFactor(s, at) * (s.contacts > 0 ? b.outage.followUpFactor : 1);

  const redraw = (s: State, from: number) => {
    const token = ++s.token;
    if (s.darkSince === null) return;
    const at = draw(table('outage', s.darkSince), s.darkSince, from, outageMultiplier(s, from));
    if (!Number.isFinite(at)) return;
    ctx.schedule(at, () => {
      if (s.token !== token || s.darkSince === null) return;
      s.contacts++;
      const notice = effectiveNotice(s);
      const type = outageCallType(s, at, notice);
      send(s.c, at, 'outage', type, { kind: 'outage', outage: s.cause }, notice !== null, (at - s.darkSince) / 1000, outageText(s, at, notice));
      redraw(s, at);
    });
  };

  // ---- contacts -------------------------------------------------------------------------------

  const channelOf = (c: Customer): Channel => {
    const preferred = (['app', 'wechat', 'hall'] as const).find((ch) => ch === c.channel);
    if (preferred) return rng.chance(b.channel.keepPreferred) ? preferred : 'hotline';
    return rng.chance(b.channel.hotlineDeviation) ? rng.pick(['app', 'wechat', 'hall'] as const) : 'hotline';
  };

  /** A first call reports the fault; an escalation is a complaint (see BehaviourParams.complaint). */
  const outageCallType = (s: State, at: number, notice: Notice | null): ContactType => {
    if (s.contacts > 1) return 'complaint';
    if (notice?.etr !== undefined && at >= notice.etr) return 'complaint';
    return at - s.darkSince! >= complaintAfterMs(b, s.repeatN) ? 'complaint' : 'report';
  };

  const send = (c: Customer, at: number, category: string, type: ContactType, cause: ContactCause, notified: boolean, sinceLossS: number | undefined, text: string) => {
    const id = `${ctx.idPrefix}c${++contactNo}`;
    const channel = channelOf(c);
    ctx.contact(at, { id, ts: new Date(at).toISOString(), channel, customer: c.id, category, type, text });
    ctx.truth({
      type: 'contact',
      id,
      at,
      customer: c.id,
      channel,
      category,
      contactType: type,
      cause,
      notified,
      ...(sinceLossS === undefined ? {} : { sinceLossS: Math.round(sinceLossS) }),
    });
  };

  const zh = () => rng.chance(b.textZhShare);
  const hhmm = (ms: number) => new Date(ms + ctx.utcOffsetMs).toISOString().slice(11, 16);

  const outageText = (s: State, at: number, notice: Notice | null): string => {
    const mins = Math.max(1, Math.round((at - s.darkSince!) / 60_000));
    const z = zh();
    if (notice?.etr !== undefined && at >= notice.etr) {
      return z ? `通知说${hhmm(notice.etr)}恢复供电，现在还没来电。` : `The notice said power would be back by ${hhmm(notice.etr)}. Still nothing.`;
    }
    if (s.contacts > 1) return z ? `已经打过电话了，停电${mins}分钟还没人处理！` : `I already called. ${mins} minutes without power and nobody has come.`;
    if (at - s.darkSince! >= b.complaint.afterS * 1000) {
      const hours = Math.floor(mins / 60);
      return z ? `停电${hours}个多小时了还没恢复，也没人说明情况，我要投诉！` : `Over ${hours} hours without power and no word from anyone. I want to file a complaint.`;
    }
    if (s.repeatN >= 2) {
      return z ? `最近已经停电${s.repeatN + 1}次了，又停电了，请彻底解决。` : `This is outage number ${s.repeatN + 1} recently. Please fix the line for good.`;
    }
    if (s.c.type === 'critical') return z ? '我们单位停电了，有重要负荷，情况紧急！' : 'Our facility has lost power and has critical loads. Urgent!';
    return rng.pick(
      z
        ? ['家里停电了，请问什么时候来电？', '我们这边停电了，是怎么回事？', `停电${mins}分钟了，还没来电，请尽快处理。`]
        : ['No power at home. When will it be back?', 'Our street has no power. What happened?', `No power for ${mins} minutes, please fix it.`],
    );
  };

  const BACKGROUND_TEXT: Record<string, [string[], string[]]> = {
    billing: [['这个月电费比上个月高很多，想核对一下。', '交了电费余额没有更新。'], ['My bill is much higher than last month.', 'I paid but my balance did not update.']],
    attitude: [['上次来的抢修人员态度不好。', '打了几次电话都没人回复。'], ['The crew last time was rude.', 'I called several times and nobody called back.']],
    other: [['想咨询新装电表怎么办理。', '想申请增容。'], ['How do I apply for a new connection?', 'I want to increase my contracted capacity.']],
  };

  // ---- background contacts: thinned Poisson process over all customers -------------------------

  const customers = ctx.net.network.customers;
  const categories = Object.entries(b.background.categories).filter(([, w]) => w > 0);
  const weightSum = categories.reduce((a, [, w]) => a + w, 0);
  const hourMax = Math.max(...b.hour);
  const ratePerMs = (customers.length * b.background.perCustomerPerDay * hourMax) / DAY;
  if (ratePerMs > 0 && weightSum > 0 && hourMax > 0) {
    const next = (from: number) => {
      const at = Math.round(from + rng.exp(1 / ratePerMs));
      ctx.schedule(at, () => {
        if (rng.chance(b.hour[localHour(at)]! / hourMax)) {
          const c = rng.pick(customers);
          let r = rng.next() * weightSum;
          const category = categories.find(([, w]) => (r -= w) < 0)?.[0] ?? categories[0]![0];
          const [zhTexts, enTexts] = BACKGROUND_TEXT[category]!;
          send(c, at, category, category === 'attitude' ? 'complaint' : 'enquiry', { kind: 'background' }, false, undefined, rng.pick(zh() ? zhTexts : enTexts));
        }
        next(at);
      });
    };
    next(ctx.startSimMs);
  }

  return {
    get contacts() {
      return contactNo;
    },

    dark(c, at, cause, customerSide) {
      const s = state(c);
      if (s.darkSince !== null) return;
      s.darkSince = at;
      s.cause = cause;
      s.customerSide = customerSide;
      s.contacts = 0;
      const windowStart = at - b.repeat.windowDays * DAY;
      s.history = s.history.filter((t) => t >= windowStart);
      s.repeatN = s.history.length;
      redraw(s, at);
    },

    live(c, at) {
      const s = states.get(c.id);
      if (!s || s.darkSince === null) return;
      const since = s.darkSince;
      s.darkSince = null;
      s.token++;
      if (at - since < SUSTAINED_MS) return;
      s.history.push(since);
      const recent = s.history.length;
      if (recent < b.postRestoration.minRecent) return;
      if (!rng.chance(postRestorationChance(b, c, recent))) return;
      const when = Math.round(at + rng.exp(b.postRestoration.meanDelayS * 1000));
      const cause = s.cause;
      ctx.schedule(when, () => {
        const z = zh();
        const text = z ? `最近停电${recent}次了，来电了也不放心，要求给个说法！` : `${recent} outages recently. Power is back but I want an explanation.`;
        send(c, when, 'outage', 'complaint', { kind: 'repeat-outage', outage: cause }, false, undefined, text);
      });
    },

    voltageStart(list, at, event) {
      const g = table('voltage', at);
      for (const c of list) {
        const s = state(c);
        s.voltage = event;
        const t = draw(g, at, at, b.voltage.perHour * personal(c));
        if (!Number.isFinite(t)) continue;
        ctx.schedule(t, () => {
          if (s.voltage !== event) return;
          const text = rng.pick(
            zh()
              ? ['电压太低，灯一直闪，空调启动不了。', '家里电压不稳，电器用不了。', '晚上电压低，热水器都烧不热。']
              : ['The voltage is very low: lights flicker and the air conditioner will not start.', 'Low voltage again, my appliances do not work.'],
          );
          send(c, t, 'voltage', 'report', { kind: 'voltage', event }, false, undefined, text);
        });
      }
    },

    voltageEnd(list, event) {
      for (const c of list) {
        const s = states.get(c.id);
        if (s?.voltage === event) s.voltage = null;
      }
    },

    notify(ids, at, etr) {
      const notice: Notice = { at, etr };
      let reached = 0;
      const listed: State[] = [];
      for (const id of ids) {
        const c = ctx.net.customer.get(id);
        if (!c) continue;
        const s = state(c);
        s.notice = notice;
        listed.push(s);
        if (s.darkSince !== null) {
          reached++;
          redraw(s, at);
        }
      }
      // When the announced time passes without power, patience runs out.
      if (etr !== undefined && etr > at) {
        ctx.schedule(etr, () => {
          for (const s of listed) if (s.notice === notice && s.darkSince !== null) redraw(s, etr);
        });
      }
      return reached;
    },
  };
}
