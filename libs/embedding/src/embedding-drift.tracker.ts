/**
 * Detects a silent change of model, text builder or incoming data: the first `referenceSize`
 * vectors form a reference centroid, and the centroid of the most recent `windowSize` vectors is
 * compared with it (cosine distance, 0 = no drift).
 */
export class EmbeddingDriftTracker {
  private reference: Float64Array | null = null;
  private referenceSum: Float64Array;
  private referenceCount = 0;
  private window: Float32Array[] = [];

  constructor(
    private readonly dimension: number,
    private readonly referenceSize = 500,
    private readonly windowSize = 200,
  ) {
    this.referenceSum = new Float64Array(dimension);
  }

  add(vector: Float32Array): void {
    if (!this.reference) {
      for (let i = 0; i < this.dimension; i++) this.referenceSum[i] += vector[i];
      if (++this.referenceCount >= this.referenceSize) this.reference = this.referenceSum;
    }
    this.window.push(Float32Array.from(vector));
    if (this.window.length > this.windowSize) this.window.shift();
  }

  /** Null until the reference window is complete. */
  centroidShift(): number | null {
    if (!this.reference || this.window.length === 0) return null;
    const recent = new Float64Array(this.dimension);
    for (const v of this.window) for (let i = 0; i < this.dimension; i++) recent[i] += v[i];
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.dimension; i++) {
      dot += this.reference[i] * recent[i];
      a += this.reference[i] ** 2;
      b += recent[i] ** 2;
    }
    return a === 0 || b === 0 ? null : 1 - dot / Math.sqrt(a * b);
  }
}
