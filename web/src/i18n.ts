// Every UI string of the wall and the console, in one place. zh-CN is the default; `?lang=en`
// selects English.
import type { AlertActionKind, AlertSeverity, AlertStatus, AlertStep, EscalationLevel, OutageLevel, OutageStatus } from '@gridwatch/shared';

/** Console roles, lowest first (as the server orders them). */
import { ROLES, type Role } from '@gridwatch/shared';
export { ROLES, type Role };

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
    /** The same, short, for the list's narrow column. */
    stationAreasShort: (n: number) => string;
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
  map: {
    loading: string;
    unavailable: string;
    legendNormal: string;
    legendOut: string;
    legendPlanned: string;
    legendRecent: string;
    legendSubstation: string;
    /** The ring around an outage: its complaint risk (the arc is the probability). */
    legendRisk: string;
    /** The pulsing ring: an alert nobody has acknowledged yet. */
    legendAlert: string;
  };
  network: string;
  mapCounts: (substations: string, feeders: string, stationAreas: string, customers: string) => string;
  risk: {
    /** Words of the model's features (server/src/risk/features.ts FEATURES), by feature name. */
    features: Record<string, string>;
    /** List column / detail section title. */
    column: string;
    title: string;
    probability: string;
    expected: string;
    reasons: string;
    atRisk: string;
    customerType: Record<string, string>;
    sensitive: string;
    notScored: string;
    noReasons: string;
    /** "P(complaint within 1 h)" badge tooltip. */
    badgeTitle: (pct: string) => string;
  };
  alerts: {
    title: string;
    none: string;
    severity: Record<AlertSeverity, string>;
    status: Record<AlertStatus, string>;
    escalation: Record<EscalationLevel, string>;
    head: { severity: string; place: string; probability: string; expected: string; reason: string; status: string; escalation: string };
    customers: (n: string) => string;
    flooded: (n: number) => string;
    more: (n: number) => string;
    resolvedRecent: (n: number) => string;
    threshold: (pct: string) => string;
    priority: string;
    unknownPlace: string;
  };
  complaints: {
    kpiTitle: string;
    /** Below today's complaints: what the model predicted so far today. */
    vsPredicted: (predicted: string) => string;
    chartTitle: string;
    predicted: string;
    actual: string;
    last24h: string;
  };
  console: ConsoleDict;
}

export interface ConsoleDict {
  title: string;
  toWall: string;
  signInTitle: string;
  username: string;
  password: string;
  signIn: string;
  signingIn: string;
  signOut: string;
  sessionExpired: string;
  roles: Record<Role, string>;
  filters: { status: string; severity: string; active: string; all: string; allSeverities: string };
  queueTitle: string;
  count: (shown: number, total: number) => string;
  empty: string;
  loadingHistory: string;
  raised: string;
  updated: string;
  outage: string;
  note: string;
  notePlaceholder: string;
  noteHint: string;
  actions: {
    acknowledge: string;
    notify: string;
    notifyHint: string;
    callList: string;
    callListHint: string;
    crewPriority: string;
    crewPriorityHint: string;
    needsLead: string;
    resolve: string;
  };
  actionKind: Record<AlertActionKind, string>;
  suggested: string;
  expand: string;
  collapse: string;
  steps: string;
  stepStatus: Record<AlertStep['status'], string>;
  actionsTaken: string;
  noActions: string;
  noticeSent: (customers: string, etr: string | null, mqtt: string) => string;
  callListTitle: (n: number) => string;
  callListEmpty: string;
  callListHead: { customer: string; type: string; transformer: string; p: string };
  system: string;
  done: (what: string) => string;
  crewRaised: string;
  errors: {
    wrongPassword: string;
    network: string;
    needsRole: (role: string) => string;
    crewPriority: string;
    signInFirst: string;
    notFound: (msg: string) => string;
    conflict: (msg: string) => string;
    other: (status: number, msg: string) => string;
  };
}

