// Test data for the wall's unit tests (never imported by the app).
import type { AlertDto, Kpis, OrderBrief, OrderDto, OutageDto, ServiceKpis, ServiceSummary, Snapshot } from '@gridwatch/shared';

/** A confirmed, active station-area outage; `patch` overrides any field. */
export function outage(id: string, patch: Partial<OutageDto> = {}): OutageDto {
  return {
    id,
    status: 'confirmed',
    level: 'transformer',
    device: `T-${id}`,
    feeder: 'F0101',
    transformers: [`T-${id}`],
    customers: 20,
    startedAt: 1_000_000,
    detectedAt: 1_000_000,
    restoredAt: null,
    lon: 121.4,
    lat: 37.4,
    evidence: [],
    parentId: null,
    etr: null,
    faultSection: null,
    steps: [],
    restored: [],
    ...patch,
  };
}

export function kpis(at: number, patch: Partial<Kpis> = {}): Kpis {
  return {
    at,
    messagesPerSec: 10,
    readingsPerSec: 8,
    readingsStored: 1000,
    deadLetters: 0,
    activeOutages: 0,
    customersOut: 0,
    customersServed: 1000,
    saifiMonth: 0,
    saidiMonth: 0,
    ...patch,
  };
}

/** An open complaint-risk alert on outage `outageId` (id `al-<outageId>`, as the server names them). */
export function alert(outageId: string, patch: Partial<AlertDto> = {}): AlertDto {
  return {
    id: `al-${outageId}`,
    outageId,
    status: 'open',
    severity: 'warning',
    raisedAt: 1_900_000,
    updatedAt: 1_900_000,
    probability: 0.6,
    expected: 1.2,
    customers: 20,
    reasons: [
      { feature: 'elapsed.1-2h', weight: 0.8, value: 'yes' },
      { feature: 'sensitive', weight: 0.4, value: '3 of 20' },
    ],
    atRisk: [{ customer: 'C-1', p: 0.3, type: 'residential', sensitive: true }],
    suggested: ['notify'],
    escalation: 'officer',
    flooded: false,
    steps: [{ at: 1_900_000, status: 'open', by: 'system' }],
    actions: [],
    priority: false,
    modelVersion: 'prior',
    ...patch,
  };
}

/** A dispatched outage order `id` of team `T1`, due on site at 2,600,000 (limit 45 min); `patch` overrides any field. */
export function order(id: string, patch: Partial<OrderBrief> = {}): OrderBrief {
  return {
    id,
    category: 'outage',
    status: 'dispatched',
    createdAt: 1_900_000,
    updatedAt: 1_900_000,
    statusAt: 1_900_000,
    channel: 'hotline',
    customer: 'C-1',
    customers: 1,
    contacts: 1,
    complaint: false,
    transformer: 'T-a',
    grid: 'G1',
    team: 'T1',
    zone: 'urban',
    outageId: null,
    triage: { result: 'unverified', crew: true, outageId: null, note: 'no outage known; no reading in the last 15 min' },
    dueStep: 'on-site',
    limitMin: 45,
    deadline: 2_600_000,
    supervision: 'none',
    overdue: false,
    reopened: 0,
    transfers: 0,
    reclassified: false,
    repeatCustomer: null,
    repeatArea: null,
    solved: null,
    score: null,
    resolvedAt: null,
    closedAt: null,
    mergedInto: null,
    ...patch,
  };
}

/** An order with one contact and its creation and dispatch steps. */
export function orderDto(id: string, patch: Partial<OrderDto> = {}): OrderDto {
  const brief = order(id, patch);
  return {
    ...brief,
    contactList: [
      { id: `ct-${id}`, at: brief.createdAt, customer: brief.customer, channel: brief.channel, type: 'report', category: brief.category, text: '家里停电了', warned: false, repeatCustomer: null },
    ],
    steps: [
      { kind: 'created', at: brief.createdAt, by: 'system' },
      { kind: 'dispatched', at: brief.createdAt, by: 'system', note: 'team T1, 45 min to on site' },
    ],
    ...patch,
  };
}

export function serviceKpis(patch: Partial<ServiceKpis> = {}): ServiceKpis {
  const channel = { contacts: 0, orders: 0, dispatchAccuracy: null, handlingMinMedian: null };
  return {
    from: 0,
    to: 2_000_000,
    scope: { by: 'company', id: null },
    customersServed: 1000,
    contacts: 4,
    complaints: 1,
    complaintsPer10k: 10,
    orders: 3,
    openOrders: 2,
    closedOrders: 1,
    overdueOrders: 1,
    overdueRate: 1 / 3,
    firstContactResolution: 1,
    satisfactionMean: 4.5,
    satisfied: 1,
    repeatComplaintRate: 0,
    channelMix: { hotline: 2, app: 1, wechat: 1, hall: 0 },
    channels: { hotline: channel, app: channel, wechat: channel, hall: channel },
    warnedShare: 0.5,
    outageComplaints: 2,
    planned: null,
    ...patch,
  };
}

/** Today's service summary with one overdue order `o1` in the attention list. */
export function service(patch: Partial<ServiceSummary> = {}): ServiceSummary {
  return {
    at: 2_000_000,
    today: serviceKpis(),
    open: { dispatched: 1, accepted: 1 },
    attention: [order('o1', { overdue: true, deadline: 1_950_000 })],
    hours: [],
    events: [],
    ...patch,
  };
}

/** A snapshot at server time 2,000,000 with one outage `a`, two KPI points and no alerts. */
export function snapshot(patch: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 10,
    serverTime: 2_000_000,
    network: {
      id: 'demo',
      name: 'Demo',
      version: 'v1',
      counts: { substations: 1, feeders: 1, devices: 1, transformers: 1, customers: 1 },
      bounds: [
        [121, 37],
        [122, 38],
      ],
    },
    outages: [outage('a')],
    kpis: kpis(2_000_000),
    kpiHistory: [
      { at: 1_999_000, messagesPerSec: 1, readingsPerSec: 1, activeOutages: 0, customersOut: 0 },
      { at: 2_000_000, messagesPerSec: 1, readingsPerSec: 1, activeOutages: 0, customersOut: 0 },
    ],
    alerts: [],
    risks: [],
    complaintHours: [],
    risk: { modelVersion: 'prior', threshold: 0.5 },
    service: service(),
    ...patch,
  };
}
