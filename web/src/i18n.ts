// Every UI string of the wall and the console, in one place. zh-CN is the default; `?lang=en`
// selects English.
import type {
  AlertActionKind,
  AlertSeverity,
  AlertStatus,
  AlertStep,
  Channel,
  ContactType,
  EscalationLevel,
  EvidenceArgs,
  EvidenceCode,
  HandoverItem,
  HandoverReason,
  HandoverShift,
  OrderActionName,
  OrderCategory,
  OrderList,
  OrderStatus,
  OrderStepKind,
  OutageEvidence,
  OutageLevel,
  OutageStatus,
  SupervisionLevel,
  TriageResult,
  Zone,
} from '@gridwatch/shared';
import { EVIDENCE_EN, isWordedEvidence, listIds, RISK_FEATURES, type NoteFormat } from '@gridwatch/shared';

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
    /** Month-to-date reliability tile: SAIFI as the value, SAIDI under it. */
    reliability: string;
    saifiUnit: string;
    saidiMonth: (minutes: string) => string;
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
    /** An evidence note in words, from its code and args (shared EVIDENCE_ARGS); see evidenceText. */
    notes: { [C in EvidenceCode]: (a: EvidenceArgs<C>, f: NoteFormat) => string };
  };
  map: {
    loading: string;
    unavailable: string;
    legendNormal: string;
    legendOut: string;
    legendPlanned: string;
    legendRecent: string;
    legendSubstation: string;
    /** A clustered map: one disc per screen cell of station areas, its area by their customers. */
    legendCluster: string;
    /** A clustered map: a red cell, with its customers out beside it where there is room. */
    legendOutCluster: string;
    /** The glow under an outage whose complaint risk is at or above the alert threshold. */
    legendHeat: string;
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
  orders: OrdersDict;
  /** The wall's work-order panel (服务工单). */
  service: {
    title: string;
    /** Open orders now, all statuses but closed. */
    open: (n: string) => string;
    complaintsPer10k: string;
    overdueRate: string;
    firstContactResolution: string;
    satisfaction: string;
    repeatRate: string;
    warnedShare: string;
    channelMix: string;
    attention: string;
    noAttention: string;
    more: (n: number) => string;
    /** Tooltip of a KPI: its definition. */
    hints: { complaintsPer10k: string; overdueRate: string; firstContactResolution: string; satisfaction: string; repeatRate: string; warnedShare: string; openOrders: string };
    /** The hourly trend chart: contacts per channel (bars) and the overdue rate (line). */
    trend: { title: string; overdueRate: string; span: string; hint: string };
  };
  /** The alert and escalation ticker along the wall's foot. */
  ticker: {
    title: string;
    none: string;
    alertRaised: (severity: string) => string;
    /** Alert severities as the ticker words them (zh: the panel's 预警 would repeat the title). */
    severity: Record<AlertSeverity, string>;
    alertEscalated: (level: string) => string;
    orderEscalated: (level: string) => string;
    orderOverdue: string;
    customers: (n: string) => string;
    team: (id: string) => string;
  };
  console: ConsoleDict;
}

/** Words of the work orders, shared by the wall and the console. */
export interface OrdersDict {
  category: Record<OrderCategory, string>;
  status: Record<OrderStatus, string>;
  supervision: Record<SupervisionLevel, string>;
  /** The same, short (the wall's narrow column). */
  supervisionShort: Record<SupervisionLevel, string>;
  channel: Record<Channel, string>;
  /** The channel, short (wall, narrow columns). */
  channelShort: Record<Channel, string>;
  contactType: Record<ContactType, string>;
  stepKind: Record<OrderStepKind, string>;
  triage: Record<TriageResult, string>;
  list: Record<OrderList, string>;
  zone: Record<Zone, string>;
  /** What the time limit is for. */
  dueStep: Record<'on-site' | 'resolved', string>;
  /** A span of minutes in words, e.g. "1 h 20 min". */
  minutes: (min: number) => string;
  overdueBy: (span: string) => string;
  timeLeft: (span: string) => string;
  /** The time limit was met (on time / late). */
  met: string;
  metLate: string;
  repeat: string;
  repeatWithin: (days: number) => string;
  reopened: (n: number) => string;
  transferred: (n: number) => string;
  reclassified: string;
  complaint: string;
  overdue: string;
  warned: string;
  crew: string;
  noCrew: string;
  solved: (yes: boolean) => string;
  score: (n: number) => string;
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
    forbidden: (msg: string) => string;
    orderConflict: (msg: string) => string;
    badRequest: (msg: string) => string;
    ownTeam: string;
  };
  tabs: { alerts: string; orders: string; handover: string; audit: string };
  wo: ConsoleOrdersDict;
  audit: ConsoleAuditDict;
  handover: ConsoleHandoverDict;
  outagePane: ConsoleOutageDict;
}

/** The console's work-order view. */
export interface ConsoleOrdersDict {
  title: string;
  filters: { status: string; open: string; all: string; category: string; team: string; channel: string; list: string; any: string; noList: string };
  head: { id: string; category: string; status: string; channel: string; customers: string; created: string; deadline: string; supervision: string; flags: string };
  count: (shown: number, total: number) => string;
  empty: string;
  loading: string;
  select: string;
  loadingDetail: string;
  facts: { customer: string; contacts: string; team: string; grid: string; transformer: string; zone: string; outage: string; created: string; updated: string; deadline: string };
  /** The time limit: the step, the span and the deadline, e.g. "到场 45分钟内（11-27 09:47 前）". */
  limit: (step: string, span: string, at: string) => string;
  triage: string;
  timeline: string;
  contacts: string;
  contactHead: { at: string; customer: string; channel: string; type: string; text: string; warned: string; repeat: string };
  callbacks: string;
  callback1: string;
  callback2: string;
  notYet: string;
  history: string;
  noHistory: string;
  actions: Record<OrderActionName, string>;
  /** Next step expected, marked on its button. */
  next: string;
  solvedYes: string;
  solvedNo: string;
  scoreTitle: string;
  transferTo: string;
  reclassifyTo: string;
  notePlaceholder: string;
  noteHint: string;
  noteRequired: string;
  /** Why a step is not possible now (the order's status). */
  notNow: (status: string) => string;
  sameTeam: string;
  sameCategory: string;
  needsOfficer: string;
  needsOwnTeam: string;
  readOnly: string;
  done: (what: string) => string;
  callback1Done: (solved: boolean) => string;
  callback2Done: (score: number) => string;
  system: string;
}

