import type { ScoringWeights } from '@matchstream/scoring';
import type { MatchingServiceConfig } from '../matching-service.config';

export function weightsOf(config: MatchingServiceConfig): ScoringWeights {
  return {
    similarity: config.MATCH_WEIGHT_SIMILARITY,
    requiredSkills: config.MATCH_WEIGHT_REQUIRED_SKILLS,
    niceToHaveSkills: config.MATCH_WEIGHT_NICE_TO_HAVE_SKILLS,
    seniority: config.MATCH_WEIGHT_SENIORITY,
    location: config.MATCH_WEIGHT_LOCATION,
  };
}

/** What the maintained rankings depend on besides the state: a snapshot's must match. */
export function rankingSettings(config: MatchingServiceConfig): string {
  return JSON.stringify({
    k: config.MATCH_TOP_K,
    reserve: config.MATCH_RANKING_RESERVE,
    minScore: config.MATCH_MIN_SCORE,
    weights: weightsOf(config),
  });
}
