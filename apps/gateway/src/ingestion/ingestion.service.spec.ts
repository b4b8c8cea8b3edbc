import { ConflictException, HttpException, ServiceUnavailableException } from '@nestjs/common';
import type { EventPublisher, OutgoingMessage } from '@matchstream/kafka';
import { MetricsService } from '@matchstream/observability';
import { jobUpserted } from '@matchstream/testing';
import { loadGatewayConfig } from '../gateway.config';
import { GatewayStats } from '../stats/gateway-stats.service';
import type { ClaimOutcome, EventIdRegistry } from './event-id.registry';
import { IngestionService } from './ingestion.service';

/** The registry's contract over a Map: pending claims, accepted ids, released ids. */
class MemoryRegistry {
  readonly state = new Map<string, 'pending' | 'accepted'>();
  claim(ids: readonly string[]): Promise<Map<string, ClaimOutcome>> {
    const out = new Map<string, ClaimOutcome>();
    for (const id of ids) {
      const current = this.state.get(id);
      if (current === undefined) {
        this.state.set(id, 'pending');
        out.set(id, 'claimed');
      } else out.set(id, current === 'accepted' ? 'accepted' : 'in-flight');
    }
    return Promise.resolve(out);
  }
  confirm(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.state.set(id, 'accepted');
    return Promise.resolve();
  }
  release(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.state.delete(id);
    return Promise.resolve();
  }
}

function setup(publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>) {
  const registry = new MemoryRegistry();
  const sent: { topic: string; messages: OutgoingMessage[] }[] = [];
  const publisher = {
    publish: async (topic: string, messages: OutgoingMessage[]) => {
      await publish(topic, messages);
      sent.push({ topic, messages });
    },
  } as unknown as EventPublisher;
  const config = loadGatewayConfig({ GATEWAY_PRODUCE_TIMEOUT_MS: '1000' });
  const stats = new GatewayStats(new MetricsService('test'));
  const service = new IngestionService(
    publisher,
    registry as unknown as EventIdRegistry,
    stats,
    config,
  );
  return { service, registry, sent, stats };
}

const event = (n: number, large = false) =>
  jobUpserted({
    eventId: `e-${n}`,
    entityId: `job-${n}`,
    // About 100 KiB: the most the job contract allows in requirements.
    payload: large ? { requirements: Array.from({ length: 50 }, () => 'y'.repeat(1990)) } : {},
  });

describe('IngestionService', () => {
  it('produces new events keyed by entity id, and skips repeats by eventId', async () => {
    const { service, sent, stats } = setup(() => Promise.resolve());
    expect(await service.ingest('job', [event(1), event(2), event(1)])).toEqual({
      accepted: ['e-1', 'e-2'],
      duplicate: ['e-1'],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe('matchstream.job-events.v1');
    expect(sent[0].messages.map((m) => m.key)).toEqual(['job-1', 'job-2']);
    expect(await service.ingest('job', [event(2), event(3)])).toEqual({
      accepted: ['e-3'],
      duplicate: ['e-2'],
    });
    expect(stats.snapshot()).toMatchObject({ eventsAccepted: 3, eventsDuplicate: 2 });
  });

  it('produces nothing from a batch with an invalid event', async () => {
    const { service, sent, registry } = setup(() => Promise.resolve());
    const error = await service.ingest('job', [event(1), { nope: true }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(400);
    expect(sent).toEqual([]);
    expect(registry.state.size).toBe(0);
  });

  it('answers 409 while the same id is in flight, without keeping its own claims', async () => {
    const { service, registry } = setup(() => Promise.resolve());
    registry.state.set('e-1', 'pending');
    await expect(service.ingest('job', [event(1), event(2)])).rejects.toBeInstanceOf(
      ConflictException,
    );
    expect(registry.state.has('e-2')).toBe(false);
  });

  it('gives claims back after a failed produce, so a retry produces', async () => {
    let fail = true;
    const { service, registry } = setup(() =>
      fail ? Promise.reject(new Error('broker says no')) : Promise.resolve(),
    );
    await expect(service.ingest('job', [event(1)])).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
    expect(registry.state.has('e-1')).toBe(false);
    fail = false;
    expect((await service.ingest('job', [event(1)])).accepted).toEqual(['e-1']);
  });

  it('keeps the claim of a produce that timed out (it may still land)', async () => {
    const { service, registry } = setup(() => new Promise<void>(() => undefined));
    await expect(service.ingest('job', [event(1)])).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
    expect(registry.state.get('e-1')).toBe('pending');
  });

  it('splits large batches into bounded produce requests, in order', async () => {
    const { service, sent } = setup(() => Promise.resolve());
    const big = Array.from({ length: 8 }, (_, i) => event(i, true));
    const result = await service.ingest('job', big);
    expect(result.accepted).toHaveLength(8);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.flatMap((s) => s.messages.map((m) => m.key))).toEqual(big.map((e) => e.entityId));
  });
});