/** The console's handover tab (交接班): GET /api/handover, on screen and printed. */
/** The console's audit tab (manager and up). */
export interface ConsoleAuditDict {
  title: string;
  actor: string;
  actorPlaceholder: string;
  refresh: string;
  head: { at: string; actor: string; role: string; action: string; status: string; detail: string; ip: string };
  outcome: { ok: string; refused: string; failed: string };
  count: (n: number) => string;
  empty: string;
  loading: string;
}

export interface ConsoleHandoverDict {
  title: string;
  shift: string;
  shifts: Record<HandoverShift, string>;
  /** The window, and for a shift under way how far it is counted. */
  window: (from: string, to: string, asOf: string | null) => string;
  /** No SHIFT_HOURS configured: a shift is the last 8 hours. */
  rolling: string;
  shiftHours: (list: string) => string;
  refresh: string;
  print: string;
  loading: string;
  printTitle: string;
  printedBy: (user: string, at: string) => string;
  signOff: { outgoing: string; incoming: string; time: string };
  tiles: {
    outages: string;
    outagesSub: (customers: string) => string;
    stillOut: string;
    stillOutSub: (customers: string) => string;
    alerts: string;
    alertsSub: (open: string) => string;
    notices: string;
    noticesSub: (customers: string) => string;
    orders: string;
    ordersSub: (open: string) => string;
    complaints: string;
    complaintsSub: (contacts: string) => string;
  };
  sections: { items: string; outages: string; alerts: string; notices: string; orders: string; complaints: string; largest: string; open: string; openAlerts: string; attention: string };
  items: { none: string; more: (n: number) => string; kind: Record<HandoverItem['kind'], string>; head: { kind: string; what: string; since: string; customers: string; state: string; why: string }; open: string };
  reasons: Record<HandoverReason, string>;
  fig: {
    started: string;
    customers: string;
    planned: string;
    customerSide: string;
    momentary: string;
    restored: string;
    customersRestored: string;
    carriedIn: string;
    openCount: string;
    customersOut: string;
    raised: string;
    flooded: string;
    acknowledged: string;
    actioned: string;
    escalatedShiftLead: string;
    escalatedManager: string;
    resolved: string;
    resolvedBySystem: string;
    responseMedian: string;
    sent: string;
    recipients: string;
    noticeOutages: string;
    updates: string;
    failed: string;
    created: string;
    resolvedOrders: string;
    closed: string;
    overdue: string;
    escalated: string;
    reopened: string;
    openTotal: string;
    contacts: string;
    complaints: string;
    outageComplaints: string;
    warned: string;
    repeat: string;
  };
  head: { device: string; status: string; customers: string; out: string; started: string; restored: string; etr: string; alert: string; notices: string; raised: string; severity: string; escalation: string; actions: string };
  none: string;
  minutes: (n: string) => string;
  /** An alert severity in a breakdown, e.g. "预警级". */
  severity: (words: string) => string;
  etrPassed: string;
  /** A figure's breakdown, e.g. "(计划 1，客户侧 1)". */
  of: (parts: string[]) => string;
}

/** The console's outage detail pane (from an alert card, a work order or the handover). */
export interface ConsoleOutageDict {
  open: string;
  openTitle: string;
  title: string;
  close: string;
  loading: string;
  facts: { id: string; status: string; level: string; feeder: string; customers: string; customersOut: string; stationAreas: string; started: string; detected: string; restored: string; duration: string; etr: string; faultSection: string; parent: string };
  etrPassed: string;
  stillOut: string;
  evidence: string;
  stationAreas: string;
  stationAreasMore: (n: number) => string;
  restoredMark: string;
  risk: string;
  riskNone: string;
  timeline: string;
  tl: {
    started: string;
    detected: string;
    restored: string;
    step: (customers: string) => string;
    notice: (customers: string, etr: string | null) => string;
    noticeFailed: string;
    /** An alert step, e.g. "预警：确认". */
    alert: (what: string) => string;
  };
  notices: string;
  noNotices: string;
  noticeHead: { at: string; by: string; customers: string; etr: string; delivery: string; text: string };
  delivered: string;
  orders: string;
  noOrders: string;
}

/** Words of the risk model's features, from the table the server's model uses. */
const FEATURES_EN: Record<string, string> = Object.fromEntries(RISK_FEATURES.map((f) => [f.name, f.en]));
const FEATURES_ZH: Record<string, string> = Object.fromEntries(RISK_FEATURES.map((f) => [f.name, f.zh]));

