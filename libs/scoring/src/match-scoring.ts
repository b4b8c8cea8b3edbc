import { SENIORITIES } from '@matchstream/contracts';
import type {
  ConstraintCheck,
  JobPayload,
  MatchExplanation,
  ProfilePayload,
  Seniority,
} from '@matchstream/contracts';
import { isJobFields, isProfileFields, monthIndex, profileText } from './match-fields';
import type { JobFields, ProfileFields } from './match-fields';
import { skillsInJob } from './skill-extraction';
import { SkillMatcher } from './skills';

/**
 * A posting or profile as scoring takes it: the validated document, or its match fields (what the
 * matching service keeps). Both give the same verdicts and scores, to the last bit.
 */
export type JobLike = JobPayload | JobFields;
export type ProfileLike = ProfilePayload | ProfileFields;

/** The fields the hard constraints read, which documents and match fields share. */
type JobConstraintFields = Pick<
  JobFields,
  'remotePolicy' | 'hiringCountries' | 'visaSponsorship' | 'location' | 'categories'
>;
type ProfileConstraintFields = Pick<
  ProfileFields,
  'workModes' | 'workAuthorization' | 'location' | 'willingToRelocate' | 'categories'
>;

/**
 * Weights of the hybrid score (they sum to 1, so the score is 0..1). Similarity carries most of it
 * because it sees everything the structured fields miss; required skills are the strongest
 * structured signal recruiters use. Configurable per deployment (MATCH_WEIGHT_* variables).
 */
export interface ScoringWeights {
  similarity: number;
  requiredSkills: number;
  niceToHaveSkills: number;
  seniority: number;
  location: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  similarity: 0.55,
  requiredSkills: 0.25,
  niceToHaveSkills: 0.05,
  seniority: 0.1,
  location: 0.05,
};

/**
 * Hard constraints: a pair failing any of them is never a match, however similar.
 * - work-mode: the job's remote policy is one the candidate accepts (hybrid is fine for someone
 *   who accepts onsite work);
 * - work-authorization: the candidate may work in a country the job hires in, or it sponsors visas;
 * - location: onsite and hybrid jobs need the candidate in the job's country or willing to relocate;
 * - category: when both sides name categories, they share one.
 */
export function checkConstraints(
  job: JobConstraintFields,
  profile: ProfileConstraintFields,
): ConstraintCheck[] {
  const modes = profile.workModes;
  const modeOk =
    modes.includes(job.remotePolicy) || (job.remotePolicy === 'hybrid' && modes.includes('onsite'));
  const authorised = profile.workAuthorization.filter((c) => job.hiringCountries.includes(c));
  const checks: ConstraintCheck[] = [
    {
      name: 'work-mode',
      passed: modeOk,
      detail: `job is ${job.remotePolicy}; candidate accepts ${modes.join('/')}`,
    },
    {
      name: 'work-authorization',
      passed: authorised.length > 0 || job.visaSponsorship,
      detail: authorised.length
        ? `authorised in ${authorised.join(', ')}`
        : job.visaSponsorship
          ? 'not authorised in a hiring country; the job sponsors visas'
          : `not authorised in ${job.hiringCountries.join(', ')}`,
    },
  ];
  if (job.remotePolicy !== 'remote' && job.location) {
    const sameCountry = profile.location.country === job.location.country;
    checks.push({
      name: 'location',
      passed: sameCountry || profile.willingToRelocate,
      detail: sameCountry
        ? `candidate is in ${job.location.country}`
        : profile.willingToRelocate
          ? `candidate would relocate to ${job.location.country}`
          : `candidate is in ${profile.location.country}, job in ${job.location.country}`,
    });
  }
  if (job.categories.length && profile.categories.length) {
    const shared = job.categories.filter((c) => profile.categories.includes(c));
    checks.push({
      name: 'category',
      passed: shared.length > 0,
      detail: shared.length ? `shared: ${shared.join(', ')}` : 'no shared category',
    });
  }
  return checks;
}

/**
 * The same verdict as every check of checkConstraints passing, without building explanations:
 * it runs for every candidate the filtered HNSW search visits, so it stops at the first failure.
 */
