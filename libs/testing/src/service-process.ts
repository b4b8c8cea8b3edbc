import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from './wait';

/** The repository root: the nearest folder above this file with a package-lock.json (from source and from dist/). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * A service run as a real process from the build (`npm run build`): a test can kill it with
 * SIGKILL (no shutdown hook, no final commit, no snapshot) and start it again; the benchmark
 * runs the services apart from its own event loop, as they are deployed.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  readonly output: string[] = [];

  constructor(
    private readonly app: 'embedding-service' | 'matching-service',
    private readonly env: Record<string, string>,
    readonly port: number,
    /** Also copy the service's output to this process's stderr (its logs while debugging). */
    private readonly echo = false,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id while it runs (to sample its CPU). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Starts the process and waits until it reports ready. */
  async start(): Promise<void> {
    const child = this.launch();
    await waitFor(
      `${this.app} to become ready`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${this.app} exited: ${this.output.join('').slice(-2000)}`);
        // A refused connection: not listening yet.
        return fetch(`${this.url}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      { timeoutMs: 120000, intervalMs: 200 },
    );
  }

  /** Starts the process without waiting (a caller that waits for something else). */
  launch(): ChildProcess {
    const root = repositoryRoot();
    const main = join(root, 'dist', 'apps', this.app, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    const child = spawn(process.execPath, [main], {
      cwd: root,
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
    return child;
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}
