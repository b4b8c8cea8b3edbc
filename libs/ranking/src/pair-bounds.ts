import { SENIORITIES } from '@matchstream/contracts';
import type { JobPayload, ProfilePayload } from '@matchstream/contracts';
import {
  fitOfSeniority,
  locationFitAtMost,
  locationMatters,
  scoredRequiredSkills,
} from '@matchstream/scoring';
import type { BoundedRow, BoundedScan } from '@matchstream/vector-index';
import type { StoredEntity } from './entity-state';
import type { PairScorer } from './pair-scorer';

/**
 * Skills a pass tracks by bit, the ones postings list most. A listed skill beyond them counts as
 * matched: the bound stays one, only looser for postings that list rare skills.
 */
const SKILL_WORDS = 4;
const SKILL_BITS = 32 * SKILL_WORDS;
/** Categories by bit; beyond 32 they share bits (a shared bit may be no shared category). */
const CATEGORY_BITS = 32;
/** What scoreUpperBound adds for the rounding of each contribution and of their sum. */
export const BOUND_ROUNDING = 0.0005;
const ROUNDING = BOUND_ROUNDING;

/**
 * An upper bound of every term of a pair's hybrid score but similarity, from a few numbers per
 * entity in typed arrays, for a pass over every pair of jobs and profiles: the similarity bound
 * alone (the other terms at their maximum) lets most pairs of real embeddings through.
 *
 * - Required and nice-to-have skills: each posting's listed skills as bits (the SKILL_BITS most
 *   listed; `extra` counts the rest and repeats), each profile's as the bits of the tracked skills
 *   it has, asked of the scorer's own look-up (`skillsOf`). Had skills among a posting's listed
 *   ones are at most the shared bits plus `extra`: a skill the profile has sets its bit, and a
 *   bit stands for at most one listed skill unless `extra` counts the others.
 * - Seniority: exact, from both seniorities as the scorer takes them (`seniorityOf`).
 * - Location: exact where the posting is remote or placeless; otherwise its best case within the
 *   country or outside it (locationFitAtMost), countries compared by code.
 *
 * The terms are added unrounded with the same allowance as scoreUpperBound, so
 * `weights.similarity · clamp(s) + others(a, b)` is at least the score of every pair (a, b) at a
 * similarity up to s.
 */
export class PairBounds {
  readonly jobCategories: Int32Array;
  readonly profileCategories: Int32Array;
  private readonly jobSeniority: Uint8Array;
  private readonly profileSeniority: Uint8Array;
  private readonly seniorityTerm: Float64Array;
  /** -1 where the location term is the same for every candidate (locationSame). */
  private readonly jobCountry: Int32Array;
  private readonly profileCountry: Int32Array;
  private readonly locationSame: Float64Array;
  private readonly locationOther: Float64Array;
  private readonly required: SkillList;
  private readonly nice: SkillList;
  /** Each profile's tracked skills, SKILL_WORDS words a profile. */
  private readonly skills: Int32Array;

  constructor(
    scorer: PairScorer,
    jobs: readonly StoredEntity<JobPayload>[],
    profiles: readonly StoredEntity<ProfilePayload>[],
  ) {
    const { weights } = scorer;
    const categoryBits = codes([...jobs, ...profiles].flatMap((e) => e.document.categories));
    const categoryMask = (categories: readonly string[]) => {
      let mask = 0;
      for (const c of categories) mask |= 1 << (categoryBits.get(c)! % CATEGORY_BITS);
      return mask;
    };
    this.jobCategories = Int32Array.from(jobs, (j) => categoryMask(j.document.categories));
    this.profileCategories = Int32Array.from(profiles, (p) => categoryMask(p.document.categories));

    const seniorityCode = new Map(SENIORITIES.map((s, i) => [s, i]));
    this.jobSeniority = Uint8Array.from(jobs, (j) => seniorityCode.get(j.document.seniority)!);
    this.profileSeniority = Uint8Array.from(profiles, (p) =>
      seniorityCode.get(scorer.seniorityOf(p.document))!,
    );
    this.seniorityTerm = new Float64Array(8 * 8);
    SENIORITIES.forEach((wanted, j) =>
      SENIORITIES.forEach((actual, p) => {
        this.seniorityTerm[j * 8 + p] = weights.seniority * fitOfSeniority(wanted, actual);
      }),
    );

    const countries = new Map<string, number>();
    const country = (name: string) => {
      let code = countries.get(name);
      if (code === undefined) countries.set(name, (code = countries.size));
      return code;
    };
    this.jobCountry = Int32Array.from(jobs, ({ document: job }) =>
      locationMatters(job) ? country(job.location!.country) : -1,
    );
    this.profileCountry = Int32Array.from(profiles, (p) => country(p.document.location.country));
    this.locationSame = Float64Array.from(
      jobs,
      (j) => weights.location * locationFitAtMost(j.document, true),
    );
    this.locationOther = Float64Array.from(
      jobs,
      (j) => weights.location * locationFitAtMost(j.document, false),
    );

    // The required skills the score counts (the listed ones, or those the prose names where the
    // scorer counts them; none where the coverage is neutral), as the scorer's options say.
    const required = (job: StoredEntity<JobPayload>['document']) =>
      scoredRequiredSkills(job, scorer.scoring) ?? [];
    const listed = jobs.flatMap((j) => [...required(j.document), ...j.document.niceToHaveSkills]);
    const tracked = [...codes(listed).keys()].slice(0, SKILL_BITS);
    const bits = new Map(tracked.map((skill, bit) => [skill, bit]));
    this.required = skillList(jobs, required, bits, weights.requiredSkills);
    this.nice = skillList(jobs, (j) => j.niceToHaveSkills, bits, weights.niceToHaveSkills);
    this.skills = new Int32Array(profiles.length * SKILL_WORDS);
    profiles.forEach((p, b) => {
      const skills = scorer.skillsOf(p.document);
      tracked.forEach((skill, bit) => {
        if (skills.has(skill)) this.skills[b * SKILL_WORDS + (bit >> 5)] |= 1 << (bit & 31);
      });
    });
  }

