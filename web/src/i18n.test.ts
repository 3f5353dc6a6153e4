import { describe, expect, it } from 'vitest';
import { DICTS, reasonText, reasonValue, systemNote } from './i18n.ts';

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
