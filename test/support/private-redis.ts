import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './pipeline-harness';

/**
 * A redis-server of a test's own, without persistence (as local scripts run it), so a fault test
 * can take Redis away and bring it back empty without touching the machine's Redis.
 */
export class PrivateRedis {
  readonly port = 30000 + Math.floor(Math.random() * 10000);
  readonly url = `redis://127.0.0.1:${this.port}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'matchstream-redis-'));
  private process: ChildProcess | null = null;

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore', cwd: this.dir },
    );
    await waitFor('redis-server', async () => {
      try {
        await fetch(`http://127.0.0.1:${this.port}`);
      } catch (error) {
        // Redis answers HTTP with a closed socket, not a refused connection, once it listens.
        return !String((error as { cause?: { code?: string } }).cause?.code).includes(
          'ECONNREFUSED',
        );
      }
      return true;
    });
  }

  /** SIGKILL: what it held is gone. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