/** Words of the risk model's features, copied from server/src/risk/features.ts (FEATURES). */
const FEATURES_EN: Record<string, string> = {
  'elapsed.0-15m': 'out for under 15 min',
  'elapsed.15-30m': 'out for 15–30 min',
  'elapsed.30-60m': 'out for 30–60 min',
  'elapsed.1-2h': 'out for 1–2 h',
  'elapsed.2-4h': 'out for 2–4 h',
  'elapsed.4h+': 'out for over 4 h',
  'kind.customer-side': 'a single customer without power (customer-side)',
  'kind.transformer': 'a whole station area out',
  'kind.fuse': 'a lateral (fuse) out',
  'kind.trunk': 'a feeder section out',
  'kind.planned': 'planned outage (announced)',
  'type.commercial': 'commercial customers',
  'type.industrial': 'industrial customers',
  'type.critical': 'critical customers (e.g. hospitals)',
  sensitive: 'outage-sensitive customers',
  'outages.7d': 'outages in the last 7 days',
  'outages.30d': 'outages in the last 30 days',
  'outages.90d': 'outages in the last 90 days',
  'outages.365d': 'outages in the last year',
  'repeat.30d': 'repeatedly cut off: 2+ outages in 30 days',
  'repeat.90d': 'repeatedly cut off: 3+ outages in 90 days',
  'complaints.365d': 'outage complaints in the last year',
  'contacts.365d': 'outage reports and other contacts in the last year',
  called: 'already called about this outage',
  complained: 'already complained about this outage',
  'notice.etr': 'notified with a restoration time',
  'notice.no-etr': 'notified without a restoration time',
  'notice.etr-passed': 'announced restoration time has passed',
  'hour.night': 'night (00–06)',
  'hour.morning': 'morning (06–09)',
  'hour.day': 'daytime (09–18)',
  'hour.evening': 'evening (18–22)',
  'hour.late': 'late evening (22–24)',
  weekend: 'weekend',
  size: 'customers out (log10)',
};

