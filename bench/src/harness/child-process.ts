/**
 * One way to run part of a benchmark in a node process of its own (its memory figures are its own,
 * its long synchronous work stalls no event loop but its own): the parent forks a script, may send
 * it one request, and gets back the one reply it answers with.
 */
import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';

type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

export interface ChildOptions {
  args?: readonly string[];
  /** Node's own flags: --expose-gc, a heap limit. */
  execArgv?: readonly string[];
  /** Sent to the child once it runs (`answerParent` receives it). */
  request?: unknown;
  /** The child's stderr line by line (its stdout is dropped); without it, both are this process's. */
  log?: (line: string) => void;
}

/** Runs `script` and resolves with its reply once it has exited with 0. */
export async function runNodeChild<T>(
  name: string,
  script: string,
  options: ChildOptions = {},
): Promise<T> {
  const log = options.log;
  const child = fork(script, [...(options.args ?? [])], {
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', log ? 'ignore' : 'inherit', log ? 'pipe' : 'inherit', 'ipc'],
  });
  if (log && child.stderr) createInterface({ input: child.stderr }).on('line', (l) => l && log(l));
  let reply: Reply<T> | undefined;
  child.once('message', (message: Reply<T>) => (reply = message));
  if (options.request !== undefined) child.send(options.request as object);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    // After 'exit' the last reply and stderr lines may still be in flight; 'close' follows them.
    child.once('close', resolve);
  });
  if (reply && !reply.ok) throw new Error(`${name} failed: ${reply.error}`);
  if (code !== 0 || !reply) throw new Error(`${name} exited with ${code}`);
  return reply.result;
}

/** The child's side: hands `result` to the parent (which resolves with it) and waits until sent. */
export function replyToParent(result: unknown): Promise<void> {
  return send({ ok: true, result });
}

/**
 * The child's side of a request: answers the parent's request with `work`'s result, or with its
 * error (its stack also on stderr), then exits.
 */
export function answerParent<R>(work: (request: R) => Promise<unknown>): void {
  process.once('message', (request: R) => {
    work(request).then(
      (result) => replyToParent(result).then(() => process.exit(0)),
      (error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : error);
        return send({ ok: false, error: String(error) }).then(() => process.exit(1));
      },
    );
  });
}

function send(reply: Reply<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) reject(new Error('not started by runNodeChild: no parent to answer'));
    else process.send(reply, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
