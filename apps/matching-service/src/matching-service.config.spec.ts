import { ConfigError } from '@matchstream/config';
import { DEFAULT_EMBEDDING_MODEL_ID } from '@matchstream/config';
import { embeddingModelSpec } from '@matchstream/embedding';
import { loadMatchingServiceConfig } from './matching-service.config';

describe('loadMatchingServiceConfig: the minimum match score', () => {
  it('is the floor calibrated for the model when MATCH_MIN_SCORE is unset', () => {
    for (const model of ['Xenova/all-MiniLM-L6-v2', 'intfloat/e5-small-v2']) {
      const config = loadMatchingServiceConfig({ EMBEDDING_MODEL_ID: model });
      expect(config.MATCH_MIN_SCORE).toBe(embeddingModelSpec(model).minScore);
      expect(config.matchMinScoreSource).toBe('model registry');
    }
    expect(loadMatchingServiceConfig({}).MATCH_MIN_SCORE).toBe(
      embeddingModelSpec(DEFAULT_EMBEDDING_MODEL_ID).minScore,
    );
  });

  it('is MATCH_MIN_SCORE when set, for any model', () => {
    const config = loadMatchingServiceConfig({ MATCH_MIN_SCORE: '0.6' });
    expect(config.MATCH_MIN_SCORE).toBe(0.6);
    expect(config.matchMinScoreSource).toBe('MATCH_MIN_SCORE');
    expect(
      loadMatchingServiceConfig({ EMBEDDING_MODEL_ID: 'some/other-model', MATCH_MIN_SCORE: '0.4' })
        .MATCH_MIN_SCORE,
    ).toBe(0.4);
  });

  it('must be set for a model the registry has no floor for', () => {
    expect(() => loadMatchingServiceConfig({ EMBEDDING_MODEL_ID: 'some/other-model' })).toThrow(
      ConfigError,
    );
    expect(() => loadMatchingServiceConfig({ MATCH_MIN_SCORE: '1.5' })).toThrow(/MATCH_MIN_SCORE/);
  });
});
