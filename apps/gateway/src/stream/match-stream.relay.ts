import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS } from '@matchstream/contracts';
import { KAFKA_CLIENT, TopicTail } from '@matchstream/kafka';
import type { ConsumedRecord } from '@matchstream/kafka';
import type { Kafka } from 'kafkajs';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { DirectoryFeed } from './directory.feed';
import { JobDirectoryStore } from './job-directory.store';
import { displayFor } from './match-stream.display';
import { parseMatchRecord, toStreamEntry } from './match-stream.entry';
import type { MatchRecord } from './match-stream.entry';
import { MatchStreamHub } from './match-stream.hub';
import { ProfileDirectoryStore } from './profile-directory.store';

/** Past this many entries queued, the relay stops waiting for the job directory. */
const MAX_WAITING = 1000;
/** Entries relayed per macrotask: 32 rankings are a few hundred KiB per client at most. */
const RELAY_SLICE = 32;

/**
 * Follows the matches topic (one TopicTail per gateway process, from its start on) into the hub,
 * adding display fields from the directories, and sends the heartbeats. A job's ranking can
 * overtake its document on the way to the job directory (both follow their topics
 * independently), so a ranking of a job the directory does not know yet waits for it, briefly and
 * in order, before it is relayed: its title and company, and the company and category filters,
 * need it. A retraction waits only for those filters: its job may be long gone from the topic,
 * and a burst of stale retractions must not stall the stream.
 */
@Injectable()
export class MatchStreamRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MatchStreamRelay.name);
  private readonly tail: TopicTail;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly pending: MatchRecord[] = [];
  private pumping = false;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly hub: MatchStreamHub,
    private readonly directory: JobDirectoryStore,
    private readonly profiles: ProfileDirectoryStore,
    private readonly feed: DirectoryFeed,
  ) {
    this.tail = new TopicTail(
      kafka,
      TOPICS.matches,
      (record) => this.accept(record),
      'matchstream-gateway-matches',
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tail.start();
    this.heartbeat = setInterval(
      () => this.hub.heartbeat(),
      this.config.GATEWAY_STREAM_HEARTBEAT_MS,
    );
    this.heartbeat.unref();
    this.logger.log('relaying the matches topic');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    // Open SSE responses would keep the HTTP server from closing.
    this.hub.closeAll();
    await this.tail.stop().catch(() => undefined);
  }

  private accept(record: ConsumedRecord): void {
    const entry = parseMatchRecord(record);
    if (!entry) {
      this.logger.warn(
        `skipped a record that is not a match event at ${record.partition}:${record.offset}`,
      );
      return;
    }
    this.pending.push(entry);
    if (!this.pumping) {
      this.pumping = true;
      void this.pump();
    }
  }

  /**
   * Relays in slices with a macrotask between them. kafkajs hands over a whole fetched batch in
   * one chain of microtasks, during which no socket can drain; relayed in one go, a burst of a
   * few hundred events would fill every client's queue and drop healthy clients with the stuck.
   */
  private async pump(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        for (const entry of this.pending.splice(0, RELAY_SLICE)) {
          if (this.mustWait(entry)) {
            await this.directory.waitFor(
              entry.subjectId,
              this.config.GATEWAY_JOB_DIRECTORY_WAIT_MS,
            );
          }
          this.hub.relay(toStreamEntry(entry, displayFor(entry, this.directory, this.profiles)));
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.logger.error(`relay failed: ${String(error)}`);
    } finally {
      this.pumping = false;
    }
  }

  private mustWait(entry: MatchRecord): boolean {
    return (
      entry.subjectType === 'job' &&
      (entry.schema === 'match.ranking' || this.hub.filtersByJobFacts) &&
      this.feed.isCaughtUp &&
      this.pending.length < MAX_WAITING &&
      this.directory.get(entry.subjectId) === undefined
    );
  }
}
