// Test data for the wall's unit tests (never imported by the app).
import type { AlertDto, Kpis, OutageDto, Snapshot } from '@gridwatch/shared';

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
    ...patch,
  };
}
