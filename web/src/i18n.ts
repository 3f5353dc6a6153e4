// Every UI string of the wall, in one place. zh-CN is the default; `?lang=en` selects English.
import type { OutageLevel, OutageStatus } from '@gridwatch/shared';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Dict {
  htmlLang: string;
  product: string;
  centre: string;
  toggleLabel: string;
  toggleTitle: string;
  conn: { connecting: string; connected: string; reconnecting: string; stale: string };
  /** Data age, e.g. "3 s ago". */
  age: (seconds: number) => string;
  noData: string;
  kpi: {
    messagesPerSec: string;
    messagesUnit: string;
    readingsStored: string;
    readingsPerSec: (n: string) => string;
    activeOutages: string;
    customersOut: string;
    shareOfServed: (pct: string, served: string) => string;
    lastMinutes: (n: number) => string;
  };
  outages: {
    title: string;
    none: string;
    device: string;
    status: string;
    customers: string;
    start: string;
    duration: string;
    etr: string;
    stationAreas: (n: number) => string;
    more: (n: number) => string;
    countActive: (n: number) => string;
  };
  status: Record<OutageStatus, string>;
  level: Record<OutageLevel, string>;
  detail: {
    title: string;
    /** Position in the cycle, e.g. "2 / 7". */
    position: (i: number, n: number) => string;
    none: string;
    customersOut: string;
    /** Customers already back in a partly restored outage. */
    customersBack: (n: string) => string;
    started: string;
    duration: string;
    etr: string;
    etrNone: string;
    etrOverdue: string;
    /** A time on another day than today: "+1" etc. */
    dayMark: (days: number) => string;
    feeder: string;
    faultSection: string;
    stationAreas: string;
    evidence: string;
    /** Meters / concentrators that reported power-off. */
    powerOff: (meters: string, concentrators: string) => string;
    noEvidence: string;
    moreNotes: (n: number) => string;
    /** Short label of an evidence kind; unknown kinds are shown as they are. */
    kinds: Record<string, string>;
    nestedVia: (device: string) => string;
  };
  map: { loading: string; unavailable: string; legendNormal: string; legendOut: string; legendPlanned: string; legendRecent: string; legendSubstation: string };
  network: string;
  mapCounts: (substations: string, feeders: string, stationAreas: string, customers: string) => string;
}

const zh: Dict = {
  htmlLang: 'zh-CN',
  product: 'GridWatch',
  centre: '供电服务指挥中心',
  toggleLabel: 'EN',
  toggleTitle: 'Switch to English',
  conn: { connecting: '连接中', connected: '已连接', reconnecting: '重新连接中', stale: '数据停滞' },
  age: (s) => `数据 ${s} 秒前`,
  noData: '—',
  kpi: {
    messagesPerSec: '消息速率',
    messagesUnit: '条/秒',
    readingsStored: '已存储读数',
    readingsPerSec: (n) => `读数 ${n} 条/秒`,
    activeOutages: '当前停电事件',
    customersOut: '停电客户',
    shareOfServed: (pct, served) => `占供电客户 ${pct}（共 ${served} 户）`,
    lastMinutes: (n) => `近 ${n} 分钟`,
  },
  outages: {
    title: '停电事件',
    none: '当前无停电',
    device: '台区 / 设备',
    status: '状态',
    customers: '客户',
    start: '开始',
    duration: '历时',
    etr: '预计恢复',
    stationAreas: (n) => `${n} 个台区`,
    more: (n) => `另有 ${n} 条未显示`,
    countActive: (n) => `${n} 起进行中`,
  },
  status: {
    probable: '疑似',
    confirmed: '确认',
    restoring: '恢复中',
    restored: '已恢复',
    momentary: '瞬时',
    planned: '计划',
    'customer-side': '客户侧',
  },
  level: { meter: '电表', transformer: '台区', device: '设备' },
  detail: {
    title: '停电详情',
    position: (i, n) => `${i} / ${n}`,
    none: '当前无进行中的停电',
    customersOut: '停电客户',
    customersBack: (n) => `已恢复 ${n} 户`,
    started: '开始',
    duration: '历时',
    etr: '预计恢复',
    etrNone: '待估算',
    etrOverdue: '已超时',
    dayMark: (d) => (d > 0 ? `+${d}天` : `${d}天`),
    feeder: '馈线',
    faultSection: '故障区段',
    stationAreas: '台区',
    evidence: '定位依据',
    powerOff: (m, c) => `失电上报：电表 ${m} 块 · 集中器 ${c} 台`,
    noEvidence: '暂无说明',
    moreNotes: (n) => `另有 ${n} 条依据`,
    kinds: {
      rollup: '上溯汇聚',
      located: '定位',
      'breaker.lockout': '保护闭锁',
      'breaker.trip': '保护跳闸',
      'breaker.reclose': '重合成功',
      'fci.fault': '故障指示器',
      'switch.open': '开关分闸',
      'switch.close': '开关合闸',
      planned: '计划停电',
      nested: '并入',
    },
    nestedVia: (d) => `并入 ${d}`,
  },
  map: {
    loading: '正在加载电网图…',
    unavailable: '电网图暂不可用，正在重试',
    legendNormal: '台区正常',
    legendOut: '台区停电',
    legendPlanned: '计划停电',
    legendRecent: '瞬时 / 刚恢复',
    legendSubstation: '变电站',
  },
  network: '电网',
  mapCounts: (ss, f, ta, c) => `${ss} 座变电站 · ${f} 条馈线 · ${ta} 个台区 · ${c} 户客户`,
};

