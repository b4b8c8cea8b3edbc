import type { INestApplication } from '@nestjs/common';
import { profileUpserted, resetEventIds } from '@matchstream/testing';
import type { InputEventInput } from '@matchstream/contracts';
// Tests may start apps in-process; apps themselves never import each other.
import { startEmbeddingService } from '../../apps/embedding-service/src/main';
import { loadEmbeddingServiceConfig } from '../../apps/embedding-service/src/embedding-service.config';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/**
 * Two embedding instances share the input partitions in one consumer group; one leaves mid-stream
 * and the other takes its partitions over: every event is reflected once in the final state.
 * Entities share the category "falconry" only with each other.
 */
describe('consumer group rebalance', () => {
  const harness = new PipelineHarness(runId('fault-rebalance'));
  const id = (name: string) => `${harness.run}-${name}`;
  let second: INestApplication | null = null;

  const profile = (i: number, version: number): InputEventInput =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      entityVersion: version,
      payload: {
        headline: `Falconer ${i} (revision ${version}), raptor handling`,
        summary: `Flies ${i % 3 === 0 ? 'hawks' : 'falcons'} for bird control.`,
        lookingFor: '',
        skills: ['Raptor handling'],
        experience: [],
        education: [],
        location: { country: 'AE' },
        workModes: ['onsite'],
        workAuthorization: ['AE'],
        categories: ['falconry'],
      },
    });

  beforeAll(async () => {
    resetEventIds(harness.run);
    await harness.start();
    second = await startEmbeddingService(
      loadEmbeddingServiceConfig({ ...process.env, ...harness.env }),
    );
  });
  afterAll(async () => {
    await second?.close();
    await harness.stop();
  });

  it('loses and duplicates nothing when an instance leaves', async () => {
    const count = 30;
    await harness.publish(Array.from({ length: count }, (_, i) => profile(i, 1)));
    const leaving = second!.close(); // graceful leave while work is in flight
    await harness.publish(Array.from({ length: count }, (_, i) => profile(i, 2)));
    await leaving;
    second = null;

    const final = await waitFor(
      'every profile at version 2',
      () => {
        const latest = Array.from({ length: count }, (_, i) =>
          harness.vectorsFor('profile', id(`profile-${i}`)),
        );
        return latest.every((v) => v.some((e) => e.entityVersion === 2)) && latest;
      },
      90000,
    );
    for (const vectors of final) {
      const versions = vectors.map((v) => v.entityVersion);
      // In order, never older after newer; a redelivered version is published at most twice
      // (once by each instance around the hand-over) and applied once downstream.
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions.filter((v) => v === 2).length).toBeLessThanOrEqual(2);
    }
    // The matching service applies what the collector saw a moment later.
    await waitFor('the matching service at version 2 for all', async () => {
      for (let i = 0; i < count; i++) {
        const path = `/v1/entities/profiles/${id(`profile-${i}`)}`;
        const response = await fetch(await harness.url('matching', path));
        if (response.status !== 200) return false;
        if (((await response.json()) as { version: number }).version !== 2) return false;
      }
      return true;
    });
  });
});
