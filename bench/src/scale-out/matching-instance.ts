/**
 * One matching-service instance as a process of its own, from the build (as `scripts/services.sh`
 * runs N of them; a ServiceProcess of @matchstream/testing): its pid for CPU sampling and its
 * ownership as `/health` states it. The scale-out section starts N at once and waits until the
 * group has settled, not for one instance's readiness.
 */
import { ServiceProcess } from '@matchstream/testing';

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

export class MatchingInstance {
  private readonly process: ServiceProcess;

  constructor(
    readonly id: string,
    readonly port: number,
    env: Record<string, string>,
    echo = false,
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

  /** The instance's ownership from `/health`; null while it does not answer. */
  async ownership(): Promise<Ownership | null> {
    try {
      const response = await fetch(`${this.process.url}/health`, {
        signal: AbortSignal.timeout(2000),
      });
      const body = (await response.json()) as {
        components?: Record<string, { detail?: string } | undefined>;
      };
      const detail = body.components?.ownership?.detail;
      return detail ? parseOwnershipDetail(detail) : null;
    } catch {
      return null; // not listening yet, or busy past the timeout
    }
  }

  /** SIGTERM (the instance leaves the group and snapshots), SIGKILL after `graceMs`. */
  async stop(graceMs = 30000): Promise<void> {
    if (this.exited) return;
    const timer = setTimeout(() => void this.process.kill(), graceMs);
    await this.process.stop();
    clearTimeout(timer);
  }
}
