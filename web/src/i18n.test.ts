import { describe, expect, it } from 'vitest';
import { ORDER_STEP_KINDS, TRIAGE_RESULTS } from '@gridwatch/shared';
import { DICTS, orderNote, reasonText, reasonValue, systemNote } from './i18n.ts';

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
