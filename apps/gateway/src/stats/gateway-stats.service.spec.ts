import { MetricsService } from '@matchstream/observability';
import { GatewayStats } from './gateway-stats.service';

describe('GatewayStats', () => {
  it('splits the matches relayed into job rankings, candidate rankings and retractions', () => {
    const stats = new GatewayStats(new MetricsService('test'));
    stats.countRelayed('match.ranking', 'job');
    stats.countRelayed('match.ranking', 'job');
    stats.countRelayed('match.ranking', 'profile');
    stats.countRelayed('match.retracted', 'job');
    expect(stats.snapshot()).toMatchObject({
      matchesRelayed: 4,
      matchesRelayedBy: { jobRankings: 2, candidateRankings: 1, retractions: 1 },
    });
  });

  it('tells HTTP ingestion from the input topics, which are unknown until read', () => {
    const stats = new GatewayStats(new MetricsService('test'));
    stats.countIngested('profile', 'accepted', 3);
    expect(stats.snapshot()).toMatchObject({ eventsAccepted: 3, inputTopicRecords: null });
    stats.inputTopicRecords = { profiles: 5, jobs: 2 };
    expect(stats.snapshot().inputTopicRecords).toEqual({ profiles: 5, jobs: 2 });
  });
});