export function isEligible(job: JobConstraintFields, profile: ProfileConstraintFields): boolean {
  const modes = profile.workModes;
  if (!(
    modes.includes(job.remotePolicy) ||
    (job.remotePolicy === 'hybrid' && modes.includes('onsite'))
  )) {
    return false;
  }
  if (
    !job.visaSponsorship &&
    !profile.workAuthorization.some((c) => job.hiringCountries.includes(c))
  ) {
    return false;
  }
  if (
    job.remotePolicy !== 'remote' &&
    job.location &&
    profile.location.country !== job.location.country &&
    !profile.willingToRelocate
  ) {
    return false;
  }
  if (job.categories.length && profile.categories.length) {
    return job.categories.some((c) => profile.categories.includes(c));
  }
  return true;
}

/**
 * How skills a posting only names in its prose (no requiredSkills list) are used. `explain`: they
 * fill the explanation's matched and missing skills, and the score treats the posting as listing
 * none (required-skill coverage neutral); `score`: their coverage counts in the score as a list's
 * would. The default is what npm run bench:quality measured as better (bench/results/README.md).
 */
export interface ScoringOptions {
  skillsFromText: 'explain' | 'score';
}

export const DEFAULT_SCORING_OPTIONS: ScoringOptions = { skillsFromText: 'explain' };

export interface ScoredPair {
  score: number;
  explanation: MatchExplanation;
}

export function scorePair(
  job: JobLike,
  profile: ProfileLike,
  similarity: number,
  weights: ScoringWeights = DEFAULT_WEIGHTS,
  /** The profile's matcher, when the caller keeps one: building it normalises the whole text. */
  skills: SkillMatcher = skillMatcherFor(profile),
  options: ScoringOptions = DEFAULT_SCORING_OPTIONS,
): ScoredPair {
  const listed = job.requiredSkills.length > 0;
  const required = listed ? job.requiredSkills : skillsInJobText(job);
  const matchedRequired = required.filter((s) => skills.has(s));
  const missingRequired = required.filter((s) => !skills.has(s));
  const matchedNice = job.niceToHaveSkills.filter((s) => skills.has(s));
  const requiredCoverage = coverage(matchedRequired.length, required.length);
  const scoredCoverage = scoresRequiredSkills(job, options) ? requiredCoverage : 1;
  const niceCoverage = coverage(matchedNice.length, job.niceToHaveSkills.length);
  const seniorityFit = fitOfSeniority(job.seniority, profileSeniority(profile));
  const locationFit = fitOfLocation(job, profile);
  const { contributions, score } = combine(weights, {
    similarity,
    requiredCoverage: scoredCoverage,
    niceCoverage,
    seniorityFit,
    locationFit,
  });
  const constraints = checkConstraints(job, profile);
  return {
    score,
    explanation: {
      similarity: round(similarity),
      requiredSkillCoverage: round(requiredCoverage),
      matchedRequiredSkills: matchedRequired,
      missingRequiredSkills: missingRequired,
      matchedNiceToHaveSkills: matchedNice,
      seniorityFit: round(seniorityFit),
      locationFit: round(locationFit),
      contributions,
      constraints,
      summary: summarise(listed, matchedRequired, missingRequired, similarity, seniorityFit),
    },
  };
}

/**
 * The hybrid score alone, equal to scorePair's score to the last bit under the same weights and
 * options: for the scans that score many pairs to rank a few (no explanation is built, no skill
 * list is allocated).
 */
export function pairScore(
  job: JobLike,
  profile: ProfileLike,
  similarity: number,
  weights: ScoringWeights,
  skills: SkillMatcher,
  seniority: Seniority,
  options: ScoringOptions = DEFAULT_SCORING_OPTIONS,
): number {
  const required = scoredRequiredSkills(job, options);
  let matchedRequired = 0;
  if (required) for (const s of required) if (skills.has(s)) matchedRequired++;
  let matchedNice = 0;
  for (const s of job.niceToHaveSkills) if (skills.has(s)) matchedNice++;
  return scoreOfMatches(job, profile, similarity, weights, seniority, {
    matchedRequired,
    required: required?.length ?? null,
    matchedNice,
  });
}

/**
 * The required skills whose coverage the score takes: the listed ones, or (`skillsFromText:
 * 'score'`) those the posting's prose names; null where the coverage is neutral (1).
 */
export function scoredRequiredSkills(
  job: JobLike,
  options: ScoringOptions = DEFAULT_SCORING_OPTIONS,
): readonly string[] | null {
  if (!scoresRequiredSkills(job, options)) return null;
  return job.requiredSkills.length ? job.requiredSkills : skillsInJobText(job);
}

