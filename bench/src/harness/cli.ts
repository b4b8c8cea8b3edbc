/** What every benchmark entry point shares: its progress log, its option checks, its exit. */

export type Log = (line: string) => void;

/** Progress on stderr, each line stamped `[label HH:MM:SS]` (stdout carries the report). */
export function stampedLog(label: string): Log {
  return (line) => {
    process.stderr.write(`[${label} ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  };
}

/** A command-line number that must be positive (and whole, when `integer`). */
export function positive(name: string, raw: string, integer = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${raw}`);
  }
  return n;
}

/** A comma-separated list of sizes, rounded; `full` (`--full`) adds the largest size. */
export function sizeList(name: string, raw: string, full = false): number[] {
  const sizes = raw.split(',').map((s) => Math.round(positive(name, s)));
  if (full && !sizes.includes(1_000_000)) sizes.push(1_000_000);
  return sizes;
}

/**
 * Runs an entry point and exits with its code; an error is printed with its stack and exits 1.
 * The exit is explicit: broker clients and model workers would otherwise keep the process alive.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