const FEATURES_ZH: Record<string, string> = {
  'elapsed.0-15m': '停电不足15分钟',
  'elapsed.15-30m': '停电15–30分钟',
  'elapsed.30-60m': '停电30–60分钟',
  'elapsed.1-2h': '停电1–2小时',
  'elapsed.2-4h': '停电2–4小时',
  'elapsed.4h+': '停电超过4小时',
  'kind.customer-side': '单户停电（客户侧）',
  'kind.transformer': '整个台区停电',
  'kind.fuse': '分支线（熔断器）停电',
  'kind.trunk': '馈线段停电',
  'kind.planned': '计划停电（已公告）',
  'type.commercial': '商业客户',
  'type.industrial': '工业客户',
  'type.critical': '重要客户（如医院）',
  sensitive: '停电敏感客户',
  'outages.7d': '近7天停电次数',
  'outages.30d': '近30天停电次数',
  'outages.90d': '近90天停电次数',
  'outages.365d': '近一年停电次数',
  'repeat.30d': '频繁停电：30天内2次以上',
  'repeat.90d': '频繁停电：90天内3次以上',
  'complaints.365d': '近一年停电投诉',
  'contacts.365d': '近一年报修及其他来电',
  called: '本次停电已来电',
  complained: '本次停电已投诉',
  'notice.etr': '已通知（含预计复电时间）',
  'notice.no-etr': '已通知（无复电时间）',
  'notice.etr-passed': '已过承诺复电时间',
  'hour.night': '夜间（00–06时）',
  'hour.morning': '早间（06–09时）',
  'hour.day': '白天（09–18时）',
  'hour.evening': '晚间（18–22时）',
  'hour.late': '深夜（22–24时）',
  weekend: '周末',
  size: '停电户数（对数）',
};

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
    stationAreasShort: (n) => `${n} 个台区`,
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
    legendRisk: '投诉风险',
    legendAlert: '待确认预警',
  },
  network: '电网',
  mapCounts: (ss, f, ta, c) => `${ss} 座变电站 · ${f} 条馈线 · ${ta} 个台区 · ${c} 户客户`,
  risk: {
    features: FEATURES_ZH,
    column: '投诉风险',
    title: '投诉风险（1小时内）',
    probability: '投诉概率',
    expected: '预计投诉',
    reasons: '主要原因',
    atRisk: '重点客户',
    customerType: { residential: '居民', commercial: '商业', industrial: '工业', critical: '重要' },
    sensitive: '敏感',
    notScored: '尚未评估',
    noReasons: '无突出原因',
    badgeTitle: (pct) => `1小时内至少1起投诉的概率 ${pct}`,
  },
  alerts: {
    title: '投诉预警',
    none: '当前无投诉预警',
    severity: { warning: '预警', high: '高', critical: '严重' },
    status: { open: '待确认', acknowledged: '已确认', actioned: '已处置', resolved: '已关闭' },
    escalation: { officer: '值班员', 'shift-lead': '值班长', manager: '主任' },
    head: { severity: '级别', place: '停电位置 / 客户', probability: '概率', expected: '预计', reason: '主要原因', status: '状态', escalation: '督办' },
    customers: (n) => `${n} 户`,
    flooded: (n) => `另有 ${n} 条预警已合并（防洪控制）`,
    more: (n) => `另有 ${n} 条预警未显示`,
    resolvedRecent: (n) => `近1小时关闭 ${n} 条`,
    threshold: (pct) => `阈值 ${pct}`,
    priority: '抢修优先',
    unknownPlace: '（停电已结束）',
  },
  complaints: {
    kpiTitle: '今日投诉',
    vsPredicted: (p) => `模型预测 ${p} 起`,
    chartTitle: '每小时投诉：预测与实际',
    predicted: '预测',
    actual: '实际',
    last24h: '每小时 · 近24小时',
  },
  console: {
    title: '投诉预警处置台',
    toWall: '返回大屏',
    signInTitle: '值班人员登录',
    username: '用户名',
    password: '密码',
    signIn: '登录',
    signingIn: '正在登录…',
    signOut: '退出登录',
    sessionExpired: '登录已过期，请重新登录',
    roles: { wall: '大屏', officer: '值班员', 'shift-lead': '值班长', manager: '主任', admin: '管理员' },
    filters: { status: '状态', severity: '级别', active: '未关闭', all: '全部', allSeverities: '全部级别' },
    queueTitle: '预警队列',
    count: (shown, total) => `显示 ${shown} / ${total} 条`,
    empty: '没有符合条件的预警',
    loadingHistory: '正在加载历史预警…',
    raised: '发出',
    updated: '更新',
    outage: '停电事件',
    note: '备注',
    notePlaceholder: '备注（可选）',
    noteHint: '随“确认”或“关闭预警”一并记录',
    actions: {
      acknowledge: '确认',
      notify: '通知客户',
      notifyHint: '向停电客户主动推送通知（含预计复电时间）',
      callList: '外呼清单',
      callListHint: '列出敏感及重要客户，逐户电话告知',
      crewPriority: '提升抢修优先级',
      crewPriorityHint: '需值班长及以上角色',
      needsLead: '需值班长',
      resolve: '关闭预警',
    },
    actionKind: { notify: '通知客户', 'call-list': '外呼清单', 'crew-priority': '抢修优先' },
    suggested: '建议',
    expand: '展开',
    collapse: '收起',
    steps: '处理过程',
    stepStatus: { open: '发出预警', acknowledged: '确认', actioned: '处置', resolved: '关闭', escalated: '升级督办', severity: '级别变化', action: '措施' },
    actionsTaken: '已采取措施',
    noActions: '尚未采取措施',
    noticeSent: (n, etr, mqtt) => `已通知 ${n} 户${etr ? `，预计 ${etr} 复电` : '，复电时间待定'}（推送 ${mqtt === 'ok' ? '成功' : mqtt}）`,
    callListTitle: (n) => `外呼清单（${n} 户）`,
    callListEmpty: '本次停电没有敏感或重要客户',
    callListHead: { customer: '客户', type: '类型', transformer: '台区', p: '投诉概率' },
    system: '系统',
    done: (w) => `${w}：已完成`,
    crewRaised: '已提升抢修优先级',
    errors: {
      wrongPassword: '用户名或密码错误',
      network: '无法连接服务器，请稍后重试',
      needsRole: (r) => `权限不足：需要${r}及以上角色`,
      crewPriority: '权限不足：提升抢修优先级需要值班长及以上角色',
      signInFirst: '请先登录',
      notFound: (m) => `未找到：${m}`,
      conflict: (m) => `操作未完成（状态已变化）：${m}`,
      other: (st, m) => `出错（HTTP ${st}）：${m}`,
    },
  },
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
    stationAreasShort: (n) => `${n} area${n === 1 ? '' : 's'}`,
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
    legendRisk: 'Complaint risk',
    legendAlert: 'Alert not acknowledged',
  },
  network: 'Network',
  mapCounts: (ss, f, ta, c) => `${ss} substations · ${f} feeders · ${ta} station areas · ${c} customers`,
  risk: {
    features: FEATURES_EN,
    column: 'Risk',
    title: 'Complaint risk (next hour)',
    probability: 'P(complaint)',
    expected: 'Expected',
    reasons: 'Why',
    atRisk: 'Most at risk',
    customerType: { residential: 'residential', commercial: 'commercial', industrial: 'industrial', critical: 'critical' },
    sensitive: 'sensitive',
    notScored: 'not scored yet',
    noReasons: 'nothing stands out',
    badgeTitle: (pct) => `Probability of at least one complaint within 1 h: ${pct}`,
  },
  alerts: {
    title: 'Complaint alerts',
    none: 'No complaint alerts',
    severity: { warning: 'Warning', high: 'High', critical: 'Critical' },
    status: { open: 'Open', acknowledged: 'Acknowledged', actioned: 'Actioned', resolved: 'Resolved' },
    escalation: { officer: 'Officer', 'shift-lead': 'Shift lead', manager: 'Manager' },
    head: { severity: 'Severity', place: 'Outage / customers', probability: 'P 1 h', expected: 'Exp.', reason: 'Top reason', status: 'Status', escalation: 'With' },
    customers: (n) => `${n} cust.`,
    flooded: (n) => `${n} more alert${n === 1 ? '' : 's'} grouped (flood control)`,
    more: (n) => `${n} more alert${n === 1 ? '' : 's'} not shown`,
    resolvedRecent: (n) => `${n} resolved in the last hour`,
    threshold: (pct) => `threshold ${pct}`,
    priority: 'Crew priority',
    unknownPlace: '(outage over)',
  },
  complaints: {
    kpiTitle: 'Complaints today',
    vsPredicted: (p) => `${p} predicted`,
    chartTitle: 'Complaints per hour: predicted vs actual',
    predicted: 'Predicted',
    actual: 'Actual',
    last24h: 'per hour · 24 h',
  },
  console: {
    title: 'Complaint alert console',
    toWall: 'Wall',
    signInTitle: 'Duty staff sign-in',
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    sessionExpired: 'Your session has expired; please sign in again',
    roles: { wall: 'wall', officer: 'duty officer', 'shift-lead': 'shift lead', manager: 'manager', admin: 'administrator' },
    filters: { status: 'Status', severity: 'Severity', active: 'Active', all: 'All', allSeverities: 'All severities' },
    queueTitle: 'Alert queue',
    count: (shown, total) => `${shown} of ${total}`,
    empty: 'No alerts match',
    loadingHistory: 'Loading earlier alerts…',
    raised: 'Raised',
    updated: 'Updated',
    outage: 'Outage',
    note: 'Note',
    notePlaceholder: 'Note (optional)',
    noteHint: 'Recorded with Acknowledge or Resolve',
    actions: {
      acknowledge: 'Acknowledge',
      notify: 'Notify customers',
      notifyHint: 'Send the customers out a proactive notice with the estimated restoration time',
      callList: 'Call list',
      callListHint: 'Sensitive and critical customers to phone one by one',
      crewPriority: 'Raise crew priority',
      crewPriorityHint: 'Needs the shift-lead role or higher',
      needsLead: 'shift lead',
      resolve: 'Resolve',
    },
    actionKind: { notify: 'Notice', 'call-list': 'Call list', 'crew-priority': 'Crew priority' },
    suggested: 'Suggested',
    expand: 'Details',
    collapse: 'Hide',
    steps: 'Steps',
    stepStatus: { open: 'raised', acknowledged: 'acknowledged', actioned: 'actioned', resolved: 'resolved', escalated: 'escalated', severity: 'severity', action: 'action' },
    actionsTaken: 'Actions taken',
    noActions: 'No action yet',
    noticeSent: (n, etr, mqtt) => `Notice sent to ${n} customers, ${etr ? `ETR ${etr}` : 'no ETR yet'} (push ${mqtt})`,
    callListTitle: (n) => `Call list (${n} customer${n === 1 ? '' : 's'})`,
    callListEmpty: 'No sensitive or critical customers in this outage',
    callListHead: { customer: 'Customer', type: 'Type', transformer: 'Station area', p: 'P(complaint)' },
    system: 'system',
    done: (w) => `${w}: done`,
    crewRaised: 'Crew priority raised',
    errors: {
      wrongPassword: 'Wrong username or password',
      network: 'Cannot reach the server; try again',
      needsRole: (r) => `Not allowed: needs the ${r} role or higher`,
      crewPriority: 'Not allowed: raising crew priority needs the shift-lead role or higher',
      signInFirst: 'Please sign in first',
      notFound: (m) => `Not found: ${m}`,
      conflict: (m) => `Not done (the alert changed): ${m}`,
      other: (st, m) => `Error (HTTP ${st}): ${m}`,
    },
  },
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

