/**
 * Rendered matrix answers (JSON or CSV) kept per API process while the matrix has not changed
 * (`db/matrix.ts` matrixGeneration is asked on every read; it costs a fraction of a millisecond,
 * rendering 2,686 cells tens of milliseconds and the full CSV most of a second). Bounded in bytes,
 * oldest dropped first.
 */
export class MatrixCache {
  private readonly entries = new Map<string, { generation: string; body: string }>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 2 ** 20) {}

  get(key: string, generation: string): string | null {
    const e = this.entries.get(key);
    if (!e || e.generation !== generation) return null;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.body;
  }

  put(key: string, generation: string, body: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.entries.delete(key);
    }
    if (body.length > this.maxBytes) return;
    this.entries.set(key, { generation, body });
    this.bytes += body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length;
    }
  }
}
