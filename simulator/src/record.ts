// Recording and replay of published traffic (`--record`, `replay`), and the ground-truth file
// (`--truth`). Both are NDJSON: a header line naming the run, then one object per line, so a
// harness can stream them. A replay shifts every timestamp by the same amount, so a recording
// made yesterday arrives as if it happened now (GridWatch rejects telemetry that is too old).
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { DEFAULT_TOPIC_PREFIX, parseTopic } from '@gridwatch/shared';
import type { Source } from './publisher.ts';
import type { OutMessage } from './world.ts';

export const RECORD_FORMAT = 'gridwatch-sim-record/1';
export const TRUTH_FORMAT = 'gridwatch-sim-truth/1';

/** First line of a recording and of a truth file. */
export interface RunHeader {
  format: typeof RECORD_FORMAT | typeof TRUTH_FORMAT;
  network: string;
  scenario: string;
  seed: number;
  startSimMs: number;
  prefix: string;
  /** The command line options that shaped the run, for the record. */
  options?: Record<string, unknown>;
}

/** One recorded message: when it left the field (simulated ms), where, what. */
export interface RecordedMessage {
  at: number;
  topic: string;
  payload: unknown;
}

export interface NdjsonWriter {
  write(value: unknown): void;
  close(): Promise<void>;
}

export function ndjsonWriter(file: string, header: RunHeader): NdjsonWriter {
  const out: WriteStream = createWriteStream(file);
  let failed: Error | null = null;
  out.on('error', (err) => (failed ??= err));
  out.write(JSON.stringify(header) + '\n');
  return {
    write(value) {
      if (failed) throw new Error(`${file}: ${failed.message}`);
      out.write(JSON.stringify(value) + '\n');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        out.end(() => (failed ? reject(new Error(`${file}: ${failed.message}`)) : resolve()));
      }),
  };
}

export const toRecorded = (m: OutMessage): RecordedMessage => ({ at: m.atSimMs, topic: m.topic, payload: m.payload });

export interface Recording {
  header: RunHeader;
  messages: RecordedMessage[];
}

export function readRecording(file: string): Recording {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const parse = (line: string, no: number) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (err) {
      throw new Error(`${file}:${no}: not JSON (${(err as Error).message})`);
    }
  };
  const header = parse(lines[0] ?? '', 1) as RunHeader;
  if (header?.format !== RECORD_FORMAT) throw new Error(`${file}: not a simulator recording (first line must have format "${RECORD_FORMAT}")`);
  const messages = lines.slice(1).map((line, i) => {
    const m = parse(line, i + 2) as RecordedMessage;
    if (typeof m?.at !== 'number' || typeof m.topic !== 'string' || m.payload === undefined) throw new Error(`${file}:${i + 2}: expected { at, topic, payload }`);
    return m;
  });
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]!.at < messages[i - 1]!.at) throw new Error(`${file}:${i + 2}: messages out of time order`);
  }
  return { header, messages };
}

const shiftTs = (ts: unknown, deltaMs: number): unknown => {
  if (typeof ts === 'number') return ts + deltaMs;
  if (typeof ts !== 'string') return ts;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms + deltaMs).toISOString();
};

/** A payload with every contract timestamp moved by `deltaMs`. */
export function retime(topic: string, payload: unknown, deltaMs: number, prefix = DEFAULT_TOPIC_PREFIX): unknown {
  if (deltaMs === 0 || typeof payload !== 'object' || payload === null) return payload;
  const p = payload as Record<string, unknown>;
  const kind = parseTopic(topic, prefix)?.kind;
  if (kind === 'meter-events' && Array.isArray(p.events)) {
    return { ...p, events: p.events.map((e: Record<string, unknown>) => ({ ...e, ts: shiftTs(e.ts, deltaMs) })) };
  }
  if (kind === 'planned') return { ...p, ts: shiftTs(p.ts, deltaMs), start: shiftTs(p.start, deltaMs), end: shiftTs(p.end, deltaMs) };
  if (kind) return { ...p, ts: shiftTs(p.ts, deltaMs) };
  return payload;
}

/**
 * Replays a recording as a publisher source: each message is due at its recorded instant plus
 * `shiftMs`, with its timestamps moved by the same amount; `prefix` rewrites the topic prefix.
 */
export function createReplay(recording: Recording, shiftMs: number, prefix = recording.header.prefix): Source & { readonly endSimMs: number } {
  const from = recording.header.prefix;
  const messages = recording.messages;
  let i = 0;
  return {
    endSimMs: (messages[messages.length - 1]?.at ?? recording.header.startSimMs) + shiftMs,
    advance(untilSimMs) {
      const out: OutMessage[] = [];
      while (i < messages.length && messages[i]!.at + shiftMs <= untilSimMs) {
        const m = messages[i++]!;
        const topic = prefix === from ? m.topic : prefix + m.topic.slice(from.length);
        out.push({ atSimMs: m.at + shiftMs, topic, payload: retime(m.topic, m.payload, shiftMs, from) });
      }
      return { messages: out, truth: [] };
    },
  };
}
