import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toEpochMs, type PlannedOutageMessage } from '@gridwatch/shared';
import { createReplay, ndjsonWriter, readRecording, RECORD_FORMAT, toRecorded, type RunHeader } from '../src/record.ts';
import { contractProblem, eventsOf, H, isEvents, simulate, START } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gw-record-'));
const header: RunHeader = { format: RECORD_FORMAT, network: 'demo', scenario: 'planned', seed: 1, startSimMs: START, prefix: 'gw/v1' };

describe('record and replay', () => {
  it('replays a recording with every timestamp moved by the same amount', async () => {
    const { messages } = simulate({ scenario: 'planned', leadS: 600, outageS: 1800, field: { readingIntervalS: 300 } }, 2 * H);
    const file = path.join(dir, 'planned.ndjson');
    const writer = ndjsonWriter(file, header);
    for (const m of messages) writer.write(toRecorded(m));
    await writer.close();

    const recording = readRecording(file);
    expect(recording.header).toEqual(header);
    expect(recording.messages).toHaveLength(messages.length);
    const shift = 10 * 24 * H + 123;
    const replay = createReplay(recording, shift, 'site/a');
    const first = replay.advance(START + shift + H).messages;
    const rest = replay.advance(replay.endSimMs).messages;
    const replayed = [...first, ...rest];
    expect(replayed).toHaveLength(messages.length);
    expect(first.every((m) => m.atSimMs <= START + shift + H)).toBe(true);
    for (const [i, m] of replayed.entries()) {
      const original = messages[i]!;
      expect(m.atSimMs).toBe(original.atSimMs + shift);
      expect(m.topic).toBe(original.topic.replace(/^gw\/v1/, 'site/a'));
      expect(contractProblem({ ...m, topic: original.topic })).toBe('ok');
      if (isEvents(original)) {
        expect(eventsOf(m).map((e) => toEpochMs(e.ts))).toEqual(eventsOf(original).map((e) => toEpochMs(e.ts) + shift));
      } else {
        const [a, b] = [m.payload as { ts: string }, original.payload as { ts: string }];
        expect(toEpochMs(a.ts)).toBe(toEpochMs(b.ts) + shift);
      }
      if (original.topic.endsWith('/oms/planned')) {
        const [a, b] = [m.payload as PlannedOutageMessage, original.payload as PlannedOutageMessage];
        expect(toEpochMs(a.start) - toEpochMs(b.start)).toBe(shift);
        expect(toEpochMs(a.end) - toEpochMs(b.end)).toBe(shift);
      }
    }
    expect(replay.advance(Infinity).messages).toEqual([]);
  });

  it('rejects files that are not recordings', () => {
    const bad = path.join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"format":"something-else"}\n');
    expect(() => readRecording(bad)).toThrow(/not a simulator recording/);
    writeFileSync(bad, `${JSON.stringify(header)}\n{"at":2,"topic":"t","payload":{}}\n{"at":1,"topic":"t","payload":{}}\n`);
    expect(() => readRecording(bad)).toThrow(/bad\.ndjson:3: messages out of time order/);
    writeFileSync(bad, `${JSON.stringify(header)}\n{"at":2}\n`);
    expect(() => readRecording(bad)).toThrow(/bad\.ndjson:2: expected/);
  });
});
