/**
 * What the generated profiles and jobs are made of: role families with their own titles,
 * skills and phrasing, countries with their cities and pay, names, and phrase templates (the word
 * lists are data: words/*.json); seniorities with their years, pay and title prefixes.
 */
import type { Seniority } from '@matchstream/contracts';
import countryList from './words/countries.json';
import names from './words/names.json';
import phrases from './words/phrases.json';
import roleFamilies from './words/role-families.json';

export interface RoleFamily {
  key: string;
  /** Job and experience titles, without seniority. */
  titles: readonly string[];
  /** The family's core skills: required skills come from here. */
  skills: readonly string[];
  /** Skills neighbouring families share: nice-to-haves and profile extras. */
  adjacent: readonly string[];
  categories: readonly string[];
  /** "…engineer {focus}" fragments for headlines. */
  focus: readonly string[];
  /** Sentences about the work, used in summaries, histories and job descriptions. */
  work: readonly string[];
  /** What someone in this family builds, for "I build …" / "You will build …". */
  products: readonly string[];
}

export interface Country {
  code: string;
  cities: readonly string[];
  currency: string;
  /** Salary multiplier against a US baseline, roughly. */
  pay: number;
  /** Extra countries people living here are often authorised in. */
  bloc?: readonly string[];
}

export const ROLE_FAMILIES: readonly RoleFamily[] = roleFamilies;

const blocs: Readonly<Record<string, readonly string[]>> = countryList.blocs;
export const COUNTRIES: readonly Country[] = countryList.countries.map(
  ({ weight: _weight, bloc, ...country }) => ({ ...country, bloc: bloc ? blocs[bloc] : undefined }),
);
/** Where profiles and jobs are, weighted towards the larger markets. */
export const COUNTRY_WEIGHTS: readonly number[] = countryList.countries.map((c) => c.weight);

/** People's and companies' names, schools, degrees and fields. */
export const NAMES = names;
/** Templates of the prose: `{products}`, `{span}`, `{mode}`, `{company}`, `{skill}` filled in. */
export const PHRASES = phrases;

export const SENIORITY_WEIGHTS = [1, 4, 8, 8, 3, 1, 0.3];
/** Typical years of experience per seniority (min, max). */
export const SENIORITY_YEARS: Record<Seniority, [number, number]> = {
  intern: [0, 1],
  junior: [1, 2],
  mid: [2, 5],
  senior: [5, 9],
  staff: [9, 13],
  principal: [13, 20],
  executive: [15, 25],
};
export const BASE_SALARY: Record<Seniority, number> = {
  intern: 45000,
  junior: 75000,
  mid: 105000,
  senior: 145000,
  staff: 185000,
  principal: 220000,
  executive: 260000,
};
export const SENIORITY_TITLE: Partial<Record<Seniority, string>> = {
  intern: 'Intern',
  junior: 'Junior',
  senior: 'Senior',
  staff: 'Staff',
  principal: 'Principal',
  executive: 'Head of',
};