/**
 * pairScore once the skills are counted: of scoredRequiredSkills and of the nice-to-have list,
 * how many the profile has (each that `SkillMatcher.has`, repeats included). For a pass that
 * knows the counts another way; the same number to the last bit.
 */
export function pairScoreOfMatches(
  job: JobLike,
  profile: ProfileLike,
  similarity: number,
  weights: ScoringWeights,
  matchedRequired: number,
  matchedNice: number,
  seniority: Seniority,
  options: ScoringOptions = DEFAULT_SCORING_OPTIONS,
): number {
  const required = scoredRequiredSkills(job, options);
  return scoreOfMatches(job, profile, similarity, weights, seniority, {
    matchedRequired,
    required: required?.length ?? null,
    matchedNice,
  });
}

function scoreOfMatches(
  job: JobLike,
  profile: ProfileLike,
  similarity: number,
  weights: ScoringWeights,
  seniority: Seniority,
  skills: { matchedRequired: number; required: number | null; matchedNice: number },
): number {
  return combine(weights, {
    similarity,
    requiredCoverage:
      skills.required === null ? 1 : coverage(skills.matchedRequired, skills.required),
    niceCoverage: coverage(skills.matchedNice, job.niceToHaveSkills.length),
    seniorityFit: fitOfSeniority(job.seniority, seniority),
    locationFit: fitOfLocation(job, profile),
  }).score;
}

/**
 * The most any pair can score at this similarity: every other term at its maximum (1), plus the
 * rounding of each contribution. A scan skips a pair whose bound cannot beat what it must beat.
 */
export function scoreUpperBound(weights: ScoringWeights, similarity: number): number {
  const others =
    weights.requiredSkills + weights.niceToHaveSkills + weights.seniority + weights.location;
  return weights.similarity * clamp01(similarity) + others + 0.0005;
}

/**
 * A similarity below which `scoreUpperBound` stays under `score`: for every s < the result,
 * scoreUpperBound(weights, s) < score (so a scan can dismiss a pair by its similarity alone).
 * -Infinity when no similarity is low enough. The slack below the exact inverse is many times
 * the rounding of the bound's two operations.
 */
export function similarityFloor(weights: ScoringWeights, score: number): number {
  if (Number.isNaN(score)) return -Infinity;
  if (score === Infinity) return Infinity;
  const atZero = scoreUpperBound(weights, 0);
  const slack = 1e-9;
  if (!(weights.similarity > 0) || score <= atZero + weights.similarity * slack) return -Infinity;
  return (score - atZero) / weights.similarity - slack;
}

/**
 * A tighter bound for an eligible pair: the cheap terms (seniority, location) exact, the skill
 * terms at their maximum. Lets a scan skip the skill look-ups of most pairs it must consider.
 */
export function pairScoreBound(
  job: JobLike,
  profile: ProfileLike,
  similarity: number,
  weights: ScoringWeights,
  seniority: Seniority,
): number {
  return (
    weights.similarity * clamp01(similarity) +
    weights.requiredSkills +
    weights.niceToHaveSkills +
    weights.seniority * fitOfSeniority(job.seniority, seniority) +
    weights.location * fitOfLocation(job, profile) +
    0.0005
  );
}

interface ScoreTerms {
  similarity: number;
  requiredCoverage: number;
  niceCoverage: number;
  seniorityFit: number;
  locationFit: number;
}

function combine(
  weights: ScoringWeights,
  terms: ScoreTerms,
): { contributions: MatchExplanation['contributions']; score: number } {
  const contributions = {
    similarity: round(weights.similarity * clamp01(terms.similarity)),
    requiredSkills: round(weights.requiredSkills * terms.requiredCoverage),
    niceToHaveSkills: round(weights.niceToHaveSkills * terms.niceCoverage),
    seniority: round(weights.seniority * terms.seniorityFit),
    location: round(weights.location * terms.locationFit),
  };
  const score = round(
    contributions.similarity +
      contributions.requiredSkills +
      contributions.niceToHaveSkills +
      contributions.seniority +
      contributions.location,
  );
  return { contributions, score };
}

