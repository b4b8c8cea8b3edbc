import { Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ComponentHealth } from '@matchstream/observability';

type Phase = 'loading' | 'replaying' | 'joining' | 'ready';

/**
 * Where start-up recovery stands, for readiness (503 with the progress until the instance serves
 * what a fresh instance would) and for the API, which answers 503 meanwhile instead of serving
 * rankings of a half-rebuilt state.
 */
@Injectable()
export class RecoveryProgress {
  private phase: Phase = 'loading';
  private source = 'no snapshot';
  private replayed = 0;
  private atMost = 0;
  private entities: () => number = () => 0;
  private bulk = false;

  get ready(): boolean {
    return this.phase === 'ready';
  }

  replaying(source: string, entities: () => number, bulk = false): void {
    this.phase = 'replaying';
    this.source = source;
    this.entities = entities;
    this.bulk = bulk;
  }

  progress(replayed: number, atMost: number): void {
    this.replayed = replayed;
    this.atMost = atMost;
  }

  joining(): void {
    this.phase = 'joining';
  }

  finish(): void {
    this.phase = 'ready';
  }

  describe(): string {
    switch (this.phase) {
      case 'loading':
        return 'loading the snapshot';
      case 'replaying':
        return (
          `${this.bulk ? 'bulk-loading' : 'replaying'} the vector topic from ${this.source}: ` +
          `${this.replayed} of at most ${this.atMost} records, ${this.entities()} entities held`
        );
      case 'joining':
        return (
          `state recovered from ${this.source} (${this.replayed} records replayed); ` +
          'joining the consumer group'
        );
      case 'ready':
        return `recovered from ${this.source}, ${this.replayed} records replayed`;
    }
  }

  health(): ComponentHealth {
    return { status: this.ready ? 'up' : 'down', detail: this.describe() };
  }
}

/** Answers 503 with the recovery progress until the instance is ready. */
@Injectable()
export class RecoveryGateMiddleware implements NestMiddleware {
  constructor(private readonly recovery: RecoveryProgress) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    if (this.recovery.ready) return next();
    res
      .status(503)
      .setHeader('Retry-After', '1')
      .json({ statusCode: 503, error: 'Recovering', message: this.recovery.describe() });
  }
}
