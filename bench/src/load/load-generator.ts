/**
 * Seeded, reproducible synthetic profiles and jobs for the benchmarks.
 *
 * Every entity is derived from (seed, kind, index) alone, so `profile(17)` is the same whatever
 * else was generated before it and on every machine. The data is built to look like the sample
 * fixtures (vocabulary.ts): a role family with its own titles, skills and phrasing; a seniority
 * with matching years and history; a spread of countries, cities, work modes and remote policies;
 * the fixtures' categories. Texts are assembled from phrase templates, so neighbouring entities
 * of one family are similar without being identical, which gives the vectors a realistic cluster
 * structure. Every payload passes the contracts' zod schemas.
 */
import { SENIORITIES } from '@matchstream/contracts';
import type {
  JobPayloadInput,
  ProfilePayloadInput,
  Seniority,
  WorkMode,
} from '@matchstream/contracts';
import { Rng } from '../harness/rng';
import {
  BASE_SALARY,
  COUNTRIES,
  COUNTRY_WEIGHTS,
  NAMES,
  PHRASES,
  ROLE_FAMILIES,
  SENIORITY_TITLE,
  SENIORITY_WEIGHTS,
  SENIORITY_YEARS,
} from './vocabulary';
import type { RoleFamily } from './vocabulary';

export interface GeneratedEntity<P> {
  id: string;
  /** Key of the role family (the cluster) this entity was drawn from. */
  family: string;
  payload: P;
}

export interface LoadGeneratorOptions {
  seed: number;
  /** Prefix of entity ids (letters, digits, ".", "_", ":" or "-"), e.g. a run id. */
  idPrefix?: string;
  /** "Now" for work histories; fixed by default so the data does not change over time. */
  now?: Date;
}

export class LoadGenerator {
  readonly seed: number;
  readonly idPrefix: string;
  private readonly nowYear: number;
  private readonly nowMonth: number;

  constructor(options: LoadGeneratorOptions) {
    this.seed = options.seed;
    this.idPrefix = options.idPrefix ?? 'bench';
    const now = options.now ?? new Date('2025-06-01T00:00:00Z');
    this.nowYear = now.getUTCFullYear();
    this.nowMonth = now.getUTCMonth() + 1;
  }

  profileId(index: number): string {
    return `${this.idPrefix}-profile-${String(index).padStart(6, '0')}`;
  }

  jobId(index: number): string {
    return `${this.idPrefix}-job-${String(index).padStart(6, '0')}`;
  }

  profiles(count: number, offset = 0): GeneratedEntity<ProfilePayloadInput>[] {
    return Array.from({ length: count }, (_, i) => this.profile(offset + i));
  }

  jobs(count: number, offset = 0): GeneratedEntity<JobPayloadInput>[] {
    return Array.from({ length: count }, (_, i) => this.job(offset + i));
  }

  profile(index: number): GeneratedEntity<ProfilePayloadInput> {
    const rng = Rng.seeded(this.seed, 'profile', index);
    const family = rng.pick(ROLE_FAMILIES);
    const seniority = rng.weighted(SENIORITIES, SENIORITY_WEIGHTS);
    const [minYears, maxYears] = SENIORITY_YEARS[seniority];
    const years = rng.int(minYears, maxYears);
    const country = rng.weighted(COUNTRIES, COUNTRY_WEIGHTS);
    const city = rng.pick(country.cities);
    const first = rng.pick(NAMES.firstNames);
    const last = rng.pick(NAMES.lastNames);
    const title = rng.pick(family.titles);
    const products = rng.pick(family.products);

    const skills = [
      ...rng.sample(family.skills, rng.int(4, family.skills.length)),
      ...rng.sample(family.adjacent, rng.int(0, 3)),
    ];
    const workModes = this.profileWorkModes(rng);
    const authorization = new Set([country.code]);
    if (country.bloc && rng.chance(0.7))
      rng.sample(country.bloc, 2).forEach((c) => authorization.add(c));
    if (rng.chance(0.1)) authorization.add(rng.weighted(COUNTRIES, COUNTRY_WEIGHTS).code);

    const experience = this.history(rng, family, title, seniority, years);
    const summary = [
      capitalise(
        fill(rng.pick(PHRASES.profileOpeners), {
          span: years <= 1 ? 'one year' : `${years} years`,
          products,
        }),
      ),
      ...rng.sample(family.work, rng.int(1, 2)),
      rng.pick(PHRASES.profileClosers),
    ].join(' ');
    const mode = workModes[0];
    const payload: ProfilePayloadInput = {
      name: `${first} ${last}`,
      handle: `${first}-${last}-${index}`.toLowerCase(),
      headline: `${seniorTitle(seniority, title)} ${rng.pick(family.focus)}`,
      summary,
      lookingFor: fill(rng.pick(PHRASES.lookingFor), { products, mode }),
      experience,
      education: rng.chance(0.8) ? [this.education(rng, years)] : [],
      skills,
      seniority: rng.chance(0.85) ? seniority : undefined,
      yearsOfExperience: rng.chance(0.7) ? years : undefined,
      location: { city, country: country.code },
      workModes,
      willingToRelocate: rng.chance(0.25),
      workAuthorization: [...authorization],
      categories: rng.sample(family.categories, rng.int(1, family.categories.length)),
      availability: rng.pick([
        'immediately',
        'within-1-month',
        'within-3-months',
        'open-to-offers',
      ] as const),
    };
    return { id: this.profileId(index), family: family.key, payload };
  }

