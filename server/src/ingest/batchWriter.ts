// A bounded write buffer for one table: rows are flushed in batches by size or age, one flush at
// a time; a failed flush keeps its rows and retries with backoff, so a database outage costs
// latency, not data. The caller watches `size` to apply backpressure upstream.

export interface BatchWriterOptions<Row> {
  name: string;
  write: (rows: Row[]) => Promise<number>;
  maxBatch: number;
  flushMs: number;
  /** Called after every successful write with rows written and rows attempted. */
  onWritten?: (written: number, attempted: number) => void;
  onError?: (err: Error) => void;
  onDrained?: () => void;
  /** A row the database refuses (data error, not an outage): it is handed here and dropped. */
  onRejected?: (row: Row, err: Error) => void;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): retrying the same rows cannot help. */
const isDataError = (err: unknown) => /^2[23]/.test(String((err as { code?: unknown }).code ?? ''));

export class BatchWriter<Row> {
  private buffer: Row[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private closed = false;
  lastError: Error | null = null;

  constructor(private readonly o: BatchWriterOptions<Row>) {}

  get size(): number {
    return this.buffer.length;
  }

  push(row: Row): void {
    this.buffer.push(row);
    this.schedule();
  }

  pushMany(rows: readonly Row[]): void {
    for (const r of rows) this.buffer.push(r);
    this.schedule();
  }

  /** Writes everything buffered now; rejects only if `close()` gave up. */
  async flush(): Promise<void> {
    while (this.buffer.length > 0 || this.inFlight) {
      if (this.inFlight) await this.inFlight;
      else await this.flushOnce();
    }
  }

  /** Flushes what is left, retrying until `deadlineMs`; returns rows that could not be written. */
  async close(deadlineMs = 10_000): Promise<number> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const until = Date.now() + deadlineMs;
    while ((this.buffer.length > 0 || this.inFlight) && Date.now() < until) {
      if (this.inFlight) await this.inFlight;
      else {
        await this.flushOnce();
        if (this.lastError) await new Promise((r) => setTimeout(r, 200));
      }
    }
    return this.buffer.length;
  }

  private schedule(): void {
    if (this.closed || this.inFlight) return;
    if (this.buffer.length >= this.o.maxBatch && !this.lastError) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.flushOnce();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flushOnce();
      }, Math.max(this.o.flushMs, this.retryMs));
    }
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

  private flushOnce(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer.slice(0, this.o.maxBatch);
    this.inFlight = (async () => {
      try {
        let written: number;
        try {
          written = await this.o.write(batch);
        } catch (err) {
          if (!isDataError(err)) throw err;
          written = await this.isolate(batch);
        }
        this.buffer.splice(0, batch.length);
        this.lastError = null;
        this.retryMs = 0;
        this.o.onWritten?.(written, batch.length);
        if (this.buffer.length === 0) this.o.onDrained?.();
      } catch (err) {
        this.lastError = err as Error;
        this.retryMs = Math.min(5_000, this.retryMs ? this.retryMs * 2 : 250);
        this.o.onError?.(err as Error);
      } finally {
        this.inFlight = null;
      }
      if (!this.closed && this.buffer.length > 0) this.schedule();
    })();
    return this.inFlight;
  }
}