/**
 * A reason's value in the wall's language. The server words values in English: "3 of 40"
 * (share of customers), "mean 1.2" (per customer), a number (customers out) or "yes" (the
 * feature's words say it all: null). Anything else passes through.
 */
export function reasonValue(value: string, lang: Lang): string | null {
  const v = value.trim();
  if (v === '' || v === 'yes' || v === '是') return null;
  const share = /^(\d+) of (\d+)$/.exec(v);
  if (share) return lang === 'en' ? v : `${share[1]}/${share[2]} 户`;
  const mean = /^mean ([\d.]+)$/.exec(v);
  if (mean) return lang === 'en' ? v : `平均 ${mean[1]} 次`;
  return v;
}

/** A reason in words: the feature's words (in the wall's language) and its value when it adds something. */
export function reasonText(reason: { feature: string; value: string }, lang: Lang): string {
  const words = DICTS[lang].risk.features[reason.feature] ?? reason.feature;
  if (reason.feature === 'size') {
    // The value is the customers out; "(log10)" is how the model sees it, not what to show.
    const n = reasonValue(reason.value, lang);
    return lang === 'en' ? `customers out: ${n ?? '?'}` : `停电户数 ${n ?? '?'}`;
  }
  const v = reasonValue(reason.value, lang);
  return v === null ? words : lang === 'en' ? `${words}: ${v}` : `${words} ${v}`;
}

