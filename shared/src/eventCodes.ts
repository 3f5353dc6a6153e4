// IEC 61968-9 EndDeviceEventType codes (`type.domain.subdomain.event`) mapped to what the
// outage engine cares about. Field systems differ, so the map is data and can be replaced.

export type PowerEventKind = 'power-off' | 'power-restored' | 'under-voltage' | 'over-voltage';

export type EventCodeMap = Readonly<Record<string, PowerEventKind>>;

export const DEFAULT_EVENT_CODES: EventCodeMap = {
  '3.26.0.85': 'power-off',
  '3.26.0.47': 'power-off',
  '3.26.136.47': 'power-off', // radio last gasp
  '3.26.0.216': 'power-restored',
  '3.26.136.216': 'power-restored',
  '3.26.38.150': 'under-voltage',
  '3.26.38.93': 'over-voltage',
};

/** Codes the simulator and tests publish; the first code of each kind in the default map. */
export const EVENT_CODE = {
  powerOff: '3.26.0.85',
  lastGasp: '3.26.136.47',
  powerRestored: '3.26.0.216',
  underVoltage: '3.26.38.150',
  overVoltage: '3.26.38.93',
} as const;