const en: Dict = {
  htmlLang: 'en',
  product: 'GridWatch',
  centre: 'Power Supply Service Command Centre',
  toggleLabel: '中文',
  toggleTitle: '切换到中文',
  conn: { connecting: 'Connecting', connected: 'Connected', reconnecting: 'Reconnecting', stale: 'Data stale' },
  age: (s) => `data ${s} s ago`,
  noData: '—',
  kpi: {
    messagesPerSec: 'Messages',
    messagesUnit: 'msg/s',
    readingsStored: 'Readings stored',
    readingsPerSec: (n) => `${n} readings/s`,
    activeOutages: 'Active outages',
    customersOut: 'Customers without power',
    shareOfServed: (pct, served) => `${pct} of ${served} customers served`,
    lastMinutes: (n) => `last ${n} min`,
  },
  outages: {
    title: 'Outages',
    none: 'No outages',
    device: 'Station area / device',
    status: 'Status',
    customers: 'Customers',
    start: 'Start',
    duration: 'Duration',
    etr: 'ETR',
    stationAreas: (n) => `${n} station area${n === 1 ? '' : 's'}`,
    more: (n) => `${n} more not shown`,
    countActive: (n) => `${n} active`,
  },
  status: {
    probable: 'Probable',
    confirmed: 'Confirmed',
    restoring: 'Restoring',
    restored: 'Restored',
    momentary: 'Momentary',
    planned: 'Planned',
    'customer-side': 'Customer side',
  },
  level: { meter: 'Meter', transformer: 'Station area', device: 'Device' },
  detail: {
    title: 'Outage detail',
    position: (i, n) => `${i} / ${n}`,
    none: 'No active outages',
    customersOut: 'Customers out',
    customersBack: (n) => `${n} restored`,
    started: 'Started',
    duration: 'Duration',
    etr: 'ETR',
    etrNone: 'pending',
    etrOverdue: 'overdue',
    dayMark: (d) => (d > 0 ? `+${d}d` : `${d}d`),
    feeder: 'Feeder',
    faultSection: 'Fault section',
    stationAreas: 'Station areas',
    evidence: 'Evidence',
    powerOff: (m, c) => `${m} meter last gasp${m === '1' ? '' : 's'}, ${c} concentrator${c === '1' ? '' : 's'}`,
    noEvidence: 'No notes yet',
    moreNotes: (n) => `${n} more`,
    kinds: {
      rollup: 'Roll-up',
      located: 'Located',
      'breaker.lockout': 'Lockout',
      'breaker.trip': 'Trip',
      'breaker.reclose': 'Reclosed',
      'fci.fault': 'FCI',
      'switch.open': 'Switch open',
      'switch.close': 'Switch closed',
      planned: 'Planned',
      nested: 'Nested',
    },
    nestedVia: (d) => `folded in: ${d}`,
  },
  map: {
    loading: 'Loading network map…',
    unavailable: 'Network map unavailable, retrying',
    legendNormal: 'Station area normal',
    legendOut: 'Station area out',
    legendPlanned: 'Planned',
    legendRecent: 'Momentary / just restored',
    legendSubstation: 'Substation',
  },
  network: 'Network',
  mapCounts: (ss, f, ta, c) => `${ss} substations · ${f} feeders · ${ta} station areas · ${c} customers`,
};

export const DICTS: Record<Lang, Dict> = { 'zh-CN': zh, en };

/** Language from a URL query string: `?lang=en` → English, anything else → zh-CN. */
export function langFromSearch(search: string): Lang {
  const v = new URLSearchParams(search).get('lang')?.toLowerCase() ?? '';
  return v === 'en' || v.startsWith('en-') ? 'en' : 'zh-CN';
}

/** Picks one side of a bilingual name such as "变电站 1 / Substation 1"; other names pass through. */
export function pickName(name: string, lang: Lang): string {
  const parts = name.split(' / ');
  if (parts.length !== 2) return name;
  return (lang === 'en' ? parts[1] : parts[0])!.trim();
}

export function numberLocale(lang: Lang): string {
  return lang === 'en' ? 'en-US' : 'zh-CN';
}
