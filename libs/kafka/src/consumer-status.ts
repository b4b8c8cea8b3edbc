import type { ComponentHealth } from '@matchstream/observability';
import type { ConsumerState } from './batch-consumer';

/**
 * What a consumer's state means for readiness: down only when it will not consume again by
 * itself (crashed, stopped), so that an orchestrator restarts the process and an alert fires;
 * degraded while it recovers on its own, or while it runs but makes no progress (kafkajs retrying
 * a failing fetch forever, which it does silently): that may be a broker outage as well.
 */
export function consumerHealth(
  state: ConsumerState | 'idle',
  lastError: string | null,
  stalledForMs: number | null = null,
): ComponentHealth {
  switch (state) {
    case 'running':
      if (stalledForMs === null) return { status: 'up' };
      return {
        status: 'degraded',
        detail: `no fetch completed for ${Math.round(stalledForMs / 1000)} s (see kafkajs errors in the log)`,
      };
    case 'retrying':
      return { status: 'degraded', detail: `paused, retrying: ${lastError ?? ''}` };
    case 'restarting':
      return { status: 'degraded', detail: `crashed, restarting: ${lastError ?? ''}` };
    case 'idle':
      return { status: 'degraded', detail: 'not started yet' };
    case 'crashed':
      return { status: 'down', detail: `crashed, not restarted: ${lastError ?? ''}` };
    case 'stopped':
      return { status: 'down', detail: 'stopped' };
  }
}

/** matchstream_consumer_up: 1 while the consumer consumes or recovers by itself, else 0. */
export function consumerUp(state: ConsumerState): 0 | 1 {
  return state === 'running' || state === 'retrying' || state === 'restarting' ? 1 : 0;
}