  /** False only when job a and profile b name categories and surely share none. */
  mayShareCategory(a: number, b: number): boolean {
    const job = this.jobCategories[a];
    const profile = this.profileCategories[b];
    return job === 0 || profile === 0 || (job & profile) !== 0;
  }

  /**
   * Whether every skill job a lists has a bit of its own (none beyond the tracked ones, no
   * repeats): then `matchedRequired` and `matchedNice` are the exact counts scoring takes.
   */
  countsExactly(a: number): boolean {
    return this.required.exact(a) && this.nice.exact(a);
  }

  /** How many of job a's required skills profile b has (exact where countsExactly). */
  matchedRequired(a: number, b: number): number {
    return this.required.shared(a, this.skills, b * SKILL_WORDS);
  }

  /** How many of job a's nice-to-have skills profile b has (exact where countsExactly). */
  matchedNice(a: number, b: number): number {
    return this.nice.shared(a, this.skills, b * SKILL_WORDS);
  }

  /** At least every term of the score of job a and profile b but similarity (see the class). */
  others(a: number, b: number): number {
    return this.othersOf(this.job(a), b);
  }

  /**
   * The job's numbers for a run of pairs (read once, not per pair): its skill bits and what a
   * match is worth, its seniority row, its country and location terms.
   */
  job(a: number): JobTerms {
    const at = a * SKILL_WORDS;
    const { required, nice } = this;
    return {
      categories: this.jobCategories[a],
      required0: required.bits[at],
      required1: required.bits[at + 1],
      required2: required.bits[at + 2],
      required3: required.bits[at + 3],
      requiredExtra: required.extra[a],
      requiredCap: required.cap[a],
      requiredUnit: required.unit[a],
      nice0: nice.bits[at],
      nice1: nice.bits[at + 1],
      nice2: nice.bits[at + 2],
      nice3: nice.bits[at + 3],
      niceExtra: nice.extra[a],
      niceCap: nice.cap[a],
      niceUnit: nice.unit[a],
      seniorityRow: this.jobSeniority[a] * 8,
      country: this.jobCountry[a],
      locationSame: this.locationSame[a],
      locationOther: this.locationOther[a],
    };
  }

  /** `others` for the job's numbers (job(a)) and profile b. */
  othersOf(job: JobTerms, b: number): number {
    const { skills } = this;
    const at = b * SKILL_WORDS;
    const s0 = skills[at];
    const s1 = skills[at + 1];
    const s2 = skills[at + 2];
    const s3 = skills[at + 3];
    let required =
      popcount(s0 & job.required0) +
      popcount(s1 & job.required1) +
      popcount(s2 & job.required2) +
      popcount(s3 & job.required3) +
      job.requiredExtra;
    if (required > job.requiredCap) required = job.requiredCap;
    let nice =
      popcount(s0 & job.nice0) +
      popcount(s1 & job.nice1) +
      popcount(s2 & job.nice2) +
      popcount(s3 & job.nice3) +
      job.niceExtra;
    if (nice > job.niceCap) nice = job.niceCap;
    const country = job.country;
    return (
      required * job.requiredUnit +
      nice * job.niceUnit +
      this.seniorityTerm[job.seniorityRow + this.profileSeniority[b]] +
      (country < 0 || country === this.profileCountry[b] ? job.locationSame : job.locationOther) +
      ROUNDING
    );
  }