/** How a close was confirmed: by power back in a station area, or taken as restored without. */
const closeConfirmZh = (by: string | number) => (by ? `（台区 ${by} 已来电）` : '（未获来电确认，按已恢复处理）');

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
    reliability: '本月停电频率 SAIFI',
    saifiUnit: '次/户',
    saidiMonth: (m) => `SAIDI ${m} 分钟/户`,
    activeOutages: '当前停电事件',
    customersOut: '停电客户',
    shareOfServed: (pct, served) => `占 ${pct}（共 ${served} 户）`,
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
    notes: {
      retrip: (a) => `${a.device} 重合闸后再次跳闸：永久性故障，由保护定位`,
      lockout: (a) => `${a.device} 保护闭锁：由保护确认并定位`,
      'isolation-open': (a) => `${a.device} 在停电范围内分闸（隔离）`,
      'switch-open': (a) => `${a.device} 分闸：其供电范围全部停电`,
      'located-concentrator': (a) => `台区 ${a.area}：集中器上报失电`,
      'located-meters': (a) => `台区 ${a.area}：${a.meters} 块电表上报失电`,
      rollup: (a) => `${a.device} 下游 ${a.total} 个台区中 ${a.dark} 个停电（≥ ${a.percent}%）：上溯定位至 ${a.device}`,
      'customer-side-quiet': (a) =>
        `仅电表 ${a.meter} 停电：${a.minutes} 分钟未复电，也无迹象表明台区 ${a.area} 停电（集中器未报失电，无其他电表失电上报）。可能为客户侧故障，无需电网抢修；待下次读数确认`,
      'customer-side-readings': (a) => `仅电表 ${a.meter} 停电：失电后台区 ${a.area} 其他电表照常上送读数，唯独缺少 ${a.meter}。客户侧故障，无需电网抢修`,
      'nested-inside': (a) => `位于 ${a.device} 的停电范围内`,
      'nested-dark': (a) => `台区 ${a.area} 确已整体停电`,
      'still-dark': (a) => `${a.outage} 部分恢复后仍停电`,
      'reclosed-after-all': (a) => `${a.device} 最终重合成功`,
      'tripped-confirmed': (a) => `${a.device} 跳闸未重合；下游 ${a.total} 台集中器中 ${a.dark} 台确认失电：由保护定位`,
      momentary: (a) => `${a.device} 重合成功：瞬时停电（计入 MAIFI）`,
      closed: (a) => `${a.device} 合闸${closeConfirmZh(a.confirmedBy)}`,
      'closed-isolating': (a, f) => `${a.device} 合闸，${f.list(a.open)} 仍分闸${closeConfirmZh(a.confirmedBy)}`,
      'fci-first-section': (a) => `${a.device} 下游故障指示器均未检测到故障电流：故障在首段`,
      'fci-section': (a, f) => `故障在 ${a.device} 下游（检测到故障电流）${a.quiet ? `，${f.list(a.quiet)} 上游（未检测到）` : ''}`,
      'planned-match': (a, f) => `与计划停电 ${a.plan} 相符（${f.time(a.startsAt)} – ${f.time(a.endsAt)}）`,
    },
  },
  map: {
    loading: '正在加载电网图…',
    unavailable: '电网图暂不可用，正在重试',
    legendNormal: '台区正常',
    legendOut: '台区停电',
    legendPlanned: '计划停电',
    legendRecent: '瞬时 / 刚恢复',
    legendSubstation: '变电站',
    legendCluster: '台区（面积∝用户数）',
    legendOutCluster: '停电（数字：停电户）',
    legendHeat: '高投诉风险',
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
    kpiTitle: '今日停电投诉',
    vsPredicted: (p) => `模型预测 ${p} 起`,
    chartTitle: '每小时停电投诉：预测与实际',
    predicted: '预测',
    actual: '实际',
    last24h: '每小时 · 近24小时',
  },
  orders: {
    category: { outage: '停电', voltage: '电压质量', billing: '电费', attitude: '服务态度', other: '其他' },
    status: { created: '已创建', dispatched: '已派单', accepted: '已接单', 'on-site': '已到场', resolved: '已处理', 'callback-1': '已回访(解决)', closed: '已归档' },
    supervision: { none: '无', 'team-leader': '班组督办', department: '部门督办', company: '公司督办' },
    supervisionShort: { none: '无', 'team-leader': '班组督办', department: '部门督办', company: '公司督办' },
    channel: { hotline: '95598热线', app: '网上国网App', wechat: '微信网格群', hall: '营业厅' },
    channelShort: { hotline: '热线', app: 'App', wechat: '微信', hall: '营业厅' },
    contactType: { report: '报修', enquiry: '咨询', complaint: '投诉' },
    stepKind: {
      created: '创建',
      dispatched: '派单',
      accepted: '接单',
      'on-site': '到场',
      resolved: '处理完成',
      'callback-1': '回访（是否解决）',
      'callback-2': '回访（满意度）',
      closed: '归档',
      reopened: '重新派单',
      contact: '来电',
      escalated: '升级督办',
      overdue: '超时',
      transferred: '转派',
      reclassified: '重新分类',
      note: '备注',
    },
    triage: {
      outage: '已关联停电事件',
      planned: '计划停电',
      restored: '停电刚恢复',
      'customer-side': '客户侧故障',
      unverified: '未核实，需现场查看',
      'voltage-confirmed': '电压异常已确认',
      'voltage-normal': '电压正常',
      'voltage-no-data': '无电压数据',
      none: '无需核查',
    },
    list: { repeat: '重复来电', abnormal: '异常工单', 'low-satisfaction': '不满意' },
    zone: { urban: '城市', rural: '农村', remote: '偏远' },
    dueStep: { 'on-site': '到场', resolved: '处理完成' },
    minutes: (m) => {
      const d = Math.floor(m / 1440);
      const h = Math.floor((m % 1440) / 60);
      const mm = m % 60;
      if (d > 0) return `${d}天${h ? `${h}小时` : ''}`;
      if (h > 0) return `${h}小时${mm ? `${mm}分` : ''}`;
      return `${mm}分钟`;
    },
    overdueBy: (s) => `超时 ${s}`,
    timeLeft: (s) => `剩 ${s}`,
    met: '按时',
    metLate: '超时完成',
    repeat: '重复',
    repeatWithin: (d) => `${d}天内重复`,
    reopened: (n) => (n > 1 ? `重派 ${n} 次` : '重派'),
    transferred: (n) => (n > 1 ? `转派 ${n} 次` : '转派'),
    reclassified: '改类',
    complaint: '投诉',
    overdue: '超时',
    warned: '已预警',
    crew: '需派抢修',
    noCrew: '无需抢修',
    solved: (yes) => (yes ? '已解决' : '未解决'),
    score: (n) => `${n} 分`,
  },
  service: {
    title: '服务工单',
    open: (n) => `未结 ${n} 件`,
    complaintsPer10k: '万户投诉',
    overdueRate: '超时率',
    firstContactResolution: '一次解决率',
    satisfaction: '满意度',
    repeatRate: '重复投诉率',
    warnedShare: '预警覆盖',
    channelMix: '今日来电渠道',
    attention: '超时 / 督办工单',
    noAttention: '无超时或督办工单',
    more: (n) => `另有 ${n} 件`,
    hints: {
      complaintsPer10k: '今日投诉 / 供电客户 × 10000',
      overdueRate: '今日工单中超过时限的比例',
      firstContactResolution: '已归档工单中未重派、客户未重复来电的比例',
      satisfaction: '回访满意度平均分（1–5）',
      repeatRate: '90天内曾投诉的客户再次投诉的比例',
      warnedShare: '停电投诉中事先已预警或已通知的比例',
      openOrders: '当前所有尚未归档的工单',
    },
    trend: { title: '来电渠道与超时率', overdueRate: '超时率', span: '每小时 · 近24小时', hint: '柱：每小时各渠道来电；线：该小时到期工单中未按时到场或处理的比例' },
  },
  ticker: {
    title: '预警督办',
    none: '近6小时无预警或督办',
    alertRaised: (sev) => `投诉预警 · ${sev}`,
    severity: { warning: '一般', high: '高', critical: '严重' },
    alertEscalated: (level) => `预警未确认 → ${level}`,
    orderEscalated: (level) => `工单${level}`,
    orderOverdue: '工单超时',
    customers: (n) => `${n} 户`,
    team: (id) => `班组 ${id}`,
  },
  console: {
    title: '值班处置台',
    toWall: '返回大屏',
    signInTitle: '值班人员登录',
    username: '用户名',
    password: '密码',
    signIn: '登录',
    signingIn: '正在登录…',
    signOut: '退出登录',
    sessionExpired: '登录已过期，请重新登录',
    roles: { wall: '大屏', team: '班组长', officer: '值班员', 'shift-lead': '值班长', manager: '主任', admin: '管理员' },
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
      forbidden: (m) => `权限不足：${m}`,
      orderConflict: (m) => `操作未完成（工单当前状态不允许）：${m}`,
      badRequest: (m) => `请求有误：${m}`,
      ownTeam: '权限不足：班组长只能处理本班组的工单',
    },
    tabs: { alerts: '投诉预警', orders: '工单', handover: '交接班', audit: '审计日志' },
    audit: {
      title: '审计日志',
      actor: '操作人',
      actorPlaceholder: '全部（输入用户名筛选）',
      refresh: '刷新',
      head: { at: '时间', actor: '操作人', role: '角色', action: '操作', status: '结果', detail: '内容', ip: '地址' },
      outcome: { ok: '完成', refused: '拒绝', failed: '失败' },
      count: (n) => `最近 ${n} 条`,
      empty: '没有符合条件的记录',
      loading: '正在载入…',
    },
    wo: {
      title: '工单',
      filters: { status: '状态', open: '未归档', all: '全部', category: '类别', team: '班组', channel: '渠道', list: '专项', any: '全部', noList: '无' },
      head: { id: '工单号', category: '类别', status: '状态', channel: '渠道', customers: '客户', created: '创建', deadline: '时限', supervision: '督办', flags: '标记' },
      count: (shown, total) => `显示 ${shown} / ${total} 件`,
      empty: '没有符合条件的工单',
      loading: '正在加载工单…',
      select: '选择左侧工单查看详情',
      loadingDetail: '正在加载工单详情…',
      facts: {
        customer: '客户',
        contacts: '来电',
        team: '班组',
        grid: '网格',
        transformer: '台区',
        zone: '区域',
        outage: '停电事件',
        created: '创建',
        updated: '更新',
        deadline: '时限',
      },
      limit: (step, span, at) => `${span}内${step}（${at} 前）`,
      triage: '研判',
      timeline: '处理过程',
      contacts: '来电记录',
      contactHead: { at: '时间', customer: '客户', channel: '渠道', type: '类型', text: '内容', warned: '事先预警', repeat: '重复' },
      callbacks: '回访',
      callback1: '是否解决',
      callback2: '满意度',
      notYet: '未回访',
      history: '该客户历史工单（近一年）',
      noHistory: '无历史工单',
      actions: {
        accept: '接单',
        'on-site': '到场',
        resolve: '处理完成',
        'callback-1': '回访：是否解决',
        'callback-2': '回访：满意度',
        transfer: '转派',
        reclassify: '重新分类',
        note: '添加备注',
      },
      next: '下一步',
      solvedYes: '已解决',
      solvedNo: '未解决',
      scoreTitle: '满意度评分（1–5）',
      transferTo: '转派至班组',
      reclassifyTo: '改为类别',
      notePlaceholder: '备注（处理完成、回访、转派时可选；添加备注时必填）',
      noteHint: '随处理完成、回访、转派一并记录',
      noteRequired: '请先填写备注',
      notNow: (st) => `工单${st}，当前不可进行此操作`,
      sameTeam: '工单已在该班组',
      sameCategory: '工单已是该类别',
      needsOfficer: '需值班员及以上角色',
      needsOwnTeam: '班组长仅限本班组工单；或需值班员及以上角色',
      readOnly: '只读（大屏账号）',
      done: (w) => `${w}：已完成`,
      callback1Done: (yes) => (yes ? '已记录回访：问题已解决，待满意度回访' : '已记录回访：问题未解决，工单已重新派单'),
      callback2Done: (n) => `已记录满意度 ${n} 分，工单已归档`,
      system: '系统',
    },
    handover: {
      title: '交接班汇总',
      shift: '班次',
      shifts: { current: '本班', previous: '上一班' },
      window: (from, to, asOf) => `${from} – ${to}${asOf ? `（统计至 ${asOf}）` : ''}`,
      rolling: '未配置交接班时间（SHIFT_HOURS），按最近 8 小时统计',
      shiftHours: (list) => `交接班时间 ${list}`,
      refresh: '刷新',
      print: '打印',
      loading: '正在生成交接班汇总…',
      printTitle: '交接班记录',
      printedBy: (user, at) => `${user} 于 ${at} 打印`,
      signOff: { outgoing: '交班人：', incoming: '接班人：', time: '交接时间：' },
      tiles: {
        outages: '新增停电',
        outagesSub: (n) => `影响 ${n} 户`,
        stillOut: '仍在停电',
        stillOutSub: (n) => `${n} 户未复电`,
        alerts: '投诉预警',
        alertsSub: (n) => `未关闭 ${n} 条`,
        notices: '主动通知',
        noticesSub: (n) => `通知 ${n} 户次`,
        orders: '新建工单',
        ordersSub: (n) => `未归档 ${n} 件`,
        complaints: '投诉',
        complaintsSub: (n) => `来电 ${n} 次`,
      },
      sections: {
        items: '待交接事项',
        outages: '停电事件',
        alerts: '投诉预警',
        notices: '主动通知',
        orders: '工单',
        complaints: '来电与投诉',
        largest: '本班最大停电',
        open: '仍在停电',
        openAlerts: '未关闭预警',
        attention: '超时 / 督办工单',
      },
      items: {
        none: '无待交接事项',
        more: (n) => `另有 ${n} 项未列出`,
        kind: { alert: '投诉预警', outage: '停电', order: '工单' },
        head: { kind: '类别', what: '事项', since: '起始', customers: '客户', state: '状态', why: '交接原因' },
        open: '详情',
      },
      reasons: {
        unacknowledged: '未确认',
        'not-resolved': '未关闭',
        'escalated-shift-lead': '已升级至值班长',
        'escalated-manager': '已升级至主任',
        critical: '严重',
        'crew-priority': '抢修优先',
        'still-out': '仍在停电',
        'etr-passed': '已过预计复电时间',
        'no-etr': '无预计复电时间',
        overdue: '超时',
        'supervision-team-leader': '班组督办',
        'supervision-department': '部门督办',
        'supervision-company': '公司督办',
        reopened: '重新派单',
      },
      fig: {
        started: '新增停电（起）',
        customers: '影响客户（户）',
        planned: '计划',
        customerSide: '客户侧',
        momentary: '瞬时停电（次）',
        restored: '恢复送电（起）',
        customersRestored: '恢复客户（户）',
        carriedIn: '接班时未恢复（起）',
        openCount: '仍在停电（起）',
        customersOut: '未复电客户（户）',
        raised: '发出预警（条）',
        flooded: '合并发出',
        acknowledged: '确认（条）',
        actioned: '采取措施（条）',
        escalatedShiftLead: '升级至值班长（条）',
        escalatedManager: '升级至主任（条）',
        resolved: '关闭（条）',
        resolvedBySystem: '随复电自动关闭',
        responseMedian: '响应时间（中位数）',
        sent: '发送通知（条）',
        recipients: '通知客户（户次）',
        noticeOutages: '涉及停电（起）',
        updates: '复电时间更新',
        failed: '推送失败（条）',
        created: '新建工单（件）',
        resolvedOrders: '处理完成（件）',
        closed: '归档（件）',
        overdue: '超时（件）',
        escalated: '升级督办（件）',
        reopened: '重新派单（件）',
        openTotal: '未归档（件）',
        contacts: '来电（次）',
        complaints: '投诉（次）',
        outageComplaints: '停电投诉（次）',
        warned: '事先已预警或通知',
        repeat: '重复投诉（次）',
      },
      head: {
        device: '停电位置',
        status: '状态',
        customers: '客户',
        out: '未复电',
        started: '开始',
        restored: '恢复',
        etr: '预计复电',
        alert: '预警',
        notices: '通知',
        raised: '发出',
        severity: '级别',
        escalation: '督办',
        actions: '已采取措施',
      },
      none: '无',
      minutes: (n) => `${n} 分钟`,
      severity: (w) => `${w}级`,
      etrPassed: '已过',
      of: (parts) => `（${parts.join('，')}）`,
    },
    outagePane: {
      open: '停电详情',
      openTitle: '查看停电的定位依据、客户、复电时间、过程、通知和工单',
      title: '停电详情',
      close: '关闭',
      loading: '正在加载停电详情…',
      facts: {
        id: '事件编号',
        status: '状态',
        level: '定位层级',
        feeder: '馈线',
        customers: '影响客户',
        customersOut: '未复电客户',
        stationAreas: '台区',
        started: '开始',
        detected: '发现',
        restored: '恢复',
        duration: '历时',
        etr: '预计复电',
        faultSection: '故障区段',
        parent: '并入',
      },
      etrPassed: '已过预计复电时间',
      stillOut: '仍在停电',
      evidence: '定位依据',
      stationAreas: '停电台区',
      stationAreasMore: (n) => `另有 ${n} 个台区`,
      restoredMark: '已复电',
      risk: '投诉风险（1小时内）',
      riskNone: '无风险评估（已恢复、已并入或尚未评估）',
      timeline: '过程',
      tl: {
        started: '开始停电',
        detected: '系统发现',
        restored: '全部复电',
        step: (n) => `${n} 户复电`,
        notice: (n, etr) => `通知 ${n} 户${etr ? `，预计 ${etr} 复电` : '，复电时间待定'}`,
        noticeFailed: '推送失败',
        alert: (w) => `预警：${w}`,
      },
      notices: '已发通知',
      noNotices: '未发过通知',
      noticeHead: { at: '时间', by: '发送人', customers: '客户', etr: '预计复电', delivery: '推送', text: '内容' },
      delivered: '成功',
      orders: '相关工单',
      noOrders: '无相关工单',
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
    reliability: 'SAIFI, month to date',
    saifiUnit: 'per cust.',
    saidiMonth: (m) => `SAIDI ${m} min`,
    activeOutages: 'Active outages',
    customersOut: 'Customers out',
    shareOfServed: (pct, served) => `${pct} of ${served} served`,
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
    notes: EVIDENCE_EN,
  },
  map: {
    loading: 'Loading network map…',
    unavailable: 'Network map unavailable, retrying',
    legendNormal: 'Area normal',
    legendOut: 'Area out',
    legendPlanned: 'Planned',
    legendRecent: 'Momentary / restored',
    legendSubstation: 'Substation',
    legendCluster: 'Areas (size ∝ customers)',
    legendOutCluster: 'Out (figure: customers out)',
    legendHeat: 'High complaint risk',
    legendRisk: 'Complaint risk',
    legendAlert: 'Alert not acknowledged',
  },
  network: 'Network',
  mapCounts: (ss, f, ta, c) => `${ss} substations · ${f} feeders · ${ta} areas · ${c} customers`,
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
    kpiTitle: 'Outage complaints today',
    vsPredicted: (p) => `${p} predicted`,
    chartTitle: 'Outage complaints per hour: predicted vs actual',
    predicted: 'Predicted',
    actual: 'Actual',
    last24h: 'per hour · 24 h',
  },
  orders: {
    category: { outage: 'Outage', voltage: 'Voltage quality', billing: 'Billing', attitude: 'Service attitude', other: 'Other' },
    status: { created: 'Created', dispatched: 'Dispatched', accepted: 'Accepted', 'on-site': 'On site', resolved: 'Resolved', 'callback-1': 'Called back (solved)', closed: 'Closed' },
    supervision: { none: 'None', 'team-leader': 'Team leader', department: 'Department', company: 'Company' },
    supervisionShort: { none: 'None', 'team-leader': 'Team lead', department: 'Dept.', company: 'Company' },
    channel: { hotline: '95598 hotline', app: 'State Grid app', wechat: 'WeChat grid group', hall: 'Service hall' },
    channelShort: { hotline: 'Hotline', app: 'App', wechat: 'WeChat', hall: 'Hall' },
    contactType: { report: 'report', enquiry: 'enquiry', complaint: 'complaint' },
    stepKind: {
      created: 'created',
      dispatched: 'dispatched',
      accepted: 'accepted',
      'on-site': 'on site',
      resolved: 'resolved',
      'callback-1': 'callback (solved?)',
      'callback-2': 'callback (satisfaction)',
      closed: 'closed',
      reopened: 'reopened',
      contact: 'contact',
      escalated: 'escalated',
      overdue: 'overdue',
      transferred: 'transferred',
      reclassified: 'reclassified',
      note: 'note',
    },
    triage: {
      outage: 'linked to an outage',
      planned: 'planned outage',
      restored: 'outage just restored',
      'customer-side': 'customer side',
      unverified: 'not verified: crew to check',
      'voltage-confirmed': 'abnormal voltage confirmed',
      'voltage-normal': 'voltage normal',
      'voltage-no-data': 'no voltage data',
      none: 'nothing to check',
    },
    list: { repeat: 'Repeat contacts', abnormal: 'Abnormal', 'low-satisfaction': 'Low satisfaction' },
    zone: { urban: 'urban', rural: 'rural', remote: 'remote' },
    dueStep: { 'on-site': 'on site', resolved: 'resolved' },
    minutes: (m) => {
      const d = Math.floor(m / 1440);
      const h = Math.floor((m % 1440) / 60);
      const mm = m % 60;
      if (d > 0) return `${d} d${h ? ` ${h} h` : ''}`;
      if (h > 0) return `${h} h${mm ? ` ${mm} min` : ''}`;
      return `${mm} min`;
    },
    overdueBy: (s) => `overdue ${s}`,
    timeLeft: (s) => `${s} left`,
    met: 'on time',
    metLate: 'met late',
    repeat: 'repeat',
    repeatWithin: (d) => `repeat within ${d} d`,
    reopened: (n) => (n > 1 ? `reopened ×${n}` : 'reopened'),
    transferred: (n) => (n > 1 ? `transferred ×${n}` : 'transferred'),
    reclassified: 'reclassified',
    complaint: 'complaint',
    overdue: 'overdue',
    warned: 'warned',
    crew: 'crew needed',
    noCrew: 'no crew',
    solved: (yes) => (yes ? 'solved' : 'not solved'),
    score: (n) => `${n} / 5`,
  },
  service: {
    title: 'Work orders',
    open: (n) => `${n} open`,
    complaintsPer10k: 'Compl. / 10k',
    overdueRate: 'Overdue',
    firstContactResolution: 'First-contact fix',
    satisfaction: 'Satisfaction',
    repeatRate: 'Repeat compl.',
    warnedShare: 'Warned first',
    channelMix: 'Contacts today by channel',
    attention: 'Overdue / escalated',
    noAttention: 'No overdue or escalated orders',
    more: (n) => `${n} more`,
    hints: {
      complaintsPer10k: 'Complaints today per 10,000 customers served',
      overdueRate: "Share of today's orders that missed their time limit",
      firstContactResolution: 'Closed orders never reopened in which no customer had to contact twice',
      satisfaction: 'Mean satisfaction score of the callbacks (1–5)',
      repeatRate: 'Complaints from customers who complained within the previous 90 days',
      warnedShare: 'Outage complaints preceded by an alert or a notice',
      openOrders: 'Orders not closed yet, whichever day they came in',
    },
    trend: { title: 'Contacts by channel, overdue rate', overdueRate: 'Late', span: 'per hour · last 24 h', hint: 'Bars: contacts per hour by channel; line: share of the orders due in the hour that missed their time limit' },
  },
  ticker: {
    title: 'Alerts & escalations',
    none: 'No alerts or escalations in the last 6 hours',
    alertRaised: (sev) => `Complaint alert · ${sev}`,
    severity: { warning: 'warning', high: 'high', critical: 'critical' },
    alertEscalated: (level) => `Alert not acknowledged → ${level}`,
    orderEscalated: (level) => `Order escalated → ${level}`,
    orderOverdue: 'Order overdue',
    customers: (n) => `${n} cust.`,
    team: (id) => `team ${id}`,
  },
  console: {
    title: 'Duty console',
    toWall: 'Wall',
    signInTitle: 'Duty staff sign-in',
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    sessionExpired: 'Your session has expired; please sign in again',
    roles: { wall: 'wall', team: 'grid team leader', officer: 'duty officer', 'shift-lead': 'shift lead', manager: 'manager', admin: 'administrator' },
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
      forbidden: (m) => `Not allowed: ${m}`,
      orderConflict: (m) => `Not done (not allowed in the order's current state): ${m}`,
      badRequest: (m) => `Bad request: ${m}`,
      ownTeam: "Not allowed: a team leader may act only on the own team's orders",
    },
    tabs: { alerts: 'Complaint alerts', orders: 'Work orders', handover: 'Handover', audit: 'Audit log' },
    audit: {
      title: 'Audit log',
      actor: 'Who',
      actorPlaceholder: 'everyone (type a username)',
      refresh: 'Refresh',
      head: { at: 'Time', actor: 'Who', role: 'Role', action: 'Action', status: 'Result', detail: 'Details', ip: 'Address' },
      outcome: { ok: 'done', refused: 'refused', failed: 'failed' },
      count: (n) => `latest ${n}`,
      empty: 'No entries match',
      loading: 'Loading…',
    },
    wo: {
      title: 'Work orders',
      filters: { status: 'Status', open: 'Open', all: 'All', category: 'Category', team: 'Team', channel: 'Channel', list: 'Special list', any: 'All', noList: 'None' },
      head: { id: 'Order', category: 'Category', status: 'Status', channel: 'Channel', customers: 'Cust.', created: 'Created', deadline: 'Time limit', supervision: 'Supervision', flags: 'Flags' },
      count: (shown, total) => `${shown} of ${total}`,
      empty: 'No orders match',
      loading: 'Loading orders…',
      select: 'Select an order to see its details',
      loadingDetail: 'Loading the order…',
      facts: {
        customer: 'Customer',
        contacts: 'Contacts',
        team: 'Team',
        grid: 'Grid',
        transformer: 'Station area',
        zone: 'Zone',
        outage: 'Outage',
        created: 'Created',
        updated: 'Updated',
        deadline: 'Time limit',
      },
      limit: (step, span, at) => `${step} within ${span} (by ${at})`,
      triage: 'Triage',
      timeline: 'Timeline',
      contacts: 'Contacts',
      contactHead: { at: 'Time', customer: 'Customer', channel: 'Channel', type: 'Type', text: 'Text', warned: 'Warned', repeat: 'Repeat' },
      callbacks: 'Callbacks',
      callback1: 'Solved?',
      callback2: 'Satisfaction',
      notYet: 'not yet',
      history: "The customer's earlier orders (last year)",
      noHistory: 'No earlier orders',
      actions: {
        accept: 'Accept',
        'on-site': 'On site',
        resolve: 'Resolve',
        'callback-1': 'Callback: solved?',
        'callback-2': 'Callback: satisfaction',
        transfer: 'Transfer',
        reclassify: 'Reclassify',
        note: 'Add note',
      },
      next: 'next',
      solvedYes: 'Solved',
      solvedNo: 'Not solved',
      scoreTitle: 'Satisfaction score (1–5)',
      transferTo: 'Transfer to team',
      reclassifyTo: 'Change category to',
      notePlaceholder: 'Note (optional with resolve, callbacks and transfer; required to add a note)',
      noteHint: 'Recorded with Resolve, the callbacks and Transfer',
      noteRequired: 'Type a note first',
      notNow: (st) => `Not possible while the order is ${st.toLowerCase()}`,
      sameTeam: 'The order is with that team already',
      sameCategory: 'The order has that category already',
      needsOfficer: 'Needs the duty-officer role or higher',
      needsOwnTeam: "A team leader may act only on the own team's orders; otherwise needs the duty-officer role or higher",
      readOnly: 'Read-only (wall account)',
      done: (w) => `${w}: done`,
      callback1Done: (yes) => (yes ? 'Callback recorded: solved; the satisfaction callback is next' : 'Callback recorded: not solved; the order is dispatched again'),
      callback2Done: (n) => `Satisfaction ${n}/5 recorded; the order is closed`,
      system: 'system',
    },
    handover: {
      title: 'Shift handover',
      shift: 'Shift',
      shifts: { current: 'Current shift', previous: 'Previous shift' },
      window: (from, to, asOf) => `${from} – ${to}${asOf ? ` (as of ${asOf})` : ''}`,
      rolling: 'No shift times configured (SHIFT_HOURS): a shift is the last 8 hours',
      shiftHours: (list) => `Shifts change at ${list}`,
      refresh: 'Refresh',
      print: 'Print',
      loading: 'Preparing the handover summary…',
      printTitle: 'Shift handover record',
      printedBy: (user, at) => `Printed by ${user} at ${at}`,
      signOff: { outgoing: 'Handed over by:', incoming: 'Taken over by:', time: 'Time:' },
      tiles: {
        outages: 'Outages started',
        outagesSub: (n) => `${n} customers affected`,
        stillOut: 'Still out',
        stillOutSub: (n) => `${n} customers without power`,
        alerts: 'Complaint alerts',
        alertsSub: (n) => `${n} not resolved`,
        notices: 'Notices sent',
        noticesSub: (n) => `to ${n} customers`,
        orders: 'Work orders created',
        ordersSub: (n) => `${n} open`,
        complaints: 'Complaints',
        complaintsSub: (n) => `of ${n} contacts`,
      },
      sections: {
        items: 'Open items to hand over',
        outages: 'Outages',
        alerts: 'Complaint alerts',
        notices: 'Proactive notices',
        orders: 'Work orders',
        complaints: 'Contacts and complaints',
        largest: 'Largest outages of the shift',
        open: 'Still out',
        openAlerts: 'Alerts not resolved',
        attention: 'Overdue / escalated orders',
      },
      items: {
        none: 'Nothing open to hand over',
        more: (n) => `${n} more not listed`,
        kind: { alert: 'Alert', outage: 'Outage', order: 'Order' },
        head: { kind: 'Kind', what: 'Item', since: 'Since', customers: 'Customers', state: 'State', why: 'Why handed over' },
        open: 'Open',
      },
      reasons: {
        unacknowledged: 'not acknowledged',
        'not-resolved': 'not resolved',
        'escalated-shift-lead': 'with the shift lead',
        'escalated-manager': 'with the manager',
        critical: 'critical',
        'crew-priority': 'crew priority',
        'still-out': 'still out',
        'etr-passed': 'restoration time passed',
        'no-etr': 'no restoration time',
        overdue: 'overdue',
        'supervision-team-leader': 'team-leader supervision',
        'supervision-department': 'department supervision',
        'supervision-company': 'company supervision',
        reopened: 'reopened',
      },
      fig: {
        started: 'Outages started',
        customers: 'Customers affected',
        planned: 'planned',
        customerSide: 'customer side',
        momentary: 'Momentary interruptions',
        restored: 'Outages restored',
        customersRestored: 'Customers restored',
        carriedIn: 'Open when the shift began',
        openCount: 'Still out',
        customersOut: 'Customers without power',
        raised: 'Alerts raised',
        flooded: 'grouped',
        acknowledged: 'Acknowledged',
        actioned: 'With an action taken',
        escalatedShiftLead: 'Escalated to the shift lead',
        escalatedManager: 'Escalated to the manager',
        resolved: 'Resolved',
        resolvedBySystem: 'on restoration',
        responseMedian: 'Response time (median)',
        sent: 'Notices sent',
        recipients: 'Customers notified',
        noticeOutages: 'Outages notified',
        updates: 'Restoration-time updates',
        failed: 'Push failed',
        created: 'Orders created',
        resolvedOrders: 'Resolved',
        closed: 'Closed',
        overdue: 'Went overdue',
        escalated: 'Escalated',
        reopened: 'Reopened',
        openTotal: 'Open',
        contacts: 'Contacts',
        complaints: 'Complaints',
        outageComplaints: 'Outage complaints',
        warned: 'warned first',
        repeat: 'Repeat complaints',
      },
      head: {
        device: 'Outage at',
        status: 'Status',
        customers: 'Cust.',
        out: 'Out',
        started: 'Started',
        restored: 'Restored',
        etr: 'ETR',
        alert: 'Alert',
        notices: 'Notices',
        raised: 'Raised',
        severity: 'Severity',
        escalation: 'With',
        actions: 'Actions taken',
      },
      none: 'none',
      minutes: (n) => `${n} min`,
      severity: (w) => w.toLowerCase(),
      etrPassed: 'passed',
      of: (parts) => ` (${parts.join(', ')})`,
    },
    outagePane: {
      open: 'Outage',
      openTitle: "The outage's evidence, customers, restoration time, timeline, notices and work orders",
      title: 'Outage detail',
      close: 'Close',
      loading: 'Loading the outage…',
      facts: {
        id: 'Outage id',
        status: 'Status',
        level: 'Located at',
        feeder: 'Feeder',
        customers: 'Customers affected',
        customersOut: 'Still without power',
        stationAreas: 'Station areas',
        started: 'Started',
        detected: 'Detected',
        restored: 'Restored',
        duration: 'Duration',
        etr: 'ETR',
        faultSection: 'Fault section',
        parent: 'Nested in',
      },
      etrPassed: 'restoration time passed',
      stillOut: 'still out',
      evidence: 'Evidence: why it was located there',
      stationAreas: 'Station areas out',
      stationAreasMore: (n) => `${n} more`,
      restoredMark: 'back',
      risk: 'Complaint risk (next hour)',
      riskNone: 'No risk score (restored, nested or not scored yet)',
      timeline: 'Timeline',
      tl: {
        started: 'power lost',
        detected: 'detected',
        restored: 'all restored',
        step: (n) => `${n} customers restored`,
        notice: (n, etr) => `notice to ${n} customers, ${etr ? `ETR ${etr}` : 'no ETR yet'}`,
        noticeFailed: 'push failed',
        alert: (w) => `alert ${w}`,
      },
      notices: 'Notices sent',
      noNotices: 'No notices sent',
      noticeHead: { at: 'Time', by: 'Sent by', customers: 'Customers', etr: 'ETR', delivery: 'Push', text: 'Text' },
      delivered: 'ok',
      orders: 'Work orders',
      noOrders: 'No work orders about it',
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
 * An evidence note in the wall's language, worded from its code and args, times as `time` shows
 * them; the server's English note when there is no code (rows stored before codes) or one this
 * build does not know.
 */
export function evidenceText(e: Pick<OutageEvidence, 'note' | 'code' | 'args'>, lang: Lang, time: (ms: number) => string): string {
  if (!isWordedEvidence(e)) return e.note ?? '';
  const sep = lang === 'en' ? ', ' : '、';
  const f: NoteFormat = { time: (ms) => time(Number(ms)), list: (ids) => listIds(ids, sep) };
  // One template per code; the args were checked against the code's names above.
  const word = DICTS[lang].detail.notes[e.code] as (a: Record<string, string | number>, f: NoteFormat) => string;
  return word(e.args, f);
}

/** Short label of an evidence kind; a qualified kind ("breaker.reclose, confirmed by T1") by its first word; unknown kinds as they are. */
export function evidenceKind(kind: string, lang: Lang): string {
  const kinds = DICTS[lang].detail.kinds;
  return kinds[kind] ?? kinds[/^[\w.-]+/.exec(kind)?.[0] ?? ''] ?? kind;
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

/**
 * A note of a work order's step (server/src/orders/desk.ts words them in English) in the
 * console's language: team names are picked from their bilingual form, categories, channels,
 * steps and levels translated; a user's own text after "problem solved: " etc. is kept as typed.
 * Anything not recognised passes through.
 */
export function orderNote(note: string, lang: Lang): string {
  const w = DICTS[lang].orders;
  const team = (name: string) => pickName(name, lang);
  const due = (s: string) => w.dueStep[s as 'on-site' | 'resolved'] ?? s;
  const userText = (rest: string | undefined) => (rest ? (lang === 'en' ? `: ${rest}` : `：${rest}`) : '');
  if (lang === 'en') {
    const m = /^to (.+?) \((grid \S+, \w+)\); (.+)$/.exec(note);
    return m ? `to ${team(m[1]!)} (${m[2]}); ${m[3]}` : note;
  }
  let m = /^to (.+?) \(grid (\S+), (\w+)\); ([\w-]+) within (\d+) min$/.exec(note);
  if (m) return `派至${team(m[1]!)}（网格 ${m[2]}，${w.zone[m[3] as Zone] ?? m[3]}）；${m[5]} 分钟内${due(m[4]!)}`;
  m = /^to (.+?) again; ([\w-]+) within (\d+) min$/.exec(note);
  if (m) return `再次派至${team(m[1]!)}；${m[3]} 分钟内${due(m[2]!)}`;
  m = /^no team owns grid (\S+)$/.exec(note);
  if (m) return `网格 ${m[1]} 无归属班组`;
  m = /^(\w+) \((.*)\); triage: ([\w-]+)$/.exec(note);
  if (m) return `${w.category[m[1] as OrderCategory] ?? m[1]}（${m[2]}）；研判：${w.triage[m[3] as TriageResult] ?? m[3]}`;
  m = /^(\w+) (\w+) from (\S+)(?: \(repeat within (\d+) d\))?$/.exec(note);
  if (m && m[1]! in w.channel) return `${w.channel[m[1] as Channel]}${w.contactType[m[2] as ContactType] ?? m[2]}，客户 ${m[3]}${m[4] ? `（${w.repeatWithin(Number(m[4]))}）` : ''}`;
  m = /^([\w-]+): ([\w-]+) not reached at (\d+)% of (\d+) min$/.exec(note);
  if (m) return `${w.supervision[m[1] as SupervisionLevel] ?? m[1]}：时限 ${m[4]} 分钟已过 ${m[3]}%，仍未${due(m[2]!)}`;
  m = /^([\w-]+) not reached within (\d+) min$/.exec(note);
  if (m) return `${m[2]} 分钟内未${due(m[1]!)}`;
  m = /^(\d+) min after the time limit$/.exec(note);
  if (m) return `超过时限 ${m[1]} 分钟`;
  m = /^problem (not )?solved(?:: (.*))?$/s.exec(note);
  if (m) return `${w.solved(!m[1])}${userText(m[2])}`;
  m = /^satisfaction (\d)\/5(?:: (.*))?$/s.exec(note);
  if (m) return `满意度 ${m[1]}/5${userText(m[2])}`;
  if (note === 'reopened after a failed callback') return '回访未解决，重新派单';
  m = /^from (\S+) to (\S+)(?:: (.*))?$/s.exec(note);
  if (m) return `由 ${m[1]} 转派至 ${m[2]}${userText(m[3])}`;
  m = /^(\w+) → (\w+); limit (\d+) min$/.exec(note);
  if (m) return `${w.category[m[1] as OrderCategory] ?? m[1]} → ${w.category[m[2] as OrderCategory] ?? m[2]}；时限 ${m[3]} 分钟`;
  m = /^power restored at (\d\d:\d\d) UTC \(outage (\S+)\)$/.exec(note);
  if (m) return `${m[1]}（UTC）已复电（停电事件 ${m[2]}）`;
  m = /^merged into (\S+): (.*)$/.exec(note);
  if (m) return `已并入 ${m[1]}：${m[2]}`;
  m = /^took in (\S+) \((\d+) contacts\): (.*)$/.exec(note);
  if (m) return `并入 ${m[1]}（${m[2]} 次来电）：${m[3]}`;
  m = /^linked to outage (\S+): (.*)$/.exec(note);
  if (m) return `关联停电事件 ${m[1]}：${m[2]}`;
  return note;
}
