import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/** The stream's Prometheus metrics, on the service's own registry (served on /metrics). */
export class StreamMetrics {
  readonly clients: Gauge;
  readonly eventsRelayed: Counter;
  readonly clientsDropped: Counter<'reason'>;

  constructor(registry: Registry) {
    this.clients = new Gauge({
      name: 'matchstream_stream_clients',
      help: 'Clients connected to the live match stream',
      registers: [registry],
    });
    this.eventsRelayed = new Counter({
      name: 'matchstream_stream_events_relayed_total',
      help: 'Match events taken from the matches topic and fanned out to stream clients',
      registers: [registry],
    });
    this.clientsDropped = new Counter({
      name: 'matchstream_stream_clients_dropped_total',
      help: 'Stream clients closed because their socket stopped draining, by bound reached',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
  }
}
