/**
 * Model outputs kept on disk between benchmark runs (under the ignored .run/), keyed by model and
 * the exact input text: configurations that share inputs (the first chunk of a chunked text is the
 * cut text) and repeated runs embed nothing twice. Append-only, one `sha256 base64` line per
 * vector, so an interrupted run keeps what it computed.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class VectorFileCache {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly file: string;

  constructor(dir: string, modelId: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${modelId.replace(/[^A-Za-z0-9.-]+/g, '_')}.vectors`);
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const [hash, encoded] = line.split(' ');
      if (!hash || !encoded) continue;
      const bytes = Buffer.from(encoded, 'base64');
      // Copied: a Buffer may start at an offset a Float32Array cannot view.
      this.vectors.set(hash, new Float32Array(new Uint8Array(bytes).buffer));
    }
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(hashOf(text));
  }

  setMany(entries: readonly { text: string; vector: Float32Array }[]): void {
    const lines = entries.map(({ text, vector }) => {
      const hash = hashOf(text);
      this.vectors.set(hash, vector);
      const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
      return `${hash} ${bytes.toString('base64')}\n`;
    });
    if (lines.length) appendFileSync(this.file, lines.join(''));
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
