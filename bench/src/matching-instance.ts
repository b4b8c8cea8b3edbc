/**
 * One matching-service instance as a process of its own, from the build (as `scripts/services.sh`
 * runs N of them): its pid for CPU sampling and its ownership as `/health` states it.
 * (`ServiceProcess` of @matchstream/testing waits for one service's readiness and hides the pid;
 * the scale-out section starts N at once and waits until the group has settled.)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly root: string,
    private readonly echo = false,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last lines the process wrote (for an error message). */
  tail(chars = 2000): string {
    return this.output.join('').slice(-chars);
  }

  start(): void {
    const main = join(this.root, 'dist', 'apps', 'matching-service', 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    const child = spawn(process.execPath, [main], {
      cwd: this.root,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      if (this.echo) process.stderr.write(chunk);
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The instance's ownership from `/health`; null while it does not answer. */
  async ownership(): Promise<Ownership | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/health`, {
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
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