/** Neutral (1) when a job lists none, so jobs without the list are not ranked lower for a profile. */
/**
 * Whether the required-skill coverage counts in the score: always for listed skills; for skills
 * only named in the prose, when the options say so (neutral otherwise: measured not to help).
 */
function scoresRequiredSkills(job: JobLike, options: ScoringOptions): boolean {
  return job.requiredSkills.length > 0 || options.skillsFromText === 'score';
}

function skillsInJobText(job: JobLike): readonly string[] {
  return isJobFields(job) ? job.skillsInText : skillsInJob(job);
}

function coverage(matched: number, listed: number): number {
  return listed ? matched / listed : 1;
}

const SENIORITY_RANK = new Map<Seniority, number>(SENIORITIES.map((s, i) => [s, i]));

/** Declared seniority, else years of experience, else years spanned by the work history. */
export function profileSeniority(profile: ProfileLike, now = new Date()): Seniority {
  if (profile.seniority) return profile.seniority;
  const years = profile.yearsOfExperience ?? yearsFromHistory(firstMonthOf(profile), now);
  if (years < 1) return 'intern';
  if (years < 2) return 'junior';
  if (years < 5) return 'mid';
  if (years < 9) return 'senior';
  if (years < 13) return 'staff';
  return 'principal';
}

/** The earliest month of the work history (undefined without one). */
function firstMonthOf(profile: ProfileLike): number | undefined {
  if (isProfileFields(profile)) return profile.firstMonth;
  const starts = profile.experience.map((e) => monthIndex(e.startDate));
  return starts.length ? Math.min(...starts) : undefined;
}

function yearsFromHistory(firstMonth: number | undefined, now: Date): number {
  if (firstMonth === undefined) return 0;
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return (current - firstMonth) / 12;
}

/** How a candidate's seniority fits the posting's (1 when equal): a term of the score. */
export function fitOfSeniority(wanted: Seniority, actual: Seniority): number {
  const distance = Math.abs((SENIORITY_RANK.get(wanted) ?? 0) - (SENIORITY_RANK.get(actual) ?? 0));
  return Math.max(0, 1 - 0.35 * distance);
}

function fitOfLocation(job: JobConstraintFields, profile: ProfileConstraintFields): number {
  if (job.remotePolicy === 'remote' || !job.location) return 1;
  if (profile.location.country !== job.location.country) return 0.5;
  const sameCity =
    job.location.city !== undefined &&
    profile.location.city?.toLowerCase() === job.location.city.toLowerCase();
  return sameCity ? 1 : 0.8;
}

/**
 * The most fitOfLocation gives the posting against any candidate in its country, whatever the
 * city (`sameCountry`), or against any candidate outside it: a pass that compares only countries
 * bounds the location term with it. Keep it in step with fitOfLocation.
 */
export function locationFitAtMost(job: JobConstraintFields, sameCountry: boolean): number {
  if (job.remotePolicy === 'remote' || !job.location) return 1;
  return sameCountry ? 1 : 0.5;
}

/** Whether the location term depends on the candidate at all (not for remote or placeless jobs). */
export function locationMatters(job: JobConstraintFields): boolean {
  return job.remotePolicy !== 'remote' && job.location !== undefined;
}

const matchers = new WeakMap<ProfilePayload, SkillMatcher>();

/**
 * The profile's matcher: one per document (documents are immutable once validated); a fresh one,
 * over what is already computed, for match fields (the caller keeps it as long as it needs it).
 */
export function skillMatcherFor(profile: ProfileLike): SkillMatcher {
  if (isProfileFields(profile)) return SkillMatcher.of(profile);
  let matcher = matchers.get(profile);
  if (!matcher)
    matchers.set(profile, (matcher = new SkillMatcher(profile.skills, profileText(profile))));
  return matcher;
}

function summarise(
  listed: boolean,
  matched: string[],
  missing: string[],
  similarity: number,
  seniorityFit: number,
): string {
  const parts = [`similarity ${similarity.toFixed(2)}`];
  const total = matched.length + missing.length;
  if (total) {
    parts.push(
      `${matched.length}/${total} ${listed ? 'required skills' : 'skills the posting names'}`,
    );
    if (missing.length) parts.push(`missing ${missing.slice(0, 3).join(', ')}`);
  }
  parts.push(seniorityFit === 1 ? 'seniority fits' : 'seniority differs');
  return parts.join('; ');
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number) => Math.round(x * 10000) / 10000;
