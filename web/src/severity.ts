// Status → colour class, shared by the outage list and the detail. ISA-101: colour only for what
// is abnormal. Confirmed / restoring filled red; probable (not yet confirmed) and momentary amber;
// planned blue-grey (known and announced, not an alarm); customer-side neutral (one customer,
// not a grid outage, no crew); restored grey.
import type { OutageDto, OutageStatus } from '@gridwatch/shared';
import { isActive } from './state.ts';

export type BadgeClass = 'alarm' | 'warn' | 'planned' | 'known' | 'ended';

export function badgeClass(status: OutageStatus): BadgeClass {
  switch (status) {
    case 'confirmed':
    case 'restoring':
      return 'alarm';
    case 'probable':
    case 'momentary':
      return 'warn';
    case 'planned':
      return 'planned';
    case 'customer-side':
      return 'known';
    default:
      return 'ended';
  }
}

/** Row marker, following the map: red while a grid outage is active, blue-grey planned, amber momentary. */
export function rowClass(o: Pick<OutageDto, 'status' | 'restoredAt'>): BadgeClass {
  if (isActive(o)) return o.status === 'planned' ? 'planned' : o.status === 'customer-side' ? 'known' : 'alarm';
  return o.status === 'momentary' ? 'warn' : 'ended';
}