  /**
   * The same bound for the kernel (VectorStore.boundedScan, which adds the terms in the same
   * order): job a as a row, its threshold left to the caller.
   */
  row(a: number): BoundedRow {
    const job = this.job(a);
    return {
      bitsA: [job.required0, job.required1, job.required2, job.required3],
      extraA: job.requiredExtra,
      capA: job.requiredCap,
      unitA: job.requiredUnit,
      bitsB: [job.nice0, job.nice1, job.nice2, job.nice3],
      extraB: job.niceExtra,
      capB: job.niceCap,
      unitB: job.niceUnit,
      same: job.locationSame,
      other: job.locationOther,
      threshold: -Infinity,
      mask: job.categories,
      code: job.seniorityRow,
      key: job.country,
    };
  }

  /** Every profile as the kernel's column (its number in this pass), and the seniority table. */
  writeColumns(scan: BoundedScan, slots: Int32Array): void {
    for (let b = 0; b < slots.length; b++) {
      const at = b * SKILL_WORDS;
      scan.setColumn(
        b,
        this.skills.subarray(at, at + SKILL_WORDS),
        this.profileCategories[b],
        this.profileSeniority[b],
        this.profileCountry[b],
        slots[b],
      );
    }
    scan.table.set(this.seniorityTerm);
  }

  /** mayShareCategory for the job's numbers (job(a)) and profile b. */
  meets(job: JobTerms, b: number): boolean {
    const profile = this.profileCategories[b];
    return job.categories === 0 || profile === 0 || (job.categories & profile) !== 0;
  }
}

/** One job's numbers in PairBounds, read once for a run of its pairs. */
export interface JobTerms {
  readonly categories: number;
  readonly required0: number;
  readonly required1: number;
  readonly required2: number;
  readonly required3: number;
  readonly requiredExtra: number;
  readonly requiredCap: number;
  readonly requiredUnit: number;
  readonly nice0: number;
  readonly nice1: number;
  readonly nice2: number;
  readonly nice3: number;
  readonly niceExtra: number;
  readonly niceCap: number;
  readonly niceUnit: number;
  readonly seniorityRow: number;
  readonly country: number;
  readonly locationSame: number;
  readonly locationOther: number;
}

/** One skills list per posting as bits (see PairBounds), with what each match is worth. */
class SkillList {
  constructor(
    /** SKILL_WORDS words a posting. */
    readonly bits: Int32Array,
    /** Listed skills no bit stands for, or that share one with another listed skill. */
    readonly extra: Int32Array,
    /** The most matches that count: the list's length (1 for an empty list, which counts whole). */
    readonly cap: Int32Array,
    /** The term's weight over `cap`. */
    readonly unit: Float64Array,
    /** 1 where every listed skill has a bit of its own (or none is listed). */
    private readonly exactly: Uint8Array,
  ) {}

  /** The posting's listed skills among the profile's bits (each tracked one once). */
  shared(a: number, skills: Int32Array, at: number): number {
    const own = a * SKILL_WORDS;
    const { bits } = this;
    return (
      popcount(skills[at] & bits[own]) +
      popcount(skills[at + 1] & bits[own + 1]) +
      popcount(skills[at + 2] & bits[own + 2]) +
      popcount(skills[at + 3] & bits[own + 3])
    );
  }

  /** Whether `shared` counts the posting's list exactly (an empty list counts none). */
  exact(a: number): boolean {
    return this.exactly[a] === 1;
  }
}

function skillList(
  jobs: readonly StoredEntity<JobPayload>[],
  list: (job: StoredEntity<JobPayload>['document']) => readonly string[],
  bitOf: ReadonlyMap<string, number>,
  weight: number,
): SkillList {
  const bits = new Int32Array(jobs.length * SKILL_WORDS);
  const extra = new Int32Array(jobs.length);
  const cap = new Int32Array(jobs.length);
  const unit = new Float64Array(jobs.length);
  const exactly = new Uint8Array(jobs.length);
  jobs.forEach((job, a) => {
    const skills = list(job.document);
    if (skills.length === 0) {
      // Coverage of an empty list is whole (1): one "match" at the full weight.
      extra[a] = 1;
      cap[a] = 1;
      unit[a] = weight;
      exactly[a] = 1;
      return;
    }
    let distinct = 0;
    for (const skill of skills) {
      const bit = bitOf.get(skill);
      if (bit === undefined) continue;
      const word = a * SKILL_WORDS + (bit >> 5);
      const mask = 1 << (bit & 31);
      if ((bits[word] & mask) === 0) distinct++;
      bits[word] |= mask;
    }
    extra[a] = skills.length - distinct;
    cap[a] = skills.length;
    unit[a] = weight / skills.length;
    exactly[a] = extra[a] === 0 ? 1 : 0;
  });
  return new SkillList(bits, extra, cap, unit, exactly);
}

/** Distinct values, most frequent first (ties by value), each with its rank. */
function codes(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(ranked.map(([value], i) => [value, i]));
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
