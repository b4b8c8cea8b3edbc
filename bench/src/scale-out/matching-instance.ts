/**
 * One matching-service instance as a process of its own, from the build (as `scripts/services.sh`
 * runs N of them; a ServiceProcess of @matchstream/testing): its pid for CPU sampling, its
 * ownership as `/health` states it, its readiness and load gauges while it starts, and its
 * consistency audit. The scale-out section starts N at once and waits until the group has
 * settled, not for one instance's readiness.
 */
import { request } from 'node:http';
import { ServiceProcess } from '@matchstream/testing';
import { parseLoadMetrics } from './load-watch';
import type { LoadMetrics } from './load-watch';

/** What `/health` says about an instance's share: "instance X: ready, partitions [0, 1] of 6". */
export interface Ownership {
  instance: string;
  phase: string;
  partitions: number[];
  of: number;
}

/** Parses the ownership component's detail; null when it is not in that form. */
export function parseOwnershipDetail(detail: string): Ownership | null {
  const m = /^instance (\S+): ([\w-]+), partitions \[([\d,\s]*)\] of (\d+)/.exec(detail);
  if (!m) return null;
  const partitions = m[3]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { instance: m[1], phase: m[2], partitions, of: Number(m[4]) };
}

/**
 * True when every instance is ready and their partitions divide the topic: each partition held
 * by exactly one of them (after the last rebalance, no handover in progress).
 */
export function groupSettled(owners: readonly (Ownership | null)[]): boolean {
  if (owners.length === 0 || owners.some((o) => o === null || o.phase !== 'ready')) return false;
  const of = owners[0]!.of;
  const held = owners.flatMap((o) => o!.partitions);
  return held.length === of && new Set(held).size === of && held.every((p) => p >= 0 && p < of);
}

/** What `GET /v1/admin/consistency` answers, as far as the bench reads it. */
export interface ConsistencyAnswer {
  sampled: number;
  agreeing: number;
  ratio: number;
  orphans: number;
  unsettled: boolean;
  differences: { subject: string; where: string }[];
  repaired: number;
  durationMs: number;
}

/** Checks the fields the bench reads; a different shape is an error, not a silent zero. */
export function parseConsistencyAnswer(body: unknown): ConsistencyAnswer {
  const b = body as Partial<Record<keyof ConsistencyAnswer, unknown>> | null;
  const numbers = ['sampled', 'agreeing', 'ratio', 'orphans', 'repaired', 'durationMs'] as const;
  if (!b || numbers.some((k) => typeof b[k] !== 'number') || !Array.isArray(b.differences)) {
    throw new Error(`unexpected consistency answer: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return {
    sampled: b.sampled as number,
    agreeing: b.agreeing as number,
    ratio: b.ratio as number,
    orphans: b.orphans as number,
    unsettled: b.unsettled === true,
    differences: (b.differences as { subject?: unknown; where?: unknown }[]).map((d) => ({
      subject: String(d.subject),
      where: String(d.where),
    })),
    repaired: b.repaired as number,
    durationMs: b.durationMs as number,
  };
}

export class MatchingInstance {
  private readonly process: ServiceProcess;

  constructor(
    readonly id: string,
    readonly port: number,
    env: Record<string, string>,
    echo = false,
    /** The key the instance's `/v1` routes accept (its API_KEYS). */
    private readonly apiKey: string | null = null,
  ) {
    this.process = new ServiceProcess('matching-service', env, port, echo);
  }

  get pid(): number | null {
    return this.process.pid;
  }

  get exited(): boolean {
    return this.process.exited;
  }

  /** The last lines the process wrote (for an error message). */
  tail(chars = 2000): string {
    return this.process.output.join('').slice(-chars);
  }

  /** Starts it without waiting: the caller waits until the whole group has settled. */
  start(): void {
    this.process.launch();
  }

  /**
   * `/health/ready` (the same report as `/health`): whether it answers 200, and its ownership;
   * null while it does not answer within `timeoutMs`.
   */
  async health(timeoutMs = 2000): Promise<{ ready: boolean; owner: Ownership | null } | null> {
    try {
      const { status, text } = await this.get('/health/ready', timeoutMs);
      const body = JSON.parse(text) as {
        components?: Record<string, { detail?: string } | undefined>;
      };
      const detail = body.components?.ownership?.detail;
      return { ready: status === 200, owner: detail ? parseOwnershipDetail(detail) : null };
    } catch {
      return null; // not listening yet, or busy past the timeout
    }
  }

  /** The instance's ownership from `/health`; null while it does not answer. */
  async ownership(timeoutMs = 2000): Promise<Ownership | null> {
    return (await this.health(timeoutMs))?.owner ?? null;
  }

  /** Its start-up load gauges; null while it does not answer. */
  async loadMetrics(timeoutMs = 2000): Promise<LoadMetrics | null> {
    try {
      return parseLoadMetrics((await this.get('/metrics', timeoutMs)).text);
    } catch {
      return null;
    }
  }

  /**
   * Its health, then its gauges, one request at a time: while it computes rankings it turns to its
   * event loop only between slices of them, so requests sent faster than it answers would only
   * queue up (and time out) behind one another.
   */
  async reading(
    timeoutMs: number,
  ): Promise<{ ready: boolean; owner: Ownership | null; metrics: LoadMetrics | null }> {
    const health = await this.health(timeoutMs);
    const metrics = this.exited ? null : await this.loadMetrics(timeoutMs);
    return { ready: health?.ready ?? false, owner: health?.owner ?? null, metrics };
  }

  /**
   * Its audit of up to `sample` owned subjects, each re-ranked from scratch, with no deadline:
   * re-ranking a large population outlasts fetch's header timeout.
   */
  async consistency(sample: number): Promise<ConsistencyAnswer> {
    const { status, text } = await this.get(`/v1/admin/consistency?sample=${sample}`, 0);
    if (status !== 200) throw new Error(`${this.id}: consistency answered ${status}: ${text}`);
    return parseConsistencyAnswer(JSON.parse(text));
  }

  /** A GET through node:http (`timeoutMs` 0: none), with the API key. */
  private get(path: string, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.process.url}${path}`,
        { headers: this.apiKey ? { 'x-api-key': this.apiKey } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(new Error(`${path}: no answer in ${timeoutMs} ms`)),
        );
      }
      req.on('error', reject);
      req.end();
    });
  }

  /** SIGTERM (the instance leaves the group and snapshots), SIGKILL after `graceMs`. */
  async stop(graceMs = 30000): Promise<void> {
    if (this.exited) return;
    const timer = setTimeout(() => void this.process.kill(), graceMs);
    await this.process.stop();
    clearTimeout(timer);
  }
}
