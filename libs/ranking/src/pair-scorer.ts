import type { EntityType, JobPayload, ProfilePayload, Seniority } from '@matchstream/contracts';
import {
  DEFAULT_SCORING_OPTIONS,
  SkillMatcher,
  isEligible,
  pairScore,
  pairScoreBound,
  pairScoreOfMatches,
  profileSeniority,
  scorePair,
  scoreUpperBound,
  similarityFloor,
} from '@matchstream/scoring';
import type { ProfileFields, ScoringOptions, ScoringWeights } from '@matchstream/scoring';
import type { ScoredCounterpart } from './ranked-matches';
import type { StoredEntity } from './entity-state';

export interface PairScorerOptions {
  weights: ScoringWeights;
  /** Pairs scoring below it are no match (MATCH_MIN_SCORE). */
  minScore: number;
  /** How the score reads skills a posting only names in its prose (the default: neutral). */
  scoring?: ScoringOptions;
}

type AnyEntity = StoredEntity<JobPayload | ProfilePayload>;

/**
 * Scores pairs for ranking: the hard constraints and the floor decide whether a pair qualifies,
 * the hybrid score orders those that do. Match fields come with their per-profile work done
 * (skills normalised, skills in the prose found); what is left is cached briefly: the last
 * profile's skill answers (a pass over jobs asks one profile about many postings' skills), and a
 * derived seniority per profile that declares none (fields are replaced, never mutated).
 */
export class PairScorer {
  private lastProfile: ProfileFields | null = null;
  private lastSkills: SkillMatcher | null = null;
  private readonly seniority = new WeakMap<ProfileFields, Seniority>();

  constructor(private readonly options: PairScorerOptions) {}

  get weights(): ScoringWeights {
    return this.options.weights;
  }

  get minScore(): number {
    return this.options.minScore;
  }

  /** How the score reads skills a posting only names in its prose. */
  get scoring(): ScoringOptions {
    return this.options.scoring ?? DEFAULT_SCORING_OPTIONS;
  }

  /** The most a pair at this similarity can score. */
  upperBound(similarity: number): number {
    return scoreUpperBound(this.options.weights, similarity);
  }

  /** A similarity below which `upperBound` stays under `score` (see similarityFloor). */
  similarityFloor(score: number): number {
    return similarityFloor(this.options.weights, score);
  }

  /**
   * False when the pair is no match, or scores below `atLeast` at every similarity up to
   * `similarity` (the pair's bound grows with similarity): its exact score is then not needed.
   */
  mayReach(
    subjectType: EntityType,
    subject: AnyEntity,
    counterpart: AnyEntity,
    similarity: number,
    atLeast: number,
  ): boolean {
    const [job, profile] = orient(subjectType, subject, counterpart);
    if (!isEligible(job.document, profile.document)) return false;
    if (!(atLeast > this.options.minScore)) return true;
    const seniority = this.seniorityOf(profile.document);
    const { weights } = this.options;
    return (
      pairScoreBound(job.document, profile.document, similarity, weights, seniority) >= atLeast
    );
  }

  /**
   * The pair's score; null when it is no match (a hard constraint fails, or below the floor);
   * undefined when it is a match that cannot reach `atLeast` (skipped: the caller does not need
   * its score).
   */
  score(
    subjectType: EntityType,
    subject: AnyEntity,
    counterpart: AnyEntity,
    similarity: number,
    atLeast = -Infinity,
  ): number | null | undefined {
    const [job, profile] = orient(subjectType, subject, counterpart);
    if (!isEligible(job.document, profile.document)) return null;
    const seniority = this.seniorityOf(profile.document);
    if (atLeast > this.options.minScore) {
      const bound = pairScoreBound(
        job.document,
        profile.document,
        similarity,
        this.options.weights,
        seniority,
      );
      if (bound < atLeast) return undefined;
    }
    const score = pairScore(
      job.document,
      profile.document,
      similarity,
      this.options.weights,
      this.skillsOf(profile.document),
      seniority,
      this.options.scoring ?? DEFAULT_SCORING_OPTIONS,
    );
    return score >= this.options.minScore ? score : null;
  }

  /**
   * `score` of an eligible pair whose listed skills the profile has are already counted (as
   * `SkillMatcher.has` answers them): the same number, without the look-ups; null below the floor.
   */
  scoreOfMatches(
    job: StoredEntity<JobPayload>,
    profile: StoredEntity<ProfilePayload>,
    similarity: number,
    matchedRequired: number,
    matchedNice: number,
  ): number | null {
    const score = pairScoreOfMatches(
      job.document,
      profile.document,
      similarity,
      this.options.weights,
      matchedRequired,
      matchedNice,
      this.seniorityOf(profile.document),
      this.scoring,
    );
    return score >= this.options.minScore ? score : null;
  }

  /** The counterpart as a ranked match would show it: score and explanation. */
  explain(
    subjectType: EntityType,
    subject: AnyEntity,
    counterpart: AnyEntity,
    similarity: number,
  ): ScoredCounterpart {
    const [job, profile] = orient(subjectType, subject, counterpart);
    return {
      id: counterpart.id,
      version: counterpart.version,
      ...scorePair(
        job.document,
        profile.document,
        similarity,
        this.options.weights,
        this.skillsOf(profile.document),
        this.options.scoring ?? DEFAULT_SCORING_OPTIONS,
      ),
    };
  }

  /** The skill look-ups scoring asks of this profile (the last profile's are kept). */
  skillsOf(profile: ProfileFields): SkillMatcher {
    if (profile !== this.lastProfile || !this.lastSkills) {
      this.lastProfile = profile;
      this.lastSkills = SkillMatcher.of(profile);
    }
    return this.lastSkills;
  }

  /** The profile's seniority as scoring takes it: declared, else derived once. */
  seniorityOf(profile: ProfileFields): Seniority {
    if (profile.seniority) return profile.seniority;
    let seniority = this.seniority.get(profile);
    if (!seniority) this.seniority.set(profile, (seniority = profileSeniority(profile)));
    return seniority;
  }
}

function orient(
  subjectType: EntityType,
  subject: AnyEntity,
  counterpart: AnyEntity,
): [StoredEntity<JobPayload>, StoredEntity<ProfilePayload>] {
  // The side says which is which: a job's counterparts are profiles and the other way round.
  return (subjectType === 'job' ? [subject, counterpart] : [counterpart, subject]) as [
    StoredEntity<JobPayload>,
    StoredEntity<ProfilePayload>,
  ];
}
