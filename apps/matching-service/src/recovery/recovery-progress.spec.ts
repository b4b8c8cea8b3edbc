import type { NextFunction, Request, Response } from 'express';
import { RecoveryGateMiddleware, RecoveryProgress } from './recovery-progress';

describe('recovery progress', () => {
  it('is down with the replay progress until finished, then up', () => {
    const progress = new RecoveryProgress();
    expect(progress.health().status).toBe('down');
    let held = 0;
    progress.replaying('the start (no usable snapshot)', () => held);
    progress.progress(40, 120);
    held = 30;
    expect(progress.health()).toEqual({
      status: 'down',
      detail:
        'replaying the vector topic from the start (no usable snapshot): 40 of at most 120 records, 30 entities held',
    });
    progress.progress(120, 120);
    progress.joining();
    expect(progress.health().status).toBe('down');
    expect(progress.health().detail).toMatch(/no usable snapshot.*120 records replayed.*joining/);
    progress.finish();
    expect(progress.health().status).toBe('up');
  });

  it('the API answers 503 with the progress until recovery is done', () => {
    const progress = new RecoveryProgress();
    const gate = new RecoveryGateMiddleware(progress);
    const answered: { status?: number; body?: unknown } = {};
    const res = {
      status(code: number) {
        answered.status = code;
        return this;
      },
      setHeader() {
        return this;
      },
      json(body: unknown) {
        answered.body = body;
        return this;
      },
    } as unknown as Response;
    const next = jest.fn() as NextFunction;
    progress.replaying('snapshot snapshot-1-1', () => 0);
    gate.use({} as Request, res, next);
    expect(next).not.toHaveBeenCalled();
    expect(answered).toEqual({
      status: 503,
      body: expect.objectContaining({ message: expect.stringContaining('snapshot-1-1') }),
    });
    progress.finish();
    gate.use({} as Request, res, next);
    expect(next).toHaveBeenCalledTimes(1);
  });
});
