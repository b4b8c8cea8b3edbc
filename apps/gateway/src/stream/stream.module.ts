import { Module } from '@nestjs/common';
import { MetricsService } from '@matchstream/observability';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { GatewayStats } from '../stats/gateway-stats.service';
import { StatsModule } from '../stats/stats.module';
import { DirectoryFeed } from './directory.feed';
import { JobDirectoryStore } from './job-directory.store';
import { MatchStreamController } from './match-stream.controller';
import { MatchStreamHub } from './match-stream.hub';
import { MatchStreamRelay } from './match-stream.relay';
import { ProfileDirectoryStore } from './profile-directory.store';
import { StreamMetrics } from './stream.metrics';

/** GET /v1/stream/matches: the matches topic, filtered, as Server-Sent Events. */
@Module({
  imports: [StatsModule],
  controllers: [MatchStreamController],
  providers: [
    {
      provide: StreamMetrics,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService) => new StreamMetrics(metrics.registry),
    },
    {
      provide: JobDirectoryStore,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new JobDirectoryStore(config.GATEWAY_JOB_DIRECTORY_MAX),
    },
    {
      provide: ProfileDirectoryStore,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new ProfileDirectoryStore(
          config.GATEWAY_PROFILE_DIRECTORY_MAX,
          config.GATEWAY_STREAM_CANDIDATE_NAMES,
        ),
    },
    {
      provide: MatchStreamHub,
      inject: [GATEWAY_CONFIG, JobDirectoryStore, StreamMetrics, GatewayStats],
      useFactory: (
        config: GatewayConfig,
        jobs: JobDirectoryStore,
        metrics: StreamMetrics,
        stats: GatewayStats,
      ) =>
        new MatchStreamHub(
          {
            replayCapacity: config.GATEWAY_STREAM_REPLAY_EVENTS,
            maxClients: config.GATEWAY_STREAM_MAX_CLIENTS,
            maxPendingBytes: config.GATEWAY_STREAM_CLIENT_MAX_BYTES,
            maxPendingFrames: config.GATEWAY_STREAM_CLIENT_MAX_EVENTS,
            retryMs: 3000,
          },
          jobs,
          {
            onRelayed: (entry) => {
              stats.countRelayed(entry.schema, entry.subjectType);
              metrics.eventsRelayed.inc();
            },
            onClients: (count) => {
              stats.streamClients = count;
              metrics.clients.set(count);
            },
            onDropped: (reason) => {
              stats.streamClientsDropped += 1;
              metrics.clientsDropped.inc({ reason });
            },
          },
        ),
    },
    DirectoryFeed,
    MatchStreamRelay,
  ],
})
export class StreamModule {}
