import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * scripts/services.sh with MATCHING_INSTANCES, against stand-in services: a copy of scripts/ next
 * to a dist/ whose apps are tiny HTTP servers reporting the environment they were started with. No
 * broker, Redis or model; real processes, pid files and ports.
 */
const ROOT = resolve(__dirname, '../..');
const APPS = {
  'embedding-service': 'EMBEDDING',
  'matching-service': 'MATCHING',
  gateway: 'GATEWAY',
};

// Reports what makes it the instance it is; SIGTERM ends it as the real services end.
const standIn = (app: string, prefix: string) => `
const port = Number(process.env.${prefix}_HTTP_PORT);
require('node:http')
  .createServer((_req, res) => res.end(JSON.stringify({
    app: ${JSON.stringify(app)},
    port,
    id: process.env.MATCHING_INSTANCE_ID ?? null,
    snapshots: process.env.MATCHING_SNAPSHOT_DIR ?? null,
  })))
  .listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

interface Reported {
  app: string;
  port: number;
  id: string | null;
  snapshots: string | null;
}

describe('scripts/services.sh', () => {
  let root: string;
  // Ports away from the real services' (and from other runs of this spec).
  const base = 20000 + Math.floor(Math.random() * 400) * 100;
  const ports = {
    EMBEDDING_HTTP_PORT: String(base + 1),
    MATCHING_HTTP_PORT: String(base + 2),
    GATEWAY_HTTP_PORT: String(base + 3),
  };

  function services(command: string, extra: Record<string, string> = {}): string {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...ports, ...extra };
    try {
      return execFileSync('bash', [join(root, 'scripts/services.sh'), command], {
        env,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 90_000,
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`services.sh ${command} failed: ${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  }

  /** `status` lines: unit name -> what the process on its port reported. */
  function status(extra: Record<string, string> = {}): Record<string, Reported | string> {
    const lines = services('status', extra)
      .split('\n')
      .filter((l) => l.includes(': '));
    return Object.fromEntries(
      lines.map((line) => {
        const [unit, rest] = [
          line.slice(0, line.indexOf(': ')),
          line.slice(line.indexOf(': ') + 2),
        ];
        return [unit, rest.startsWith('{') ? (JSON.parse(rest) as Reported) : rest];
      }),
    );
  }

  const pidFiles = () =>
    readdirSync(join(root, '.run'))
      .filter((f) => f.endsWith('.pid'))
      .sort();

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'matchstream-services-'));
    cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
    for (const [app, prefix] of Object.entries(APPS)) {
      mkdirSync(join(root, 'dist/apps', app, 'src'), { recursive: true });
      writeFileSync(join(root, 'dist/apps', app, 'src/main.js'), standIn(app, prefix));
    }
  });

  afterAll(() => {
    if (!root) return;
    try {
      services('stop');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('MATCHING_INSTANCES=3 starts three matching instances, each with its id, port, snapshots, pid file and log', () => {
    services('start', { MATCHING_INSTANCES: '3' });
    const seen = status({ MATCHING_INSTANCES: '3' });
    expect(seen).toEqual({
      'embedding-service': expect.objectContaining({ app: 'embedding-service', port: base + 1 }),
      gateway: expect.objectContaining({ app: 'gateway', port: base + 3 }),
      ...Object.fromEntries(
        [1, 2, 3].map((i) => [
          `matching-service-${i}`,
          {
            app: 'matching-service',
            port: base + 2 + 10 * (i - 1),
            id: `matching-${i}`,
            snapshots: join(root, '.run/snapshots', `matching-${i}`),
          },
        ]),
      ),
    });
    expect(pidFiles()).toEqual([
      'embedding-service.pid',
      'gateway.pid',
      'matching-service-1.pid',
      'matching-service-2.pid',
      'matching-service-3.pid',
    ]);
    for (const i of [1, 2, 3])
      expect(existsSync(join(root, `.run/logs/matching-service-${i}.log`))).toBe(true);
  }, 120_000);

  it('refuses to start with another MATCHING_INSTANCES while instances of the earlier start run', () => {
    expect(() => services('start', { MATCHING_INSTANCES: '2' })).toThrow(
      /matching-service-3 is running from an earlier start with another MATCHING_INSTANCES/,
    );
    expect(status()).toEqual(
      expect.objectContaining({
        'matching-service-3': expect.stringMatching(
          /^running \(pid \d+\) from a start with another/,
        ),
      }),
    );
  }, 60_000);

  it('stop (whatever MATCHING_INSTANCES says) stops every instance', () => {
    services('stop');
    expect(pidFiles()).toEqual([]);
    expect(Object.values(status({ MATCHING_INSTANCES: '3' }))).toEqual([
      'down',
      'down',
      'down',
      'down',
      'down',
    ]);
  }, 120_000);

  it('by default starts one matching instance as before: no instance id, port MATCHING_HTTP_PORT, its usual snapshots', () => {
    services('start');
    expect(status()).toEqual({
      'embedding-service': expect.objectContaining({ port: base + 1 }),
      'matching-service': { app: 'matching-service', port: base + 2, id: null, snapshots: null },
      gateway: expect.objectContaining({ port: base + 3 }),
    });
    expect(pidFiles()).toEqual(['embedding-service.pid', 'gateway.pid', 'matching-service.pid']);
    services('stop');
    expect(pidFiles()).toEqual([]);
  }, 120_000);

  it('refuses a port taken twice and a MATCHING_INSTANCES that is not a positive integer', () => {
    expect(() =>
      services('start', { MATCHING_INSTANCES: '2', GATEWAY_HTTP_PORT: String(base + 12) }),
    ).toThrow(/gateway and matching-service-2 would both listen on port/);
    expect(() => services('start', { MATCHING_INSTANCES: '0' })).toThrow(
      /MATCHING_INSTANCES must be a positive integer/,
    );
    expect(pidFiles()).toEqual([]);
  });
});
