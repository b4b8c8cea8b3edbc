import type { Logger } from '@nestjs/common';

const LOG_EVERY_MS = 10_000;

/**
 * The progress of a long load (records replayed, rankings computed): its rate and time left,
 * logged at most every few seconds and at the end, so an operator can tell how long a first load
 * of a catalogue takes and that it moves.
 */
export class LoadProgress {
  private readonly started = Date.now();
  private loggedAt = this.started;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly unit: string,
    private readonly onChange: (done: number, expected: number) => void = () => undefined,
  ) {}

  update(done: number, expected: number): void {
    this.onChange(done, expected);
    const now = Date.now();
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.loggedAt = now;
    this.logger.log(
      `${this.what}: ${describeProgress(done, expected, now - this.started, this.unit)}`,
    );
  }

  finish(done: number): string {
    this.onChange(done, done);
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : done;
    return `${done} ${this.unit} in ${seconds.toFixed(1)} s (${rate}/s)`;
  }
}

/** "1200 of 5000 records (24%), 300/s, about 13 s left". */
export function describeProgress(
  done: number,
  expected: number,
  elapsedMs: number,
  unit: string,
): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const share = expected > 0 ? Math.floor((100 * done) / expected) : 100;
  const left =
    rate > 0 ? `about ${Math.ceil((expected - done) / rate)} s left` : 'rate unknown yet';
  return `${done} of ${expected} ${unit} (${share}%), ${Math.round(rate)}/s, ${left}`;
}