  job(index: number): GeneratedEntity<JobPayloadInput> {
    const rng = Rng.seeded(this.seed, 'job', index);
    const family = rng.pick(ROLE_FAMILIES);
    const seniority = rng.weighted(SENIORITIES.slice(0, 6), SENIORITY_WEIGHTS.slice(0, 6));
    const country = rng.weighted(COUNTRIES, COUNTRY_WEIGHTS);
    const remotePolicy = rng.weighted<WorkMode>(['remote', 'hybrid', 'onsite'], [4, 4, 2]);
    const company = `${rng.pick(NAMES.companyHeads)} ${rng.pick(NAMES.companyTails)}`;
    const title = rng.pick(family.titles);
    const products = rng.pick(family.products);
    const required = rng.sample(family.skills, rng.int(2, 5));
    const nice = rng.sample(
      [...family.skills.filter((s) => !required.includes(s)), ...family.adjacent],
      rng.int(1, 3),
    );
    const [minYears] = SENIORITY_YEARS[seniority];
    const hiring = new Set([country.code]);
    if (remotePolicy === 'remote') {
      if (country.bloc) rng.sample(country.bloc, rng.int(1, 4)).forEach((c) => hiring.add(c));
      if (rng.chance(0.3)) hiring.add(rng.weighted(COUNTRIES, COUNTRY_WEIGHTS).code);
    }
    const requirements = rng.sample(PHRASES.requirementTemplates, rng.int(1, 3)).map((t) =>
      fill(t, {
        years: String(Math.max(1, minYears)),
        title: title.toLowerCase(),
        skill: required[0],
        skill2: required[1] ?? nice[0],
      }),
    );
    const base = BASE_SALARY[seniority] * country.pay * (0.85 + rng.next() * 0.3);
    const min = Math.round(base / 1000) * 1000;
    const payload: JobPayloadInput = {
      title: seniorTitle(seniority, title),
      company,
      description: [
        fill(rng.pick(PHRASES.jobOpeners), { company, products }),
        ...rng.sample(family.work, rng.int(1, 2)).map(asResponsibility),
        rng.pick(PHRASES.jobClosers),
      ].join(' '),
      requirements,
      requiredSkills: required,
      niceToHaveSkills: nice,
      location:
        remotePolicy === 'remote' && rng.chance(0.6)
          ? undefined
          : { city: rng.pick(country.cities), country: country.code },
      remotePolicy,
      hiringCountries: [...hiring],
      visaSponsorship: rng.chance(0.2),
      seniority,
      employmentType: rng.weighted(['full-time', 'contract', 'part-time'] as const, [8, 2, 0.5]),
      salary: rng.chance(0.7)
        ? {
            min,
            max: Math.round((min * (1.15 + rng.next() * 0.2)) / 1000) * 1000,
            currency: country.currency,
            period: 'year',
          }
        : undefined,
      categories: rng.sample(family.categories, rng.int(1, family.categories.length)),
    };
    return { id: this.jobId(index), family: family.key, payload };
  }

  private profileWorkModes(rng: Rng): WorkMode[] {
    const choice = rng.weighted(
      [
        ['remote'],
        ['remote', 'hybrid'],
        ['hybrid', 'onsite'],
        ['onsite'],
        ['remote', 'hybrid', 'onsite'],
      ],
      [3, 4, 2, 1, 2],
    );
    return [...choice] as WorkMode[];
  }

  /** Most recent first; the first entry is current. Spans roughly `years` years. */
  private history(
    rng: Rng,
    family: RoleFamily,
    title: string,
    seniority: Seniority,
    years: number,
  ): NonNullable<ProfilePayloadInput['experience']> {
    const entries = Math.max(1, Math.min(4, Math.ceil(years / 3) + rng.int(-1, 0)));
    let endMonths = this.nowYear * 12 + (this.nowMonth - 1);
    const totalMonths = Math.max(3, years * 12);
    const out: NonNullable<ProfilePayloadInput['experience']> = [];
    for (let i = 0; i < entries; i++) {
      const startMonths = endMonths - Math.max(3, Math.round(totalMonths / entries));
      const entryTitle = i === 0 ? seniorTitle(seniority, title) : rng.pick(family.titles);
      out.push({
        company: `${rng.pick(NAMES.companyHeads)} ${rng.pick(NAMES.companyTails)}`,
        title: entryTitle,
        startDate: yearMonth(startMonths),
        endDate: i === 0 ? null : yearMonth(endMonths),
        description: rng.sample(family.work, rng.int(1, 2)).join(' '),
      });
      endMonths = startMonths - rng.int(0, 2);
    }
    return out;
  }

  private education(
    rng: Rng,
    years: number,
  ): NonNullable<ProfilePayloadInput['education']>[number] {
    const endYear = this.nowYear - years - rng.int(0, 1);
    return {
      institution: rng.pick(NAMES.institutions),
      degree: rng.pick(NAMES.degrees),
      field: rng.pick(NAMES.fields),
      startYear: endYear - rng.int(3, 4),
      endYear,
    };
  }
}

/** A whitespace-separated word list. */

function seniorTitle(seniority: Seniority, title: string): string {
  const prefix = SENIORITY_TITLE[seniority];
  return prefix ? `${prefix} ${title}` : title;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

/** A history sentence ("Built X.") as job-ad text ("Our team recently built X."). */
function asResponsibility(sentence: string): string {
  return `Our team recently ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
}

function yearMonth(months: number): string {
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}
