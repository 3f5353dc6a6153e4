import { describe, expect, it } from 'vitest';
import { EVIDENCE_ARGS, ORDER_STEP_KINDS, TRIAGE_RESULTS, type EvidenceCode } from '@gridwatch/shared';
import { DICTS, evidenceKind, evidenceText, orderNote, reasonText, reasonValue, systemNote } from './i18n.ts';

describe('risk reasons in words', () => {
  it('has the words of every feature in both languages', () => {
    const en = Object.keys(DICTS.en.risk.features).sort();
    const zh = Object.keys(DICTS['zh-CN'].risk.features).sort();
    expect(zh).toEqual(en);
    expect(en.length).toBeGreaterThan(30);
  });

  it('localises the value patterns the server words in English', () => {
    expect(reasonValue('3 of 40', 'zh-CN')).toBe('3/40 户');
    expect(reasonValue('3 of 40', 'en')).toBe('3 of 40');
    expect(reasonValue('mean 1.4', 'zh-CN')).toBe('平均 1.4 次');
    expect(reasonValue('yes', 'en')).toBeNull();
    expect(reasonValue('something else', 'zh-CN')).toBe('something else');
  });

  it('words a reason: the feature, then its value when it adds something', () => {
    expect(reasonText({ feature: 'elapsed.1-2h', value: 'yes' }, 'zh-CN')).toBe('停电1–2小时');
    expect(reasonText({ feature: 'elapsed.1-2h', value: 'yes' }, 'en')).toBe('out for 1–2 h');
    expect(reasonText({ feature: 'sensitive', value: '8 of 33' }, 'zh-CN')).toBe('停电敏感客户 8/33 户');
    expect(reasonText({ feature: 'sensitive', value: '8 of 33' }, 'en')).toBe('outage-sensitive customers: 8 of 33');
    expect(reasonText({ feature: 'size', value: '412' }, 'en')).toBe('customers out: 412');
    expect(reasonText({ feature: 'size', value: '412' }, 'zh-CN')).toBe('停电户数 412');
    // A feature the wall does not know yet (a newer model) still shows.
    expect(reasonText({ feature: 'new.feature', value: 'yes' }, 'zh-CN')).toBe('new.feature');
  });
});

describe('system notes', () => {
  it('translates the notes the server writes and passes anything else through', () => {
    expect(systemNote('not acknowledged after 5 min: shift-lead', 'zh-CN')).toBe('5 分钟未确认，升级至值班长');
    expect(systemNote('P(complaint within 1 h) 98%, 3.8 expected', 'zh-CN')).toBe('1小时内投诉概率 98%，预计 3.8 起');
    expect(systemNote('P(complaint within 1 h) 61%, 1.0 expected; grouped (many alerts at once)', 'zh-CN')).toContain('已合并');
    expect(systemNote('warning → critical', 'zh-CN')).toBe('预警 → 严重');
    expect(systemNote('notify: notice to 33 customers, 10:30 UTC; MQTT ok, webhook not configured', 'zh-CN')).toBe('已通知 33 户，预计 10:30（UTC）复电；MQTT 成功，webhook 未配置');
    expect(systemNote('notice to 5 customers, no ETR; MQTT ok, webhook ok', 'zh-CN')).toBe('已通知 5 户，复电时间待定；MQTT 成功，webhook 成功');
    expect(systemNote('call list of 6 sensitive or critical customers', 'zh-CN')).toBe('外呼清单：敏感或重要客户 6 户');
    expect(systemNote('crew priority raised', 'zh-CN')).toBe('已提升抢修优先级');
    expect(systemNote('outage restored', 'zh-CN')).toBe('停电已恢复');
    expect(systemNote('客户已回电', 'zh-CN')).toBe('客户已回电');
    expect(systemNote('not acknowledged after 5 min: shift-lead', 'en')).toBe('not acknowledged after 5 min: shift-lead');
  });
});