/**
 * A system note of an alert step or an action result (the server words them in English) in the
 * console's language; notes typed by an officer, and anything not recognised, pass through.
 */
export function systemNote(note: string, lang: Lang): string {
  if (lang === 'en') return note;
  const t = DICTS[lang];
  let m = /^P\(complaint within 1 h\) (\d+)%, ([\d.]+) expected(; grouped \(many alerts at once\))?$/.exec(note);
  if (m) return `1小时内投诉概率 ${m[1]}%，预计 ${m[2]} 起${m[3] ? '；已合并（同时发出的预警过多）' : ''}`;
  m = /^not acknowledged after (\d+) min: ([\w-]+)$/.exec(note);
  if (m) return `${m[1]} 分钟未确认，升级至${t.alerts.escalation[m[2] as EscalationLevel] ?? m[2]}`;
  m = /^(\w+) → (\w+)$/.exec(note);
  if (m && m[1]! in t.alerts.severity && m[2]! in t.alerts.severity) return `${t.alerts.severity[m[1] as AlertSeverity]} → ${t.alerts.severity[m[2] as AlertSeverity]}`;
  m = /^(?:notify: )?notice to (\d+) customers, (?:(\d\d:\d\d) UTC|no ETR); MQTT (.+?), webhook (.+)$/.exec(note);
  if (m) return `已通知 ${m[1]} 户，${m[2] ? `预计 ${m[2]}（UTC）复电` : '复电时间待定'}；MQTT ${m[3] === 'ok' ? '成功' : m[3]}，webhook ${m[4] === 'ok' ? '成功' : m[4] === 'not configured' ? '未配置' : m[4]}`;
  m = /^(?:call-list: )?call list of (\d+) sensitive or critical customers$/.exec(note);
  if (m) return `外呼清单：敏感或重要客户 ${m[1]} 户`;
  if (/^(?:crew-priority: )?crew priority raised$/.test(note)) return '已提升抢修优先级';
  const fixed: Record<string, string> = { 'outage restored': '停电已恢复', 'momentary interruption': '瞬时停电', 'merged into a larger outage': '并入更大范围停电' };
  return fixed[note] ?? note;
}
