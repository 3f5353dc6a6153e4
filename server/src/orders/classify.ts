// Classification of a contact: rules first (the category the intake system gave, under its many
// names), then keywords in the text (Chinese and English) when the category is missing or generic.
// A contact's type (report / enquiry / complaint) is taken as given, or read from the text.
import { CONTACT_TYPES, ORDER_CATEGORIES, type ContactType, type OrderCategory } from '@gridwatch/shared';

export interface Classification {
  category: OrderCategory;
  type: ContactType;
  /** How it was decided, for the order's timeline. */
  by: 'category' | 'keywords' | 'default';
  note: string;
}

/** Names intake systems use for each category (lower case). */
const CATEGORY_NAMES: Record<OrderCategory, readonly string[]> = {
  outage: ['outage', 'no-power', 'no power', 'power-cut', 'fault', 'repair', '停电', '故障报修', '报修', '抢修'],
  voltage: ['voltage', 'voltage-quality', 'power-quality', 'low-voltage', '电压', '电压质量', '低电压'],
  billing: ['billing', 'bill', 'payment', 'tariff', '电费', '缴费', '计量', '电价'],
  attitude: ['attitude', 'service', 'service-attitude', 'staff', '服务态度', '服务规范'],
  other: ['other', '其他'],
};

/** Categories that say nothing: the text decides. */
const GENERIC = new Set(['', 'other', 'general', 'unclassified', 'unknown', 'misc', '其他', '未分类', '咨询']);

/** Keywords per category, strongest first; the category with most hits wins, ties in this order. */
const KEYWORDS: [OrderCategory, readonly string[]][] = [
  ['outage', ['停电', '没电', '断电', '来电', '跳闸', '抢修', 'no power', 'power cut', 'power is out', 'power out', 'outage', 'blackout', 'lights out', 'without power', 'power is back', 'no electricity']],
  ['voltage', ['电压', '灯光闪', '灯闪', '电压低', '电压不稳', '空调启动不了', 'voltage', 'flicker', 'dim', 'brownout', 'lights are dim', 'appliances']],
  ['billing', ['电费', '缴费', '账单', '余额', '电表走', '计费', '发票', 'bill', 'billing', 'payment', 'balance', 'charged', 'invoice', 'tariff', 'meter reading']],
  ['attitude', ['态度', '不耐烦', '推诿', '服务差', '工作人员', '挂电话', 'rude', 'attitude', 'unhelpful', 'staff', 'hung up', 'impolite']],
];

const COMPLAINT_WORDS = ['投诉', '要求给个说法', '不满意', '曝光', '12398', 'complain', 'complaint', 'unacceptable', 'i want an explanation', 'explanation'];
const ENQUIRY_WORDS = ['咨询', '请问', '想核对', '什么时候', 'when will', 'how do i', 'enquiry', 'inquiry', 'question', '?', '？'];

const lower = (s: string) => s.trim().toLowerCase();

export function categoryFromName(name: string): OrderCategory | null {
  const n = lower(name);
  if (GENERIC.has(n)) return null;
  for (const c of ORDER_CATEGORIES) if (CATEGORY_NAMES[c].includes(n)) return c;
  return null;
}

function hits(text: string, words: readonly string[]): number {
  let n = 0;
  for (const w of words) if (text.includes(w)) n++;
  return n;
}

export function classifyContact(c: { category: string; type?: string | null; text?: string | null }): Classification {
  const text = lower(c.text ?? '');
  const type: ContactType =
    c.type && (CONTACT_TYPES as readonly string[]).includes(c.type)
      ? (c.type as ContactType)
      : hits(text, COMPLAINT_WORDS) > 0
        ? 'complaint'
        : hits(text, ENQUIRY_WORDS) > 0
          ? 'enquiry'
          : 'report';
  const named = categoryFromName(c.category);
  if (named) return { category: named, type, by: 'category', note: `category "${c.category}"` };
  let best: OrderCategory | null = null;
  let bestHits = 0;
  for (const [category, words] of KEYWORDS) {
    const n = hits(text, words);
    if (n > bestHits) [best, bestHits] = [category, n];
  }
  if (best) return { category: best, type, by: 'keywords', note: `keywords in the text (${bestHits})` };
  const generic = GENERIC.has(lower(c.category));
  return { category: 'other', type, by: 'default', note: generic ? 'no category and no keyword' : `unknown category "${c.category}"` };
}
