// Test data for the wall's unit tests (never imported by the app).
import type { OutageDto } from '@gridwatch/shared';

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
