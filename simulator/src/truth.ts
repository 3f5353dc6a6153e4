// Ground truth: what really happened in the simulated field, for an evaluation harness to score
// GridWatch against. GridWatch never reads it. Records come out of `advance` in time order next to
// the messages (and are written as NDJSON by `--truth <file>`). All instants are simulated epoch
// milliseconds. Every interruption has a cause id (fault, transformer failure, planned outage,
// scripted outage or customer-side loss); restorations and contacts refer to it.
import type { Channel, ContactType, DeviceKind } from '@gridwatch/shared';

/** A fault on a feeder section, one record per protection operation it caused. */
export interface FaultTruth {
  type: 'fault';
  /** Cause id, shared by the restorations and contacts it led to. */
  id: string;
  at: number;
  feeder: string;
  /** The faulted section: below this device and above its child devices. */
  section: string;
  /** Permanent faults stay until repaired; temporary ones clear by themselves. */
  persistence: 'permanent' | 'temporary';
  /** Protective device that interrupted; null when the section was already dead (no current). */
  device: string | null;
  deviceKind: DeviceKind | null;
  /**
   * What protection did: `reclosed` (momentary), `lockout` after failed recloses, `fuse` blown,
   * or `no-current` when the section had no power (it operates later if energised while faulted).
   */
  outcome: 'reclosed' | 'lockout' | 'fuse' | 'no-current';
  /** 1 for the first operation; higher when a close re-energised the fault (a switching error). */
  operation: number;
  closedOnto: boolean;
  /** Devices with FCIs between the feeder head and the fault: the ones that see fault current. */
  fcis: string[];
  /** Of those, the ones that newly reported `fci.fault` (the others were still indicating). */
  fciReported: string[];
  /** Automatic reclosing restored power (outcome `reclosed`). */
  restoredAt?: number;
  /** Instant of `breaker.lockout`. */
  lockoutAt?: number;
  /**
   * Station areas and customers that lost power at this operation (those already dark for
   * another reason, or still dark from an earlier operation, are not counted again).
   */
  transformers: string[];
  customers: string[];
  transformerCount: number;
  customerCount: number;
}

/** A service transformer failure: its station area is dark until repaired; no DA report. */
export interface TransformerFailureTruth {
  type: 'transformer-failure';
  id: string;
  at: number;
  transformer: string;
  feeder: string;
  customers: string[];
  customerCount: number;
}

/** A scripted station-area outage (`demo`, `station-area-outage`). */
export interface OutageTruth {
  type: 'outage';
  id: string;
  at: number;
  transformers: string[];
  customers: string[];
  customerCount: number;
}

/** An interruption cleared by automatic reclosing within seconds (IEEE 1366 momentary). */
export interface MomentaryTruth {
  type: 'momentary';
  /** The fault's id. */
  id: string;
  at: number;
  restoredAt: number;
  device: string;
  feeder: string;
  transformers: string[];
  customerCount: number;
}

/** A switching operation by a crew or a planned outage; `reported` when DA sent it. */
export interface SwitchingTruth {
  type: 'switching';
  at: number;
  device: string;
  op: 'open' | 'close';
  /** The fault or planned outage it serves, if any. */
  cause: string | null;
  reported: boolean;
}

/**
 * Power came back to some or all customers of a cause. Each dark period belongs to the cause that
 * started it (IEEE 1366 style), even if another cause kept it dark longer.
 */
export interface RestorationTruth {
  type: 'restoration';
  cause: string;
  at: number;
  /** Customers of this cause are still without power afterwards. */
  partial: boolean;
  transformers: string[];
  customers: string[];
  customerCount: number;
  remainingCustomers: number;
}

/** A planned outage as announced (the outage itself follows at `start`). */
export interface PlannedTruth {
  type: 'planned';
  id: string;
  /** Announcement instant. */
  at: number;
  start: number;
  end: number;
  device: string;
  transformers: string[];
  customers: string[];
  customerCount: number;
  /** Customers the utility's own announcement reached (they know the restoration time). */
  informedCount: number;
}

/** One customer without power while the station area is live (their own installation). */
export interface CustomerSideTruth {
  type: 'customer-side';
  id: string;
  at: number;
  until: number;
  customer: string;
  meter: string;
  transformer: string;
}

/** A concentrator silent (communications, not power): nothing from its station area. */
export interface CommLossTruth {
  type: 'comm-loss';
  id: string;
  at: number;
  until: number;
  transformer: string;
  concentrator: string;
}

/** Under-voltage on a station area (no outage). */
export interface VoltageTruth {
  type: 'voltage';
  id: string;
  at: number;
  until: number;
  transformer: string;
  volts: number;
  customerCount: number;
}

/** Field noise fixed at start: a meter that reports off/on while its station area is live. */
export interface FlappingMeterTruth {
  type: 'flapping-meter';
  at: number;
  meter: string;
  customer: string;
  transformer: string;
}

/** Field noise fixed at start: a device clock that is off by a constant offset. */
export interface ClockSkewTruth {
  type: 'clock-skew';
  at: number;
  device: string;
  transformer: string;
  offsetS: number;
}

/** A GridWatch notice the simulator received. */
export interface NoticeTruth {
  type: 'notice';
  at: number;
  notice: string;
  outage: string;
  etr?: number;
  customers: number;
  /** Listed customers who were without power when it arrived. */
  reached: number;
}

export type ContactCause =
  /** Called because they are without power; `outage` is the cause id. */
  | { kind: 'outage'; outage: string }
  /** Called after power came back, about repeated outages. */
  | { kind: 'repeat-outage'; outage: string }
  | { kind: 'voltage'; event: string }
  /** Unrelated to the grid's state (billing, attitude, other). */
  | { kind: 'background' };

export interface ContactTruth {
  type: 'contact';
  /** The ContactMessage id. */
  id: string;
  at: number;
  customer: string;
  channel: Channel;
  category: string;
  /** Report (报修), enquiry (咨询) or complaint (投诉), as the contact says. */
  contactType: ContactType;
  cause: ContactCause;
  /** The customer had an effective notice (GridWatch's or a planned announcement). */
  notified: boolean;
  /** Seconds since the customer lost power (outage contacts). */
  sinceLossS?: number;
}

export type TruthRecord =
  | FaultTruth
  | TransformerFailureTruth
  | OutageTruth
  | MomentaryTruth
  | SwitchingTruth
  | RestorationTruth
  | PlannedTruth
  | CustomerSideTruth
  | CommLossTruth
  | VoltageTruth
  | FlappingMeterTruth
  | ClockSkewTruth
  | NoticeTruth
  | ContactTruth;

export type TruthType = TruthRecord['type'];

/** Narrow a list of records to one type. */
export function truthOf<T extends TruthType>(records: readonly TruthRecord[], type: T): Extract<TruthRecord, { type: T }>[] {
  return records.filter((r): r is Extract<TruthRecord, { type: T }> => r.type === type);
}
