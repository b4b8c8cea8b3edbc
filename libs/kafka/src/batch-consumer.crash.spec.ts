import { EventEmitter } from 'node:events';
import { HealthService, METRIC_NAMES, MetricsService } from '@matchstream/observability';
import type { Kafka } from 'kafkajs';
import { BatchConsumer } from './batch-consumer';
import type { ConsumerState } from './batch-consumer';
import { consumerHealth, consumerUp } from './consumer-status';

/** Just enough of a kafkajs consumer to crash it the way kafkajs does. */
class FakeConsumer extends EventEmitter {
  readonly events = {
    CRASH: 'consumer.crash',
    FETCH: 'consumer.fetch',
    START_BATCH_PROCESS: 'consumer.start_batch_process',
    END_BATCH_PROCESS: 'consumer.end_batch_process',
  };
  connected = false;
  runs = 0;
  failConnect = false;

  connect = jest.fn(() => {
    if (this.failConnect) return Promise.reject(new Error('connect refused for good'));
    this.connected = true;
    return Promise.resolve();
  });
  subscribe = jest.fn(() => Promise.resolve());
  run = jest.fn(() => {
    this.runs++;
    return Promise.resolve();
  });
  disconnect = jest.fn(() => {
    this.connected = false;
    return Promise.resolve();
  });

  crash(restart: boolean, error = new Error('KafkaJSNotImplemented: LZ4')): void {
    this.emit('consumer.crash', { payload: { error, groupId: 'g', restart } });
  }
}

function fakeKafka() {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, consumers, latest: () => consumers[consumers.length - 1] };
}

/** The wiring attachKafkaConsumer does, without Nest: state to gauge and to /health. */
function wired(kafka: Kafka, options: { maxRestarts?: number } = {}) {
  const metrics = new MetricsService('crash-spec');
  const health = new HealthService();
  const states: ConsumerState[] = [];
  const consumer = new BatchConsumer(kafka, {
    groupId: 'g',
    topics: ['t'],
    handler: () => Promise.resolve(),
    onPoisonRecord: () => Promise.resolve(),
    maxRestarts: options.maxRestarts ?? 2,
    restartDelayMs: () => 5,
    stallAfterMs: 60_000,
    onStateChange: (state) => {
      states.push(state);
      metrics.consumerUp.set({ group: 'g' }, consumerUp(state));
    },
  });
  health.register('consumer', () =>
    consumerHealth(consumer.state, consumer.lastError, consumer.stalledForMs()),
  );
  const up = async () =>
    (await metrics.registry.getSingleMetric(METRIC_NAMES.consumerUp)!.get()).values[0]?.value;
  return { consumer, health, states, up };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('BatchConsumer crash handling', () => {
  it('leaves a crash kafkajs restarts itself to kafkajs', async () => {
    const { kafka, consumers, latest } = fakeKafka();
    const { consumer, health, up } = wired(kafka);
    await consumer.start();
    latest().crash(true);
    await settle();
    expect(consumers).toHaveLength(1);
    expect(consumer.state).toBe('running');
    expect((await health.report()).status).toBe('up');
    expect(await up()).toBe(1);
  });

  it('restarts a consumer kafkajs gave up, with a fresh kafkajs consumer', async () => {
    const { kafka, consumers, latest } = fakeKafka();
    const { consumer, health, states, up } = wired(kafka);
    await consumer.start();
    latest().crash(false);
    expect(consumer.state).toBe('restarting');
    expect(await health.report()).toEqual({
      status: 'degraded',
      components: {
        consumer: {
          status: 'degraded',
          detail: 'crashed, restarting: Error: KafkaJSNotImplemented: LZ4',
        },
      },
    });
    expect(await up()).toBe(1);
    await settle();
    expect(consumers).toHaveLength(2);
    expect(consumers[1].runs).toBe(1);
    expect(states).toEqual(['running', 'restarting', 'running']);
    expect((await health.report()).status).toBe('up');
  });

  it('is crashed for good, down on /health and 0 on the gauge, after too many crashes', async () => {
    const { kafka, consumers, latest } = fakeKafka();
    const { consumer, health, states, up } = wired(kafka, { maxRestarts: 2 });
    await consumer.start();
    for (let i = 0; i < 3; i++) {
      latest().crash(false);
      await settle();
    }
    expect(consumers).toHaveLength(3); // the first plus two restarts
    expect(consumer.state).toBe('crashed');
    expect(states[states.length - 1]).toBe('crashed');
    const report = await health.report();
    expect(report.status).toBe('down');
    expect(report.components.consumer.detail).toMatch(/crashed, not restarted: .*LZ4/);
    expect(await up()).toBe(0);
    // A late crash event of an old consumer changes nothing.
    consumers[0].crash(false);
    await settle();
    expect(consumers).toHaveLength(3);
  });

  it('counts a restart that cannot even connect as another crash', async () => {
    const { kafka, consumers, latest } = fakeKafka();
    const { consumer } = wired(kafka, { maxRestarts: 2 });
    await consumer.start();
    const original = kafka.consumer.bind(kafka);
    (kafka as unknown as { consumer: () => FakeConsumer }).consumer = () => {
      const next = original({ groupId: 'g' }) as unknown as FakeConsumer;
      next.failConnect = true;
      return next;
    };
    latest().crash(false);
    await settle();
    await settle();
    expect(consumers).toHaveLength(3);
    expect(consumer.state).toBe('crashed');
    expect(consumer.lastError).toBe('Error: connect refused for good');
  });

  it('does not restart a consumer that was stopped meanwhile', async () => {
    const { kafka, consumers, latest } = fakeKafka();
    const { consumer, health, up } = wired(kafka);
    await consumer.start();
    latest().crash(false);
    await consumer.stop();
    await settle();
    expect(consumers).toHaveLength(1);
    expect(consumer.state).toBe('stopped');
    expect((await health.report()).status).toBe('down');
    expect(await up()).toBe(0);
  });

  it('reports a running consumer that completes no fetch for long as stalled, until one completes', async () => {
    const { kafka, latest } = fakeKafka();
    const { consumer } = wired(kafka);
    await consumer.start();
    const later = Date.now() + 90_000;
    expect(consumer.stalledForMs(Date.now() + 30_000)).toBeNull();
    expect(consumer.stalledForMs(later)).toBeGreaterThan(60_000);
    expect(consumerHealth(consumer.state, null, consumer.stalledForMs(later))).toEqual({
      status: 'degraded',
      detail: expect.stringMatching(/^no fetch completed for 9\d s/) as string,
    });
    jest.spyOn(Date, 'now').mockReturnValue(later);
    latest().emit('consumer.fetch', { payload: {} });
    jest.restoreAllMocks();
    expect(consumer.stalledForMs(later + 1000)).toBeNull();
  });
});
