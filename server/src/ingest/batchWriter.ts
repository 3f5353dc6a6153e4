// A bounded write buffer for one table: rows are flushed in batches by size or age, up to
// `concurrency` batches at a time (each on its own connection); a failed batch keeps its rows and
// is retried with backoff, so a database outage costs latency, not data. Rows settle strictly in
// the order they were pushed (`settled`), whatever order concurrent batches finish in, so a caller
// can tell when everything up to a position is committed (and only then acknowledge the message
// that produced it). The caller watches `size` to apply backpressure upstream.

export interface BatchWriterOptions<Row> {
  name: string;
  write: (rows: Row[]) => Promise<number>;
  maxBatch: number;
  flushMs: number;
  /** Batches in flight at once (default 1: batches are then written in order). */
  concurrency?: number;
  /** Called after every successful write with rows written and rows attempted. */
  onWritten?: (written: number, attempted: number) => void;
  onError?: (err: Error) => void;
  onDrained?: () => void;
  /** A row the database refuses (data error, not an outage): it is handed here and dropped. */
  onRejected?: (row: Row, err: Error) => void;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): retrying the same rows cannot help. */
const isDataError = (err: unknown) => /^2[23]/.test(String((err as { code?: unknown }).code ?? ''));

interface Batch<Row> {
  rows: Row[];
  state: 'writing' | 'failed' | 'done';
}

export class BatchWriter<Row> {
  private buffer: Row[] = [];
  /** Batches taken from the buffer and not yet settled, oldest first. */
  private batches: Batch<Row>[] = [];
  private batchedRows = 0;
  private writing = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private closed = false;
  private pushedRows = 0;
  private doneRows = 0;
  private readonly concurrency: number;
  lastError: Error | null = null;

  constructor(private readonly o: BatchWriterOptions<Row>) {
    this.concurrency = Math.max(1, o.concurrency ?? 1);
  }

  /** Rows held: buffered or in a batch not yet settled. */
  get size(): number {
    return this.buffer.length + this.batchedRows;
  }

  /** Rows ever pushed; a row is settled once `settled` has passed its position. */
  get pushed(): number {
    return this.pushedRows;
  }

  /** Rows settled, in push order: committed, or refused by the database and handed to onRejected. */
  get settled(): number {
    return this.doneRows;
  }

  push(row: Row): void {
    this.buffer.push(row);
    this.pushedRows++;
    this.schedule();
  }

  pushMany(rows: readonly Row[]): void {
    for (const r of rows) this.buffer.push(r);
    this.pushedRows += rows.length;
    this.schedule();
  }

  /** Writes everything held now, retrying failures at once; rejects only if `close()` gave up. */
  async flush(): Promise<void> {
    while (this.size > 0) {
      if (!this.startNext() && this.inFlight.size > 0) await Promise.race(this.inFlight);
    }
  }

  /** Flushes what is left, retrying until `deadlineMs`; returns rows that could not be written. */
  async close(deadlineMs = 10_000): Promise<number> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const until = Date.now() + deadlineMs;
    while (this.size > 0 && Date.now() < until) {
      if (this.startNext()) continue;
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      if (this.lastError && this.writing === 0) await new Promise((r) => setTimeout(r, 200));
    }
    return this.size;
  }

  /**
   * Starts a batch if a slot is free: a failed batch first (alone: retries are serial), else the
   * next rows of the buffer. Returns whether one started.
   */
  private startNext(): boolean {
    const failed = this.batches.find((b) => b.state === 'failed');
    if (failed) {
      if (this.writing > 0) return false;
      this.start(failed);
      return true;
    }
    if (this.writing >= this.concurrency || this.buffer.length === 0) return false;
    const rows = this.buffer.length <= this.o.maxBatch ? this.buffer.splice(0) : this.buffer.splice(0, this.o.maxBatch);
    const batch: Batch<Row> = { rows, state: 'writing' };
    this.batches.push(batch);
    this.batchedRows += rows.length;
    this.start(batch);
    return true;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.batches.some((b) => b.state === 'failed')) {
      // Retry after the backoff, once the batches still in flight have finished.
      if (this.writing === 0 && !this.timer) this.setTimer(this.retryMs);
      return;
    }
    while (this.buffer.length >= this.o.maxBatch && this.startNext());
    if (this.buffer.length > 0 && this.writing < this.concurrency && !this.timer) this.setTimer(this.o.flushMs);
  }

  private setTimer(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.startNext();
      this.schedule();
    }, ms);
  }

  private start(batch: Batch<Row>): void {
    batch.state = 'writing';
    this.writing++;
    const p: Promise<void> = this.write(batch).finally(() => {
      this.writing--;
      this.inFlight.delete(p);
      this.schedule();
    });
    this.inFlight.add(p);
  }

  /** Writes a batch that holds a bad row one row at a time, so only the bad rows are lost. */
  private async isolate(batch: Row[]): Promise<number> {
    let written = 0;
    for (const row of batch) {
      try {
        written += await this.o.write([row]);
      } catch (err) {
        if (!isDataError(err)) throw err;
        this.o.onRejected?.(row, err as Error);
      }
    }
    return written;
  }

  private async write(batch: Batch<Row>): Promise<void> {
    try {
      let written: number;
      try {
        written = await this.o.write(batch.rows);
      } catch (err) {
        if (!isDataError(err)) throw err;
        written = await this.isolate(batch.rows);
      }
      batch.state = 'done';
      // The database answers again: batches that failed meanwhile are retried at once, not each
      // after the longest backoff (two failed batches took 10 s to go after an outage).
      this.retryMs = 0;
      if (!this.batches.some((b) => b.state === 'failed')) this.lastError = null;
      // Settle in push order: only the done batches at the front.
      while (this.batches[0]?.state === 'done') {
        const b = this.batches.shift()!;
        this.doneRows += b.rows.length;
        this.batchedRows -= b.rows.length;
      }
      this.o.onWritten?.(written, batch.rows.length);
      if (this.size === 0) this.o.onDrained?.();
    } catch (err) {
      batch.state = 'failed';
      this.lastError = err as Error;
      this.retryMs = Math.min(5_000, this.retryMs ? this.retryMs * 2 : 250);
      this.o.onError?.(err as Error);
    }
  }
}