describe('evidence notes in words', () => {
  const time = (ms: number) => `@${ms}`;
  const T0 = Date.parse('2026-11-27T08:00:00Z');

  it('words a coded note in the wall\'s language', () => {
    const located = { note: 'station area T000014: its concentrator reported power-off', code: 'located-concentrator' as const, args: { area: 'T000014' } };
    expect(evidenceText(located, 'zh-CN', time)).toBe('台区 T000014：集中器上报失电');
    expect(evidenceText(located, 'en', time)).toBe('station area T000014: its concentrator reported power-off');
    const lockout = { note: 'F0102-CB locked out: confirmed and located by protection', code: 'lockout' as const, args: { device: 'F0102-CB' } };
    expect(evidenceText(lockout, 'zh-CN', time)).toBe('F0102-CB 保护闭锁：由保护确认并定位');
    const meters = (n: number) => ({ note: '', code: 'located-meters' as const, args: { area: 'T1', meters: n } });
    expect(evidenceText(meters(1), 'en', time)).toBe('station area T1: 1 meter reported power-off');
    expect(evidenceText(meters(4), 'en', time)).toBe('station area T1: 4 meters reported power-off');
    expect(evidenceText(meters(4), 'zh-CN', time)).toBe('台区 T1：4 块电表上报失电');
  });

  it('shows times in the wall\'s format and lists ids the language\'s way', () => {
    const planned = { note: 'matches planned outage P1 (2026-11-27T08:00:00.000Z – …)', code: 'planned-match' as const, args: { plan: 'P1', startsAt: T0, endsAt: T0 + 3_600_000 } };
    expect(evidenceText(planned, 'zh-CN', time)).toBe(`与计划停电 P1 相符（@${T0} – @${T0 + 3_600_000}）`);
    expect(evidenceText(planned, 'en', time)).toBe(`matches planned outage P1 (@${T0} – @${T0 + 3_600_000})`);
    const fci = (quiet: string) => ({ note: '', code: 'fci-section' as const, args: { device: 'R1', quiet } });
    expect(evidenceText(fci('S1,S2'), 'zh-CN', time)).toBe('故障在 R1 下游（检测到故障电流），S1、S2 上游（未检测到）');
    expect(evidenceText(fci('S1,S2'), 'en', time)).toBe('fault below R1 (saw fault current), above S1, S2 (did not)');
    expect(evidenceText(fci(''), 'en', time)).toBe('fault below R1 (saw fault current)');
    const close = (confirmedBy: string) => ({ note: '', code: 'closed-isolating' as const, args: { device: 'B1', open: 'S1', confirmedBy } });
    expect(evidenceText(close('T4'), 'zh-CN', time)).toBe('B1 合闸，S1 仍分闸（台区 T4 已来电）');
    expect(evidenceText(close(''), 'en', time)).toBe('B1 closed; S1 still open (unconfirmed, taken as restored)');
  });

  it('falls back to the English note without a code, with an unknown code or with args missing', () => {
    const note = 'station area T000014: its concentrator reported power-off';
    expect(evidenceText({ note }, 'zh-CN', time)).toBe(note);
    expect(evidenceText({ note, code: 'located-by-drone' as EvidenceCode, args: { area: 'T000014' } }, 'zh-CN', time)).toBe(note);
    expect(evidenceText({ note, code: 'located-concentrator', args: {} }, 'zh-CN', time)).toBe(note);
    expect(evidenceText({ note, code: 'located-concentrator' }, 'zh-CN', time)).toBe(note);
  });

  it('has a template for every code in both languages that uses every arg and no other', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      expect(Object.keys(DICTS[lang].detail.notes).sort()).toEqual(Object.keys(EVIDENCE_ARGS).sort());
      for (const [code, names] of Object.entries(EVIDENCE_ARGS)) {
        const args = Object.fromEntries(names.map((k, i) => [k, k.endsWith('At') ? 1_000 + i : `v${i}x`]));
        const text = evidenceText({ note: 'english', code: code as EvidenceCode, args }, lang, time);
        expect(text, `${lang} ${code}`).not.toMatch(/undefined|NaN|english/);
        for (const [k, v] of Object.entries(args)) expect(text, `${lang} ${code} ${k}`).toContain(typeof v === 'number' ? `@${v}` : v);
      }
    }
  });

  it('labels a kind the engine qualified by its first word', () => {
    expect(evidenceKind('breaker.reclose, confirmed by T000004', 'zh-CN')).toBe('重合成功');
    expect(evidenceKind('switch.close (unconfirmed for 10 min, taken as restored)', 'en')).toBe('Switch closed');
    expect(evidenceKind('located', 'zh-CN')).toBe('定位');
    expect(evidenceKind('something.new', 'zh-CN')).toBe('something.new');
  });
});

describe('work orders in words', () => {
  it('has words for every step and triage result in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const k of ORDER_STEP_KINDS) expect(DICTS[lang].orders.stepKind[k]).toBeTruthy();
      for (const r of TRIAGE_RESULTS) expect(DICTS[lang].orders.triage[r]).toBeTruthy();
    }
    expect(DICTS['zh-CN'].orders.status['callback-1']).toBe('已回访(解决)');
    expect(DICTS['zh-CN'].orders.channel.wechat).toBe('微信网格群');
  });

  it('says a span of minutes and never "0 h"', () => {
    expect(DICTS['zh-CN'].orders.minutes(45)).toBe('45分钟');
    expect(DICTS['zh-CN'].orders.minutes(80)).toBe('1小时20分');
    expect(DICTS.en.orders.minutes(120)).toBe('2 h');
    expect(DICTS.en.orders.minutes(1500)).toBe('1 d 1 h');
  });

  it('translates the desk\'s notes and keeps what a user typed', () => {
    expect(orderNote('to 网格服务队 3 / Grid team 3 (grid G0003, urban); on-site within 45 min', 'zh-CN')).toBe('派至网格服务队 3（网格 G0003，城市）；45 分钟内到场');
    expect(orderNote('to 网格服务队 3 / Grid team 3 (grid G0003, urban); on-site within 45 min', 'en')).toBe('to Grid team 3 (grid G0003, urban); on-site within 45 min');
    expect(orderNote('team-leader: on-site not reached at 50% of 45 min', 'zh-CN')).toBe('班组督办：时限 45 分钟已过 50%，仍未到场');
    expect(orderNote('resolved not reached within 1440 min', 'zh-CN')).toBe('1440 分钟内未处理完成');
    expect(orderNote('hotline complaint from CU1 (repeat within 30 d)', 'zh-CN')).toBe('95598热线投诉，客户 CU1（30天内重复）');
    expect(orderNote('problem not solved: 客户说还是没电', 'zh-CN')).toBe('未解决：客户说还是没电');
    expect(orderNote('satisfaction 4/5', 'zh-CN')).toBe('满意度 4/5');
    expect(orderNote('outage → voltage; limit 45 min', 'zh-CN')).toBe('停电 → 电压质量；时限 45 分钟');
    expect(orderNote('power restored at 10:30 UTC (outage OUT-1)', 'zh-CN')).toBe('10:30（UTC）已复电（停电事件 OUT-1）');
    expect(orderNote('已联系客户', 'zh-CN')).toBe('已联系客户');
  });
});
