import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../src/ingest/batchWriter.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A write the test finishes by hand: each call waits for `release(i)` or `fail(i, err)`. */
function manualWrites() {
  const calls: { rows: number[]; resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  const write = (rows: number[]) => new Promise<number>((resolve, reject) => calls.push({ rows: [...rows], resolve, reject }));
  return { calls, write };
}

describe('BatchWriter', () => {
  it('writes full batches at once and the rest after flushMs, settling every row in order', async () => {
    const w = manualWrites();
    const bw = new BatchWriter<number>({ name: 't', write: w.write, maxBatch: 3, flushMs: 10 });
    bw.pushMany([1, 2, 3, 4]);
    expect(w.calls.map((c) => c.rows)).toEqual([[1, 2, 3]]);
    expect(bw.size).toBe(4);
    w.calls[0]!.resolve(3);
    await tick();
    expect(bw.settled).toBe(3);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.calls.map((c) => c.rows)).toEqual([[1, 2, 3], [4]]);
    w.calls[1]!.resolve(1);
    await tick();
    expect([bw.pushed, bw.settled, bw.size]).toEqual([4, 4, 0]);
  });

  it('with concurrency 2, settles in push order even when the later batch commits first', async () => {
    const w = manualWrites();
    const written: number[] = [];
    const bw = new BatchWriter<number>({ name: 't', write: w.write, maxBatch: 2, flushMs: 1e6, concurrency: 2, onWritten: (n) => written.push(n) });
    bw.pushMany([1, 2, 3, 4, 5, 6]);
    expect(w.calls.map((c) => c.rows)).toEqual([[1, 2], [3, 4]]);
    w.calls[1]!.resolve(2);
    await tick();
    expect(bw.settled).toBe(0); // [1, 2] is still in flight
    expect(w.calls.map((c) => c.rows)).toEqual([[1, 2], [3, 4], [5, 6]]);
    w.calls[0]!.resolve(2);
    await tick();
    expect(bw.settled).toBe(4);
    w.calls[2]!.resolve(2);
    await tick();
    expect([bw.settled, bw.size]).toEqual([6, 0]);
    expect(written).toEqual([2, 2, 2]);
  });

  it('keeps a failed batch and retries it before anything after it settles', async () => {
    const w = manualWrites();
    const errors: string[] = [];
    const bw = new BatchWriter<number>({ name: 't', write: w.write, maxBatch: 2, flushMs: 1e6, concurrency: 2, onError: (e) => errors.push(e.message) });
    bw.pushMany([1, 2, 3, 4]);
    w.calls[0]!.reject(new Error('connection refused'));
    w.calls[1]!.resolve(2);
    await tick();
    expect(errors).toEqual(['connection refused']);
    expect(bw.settled).toBe(0);
    expect(bw.size).toBe(4);
    expect(bw.lastError?.message).toBe('connection refused');
    // The retry comes after the backoff (250 ms), alone.
    await new Promise((r) => setTimeout(r, 300));
    expect(w.calls.map((c) => c.rows)).toEqual([[1, 2], [3, 4], [1, 2]]);
    w.calls[2]!.resolve(2);
    await tick();
    expect([bw.settled, bw.size, bw.lastError]).toEqual([4, 0, null]);
  });

  it('writes a batch the database refuses one row at a time, dropping only the bad rows', async () => {
    const rejected: number[] = [];
    const stored: number[] = [];
    const dataError = Object.assign(new Error('value out of range'), { code: '22003' });
    const bw = new BatchWriter<number>({
      name: 't', maxBatch: 10, flushMs: 1e6, onRejected: (row) => rejected.push(row),
      write: async (rows) => {
        if (rows.includes(13)) throw dataError;
        stored.push(...rows);
        return rows.length;
      },
    });
    bw.pushMany([11, 12, 13, 14]);
    await bw.flush();
    expect(stored).toEqual([11, 12, 14]);
    expect(rejected).toEqual([13]);
    expect(bw.settled).toBe(4);
  });

  it('close() gives up at its deadline and reports the rows it could not write', async () => {
    const bw = new BatchWriter<number>({ name: 't', maxBatch: 10, flushMs: 1e6, write: async () => { throw new Error('down'); } });
    bw.pushMany([1, 2, 3]);
    expect(await bw.close(300)).toBe(3);
    expect(bw.settled).toBe(0);
  });
});
