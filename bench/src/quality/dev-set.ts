/**
 * The labelled development sets (`quality-dev`, `quality-dev2`, …: resumes, jobs, label mapping, one
 * format) and how their records become the project's payloads, so the benchmark ranks them through
 * the real code path.
 *
 * Mapping (the set is prose only; nothing is invented that would enter the canonical text):
 * - resume → profile: `headline` is the resume's opening words up to its first section heading
 *   (the livecareer resumes open with a job title, then "Summary", "Experience", …), at most
 *   12 words; `summary` is the rest of the text, cut at the contract's long-text limit on a word
 *   boundary. No skills list, no experience entries (the text has no reliable dates or employers).
 *   Placeholders for fields the canonical text never reads: name, location, work modes,
 *   authorisation. Seniority `mid` on both sides unless a job title says otherwise (the set has no
 *   seniority), so the hard constraints pass every pair and the seniority term is the same for
 *   every candidate of a job.
 * - job → job payload: `title`, `description`, and `requirements` split into sentences grouped
 *   under the contract's item limit; company "(not given)" where the source has none; remote, so
 *   location never filters.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LIMITS, jobPayload, profilePayload } from '@matchstream/contracts';
import type { JobPayload, ProfilePayload, Seniority } from '@matchstream/contracts';

export interface DevResume {
  id: string;
  category: string;
  text: string;
}

export interface DevJob {
  id: string;
  label: string;
  title: string;
  company: string;
  description: string;
  requirements: string;
}

export interface DevSet {
  dir: string;
  resumes: DevResume[];
  jobs: DevJob[];
  /** Job label → resume categories that count as relevant. */
  mapping: Map<string, Set<string>>;
}

/**
 * The labelled sets to score, in a stable order: QUALITY_DATA_DIRS (comma-separated folders), else
 * QUALITY_DATA_DIR (one folder), else every `quality-*` folder of the nearest `shared/data` above
 * the repository root (the root is found from this file, so it works from the sources and from
 * dist/; a git worktree sits one level deeper than the main checkout). Folders without a set's
 * files are left to loadDevSet to skip.
 */
export function devSetDirs(env: Record<string, string | undefined> = process.env): string[] {
  if (env.QUALITY_DATA_DIRS) {
    return env.QUALITY_DATA_DIRS.split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => resolve(d));
  }
  if (env.QUALITY_DATA_DIR) return [resolve(env.QUALITY_DATA_DIR)];
  const data = sharedDataDir();
  if (!data) return [];
  return readdirSync(data, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith('quality-'))
    .map((e) => join(data, e.name))
    .sort();
}

function sharedDataDir(): string | null {
  let root = __dirname;
  while (!existsSync(join(root, 'package.json')) && resolve(root, '..') !== root) {
    root = resolve(root, '..');
  }
  for (let dir = resolve(root, '..'); ; dir = resolve(dir, '..')) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    if (resolve(dir, '..') === dir) return null;
  }
}

/** A set's name in reports: its folder's. */
export function devSetName(dir: string): string {
  return basename(dir);
}

export const DEV_SET_FILES = ['resumes.jsonl', 'jobs.jsonl', 'mapping.json'] as const;

/** The set, or null when any of its files is missing. Jobs of unmapped labels are left out. */
export function loadDevSet(dir: string): DevSet | null {
  if (!DEV_SET_FILES.every((f) => existsSync(join(dir, f)))) return null;
  const lines = (file: string) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const mappingJson = JSON.parse(readFileSync(join(dir, 'mapping.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const mapping = new Map(Object.entries(mappingJson).map(([k, v]) => [k, new Set(v)]));
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const resumes = lines('resumes.jsonl').map((r) => ({
    id: str(r.id),
    category: str(r.category),
    text: str(r.text),
  }));
  const jobs = lines('jobs.jsonl')
    .map((j) => ({
      id: str(j.id),
      label: str(j.label),
      title: str(j.title),
      company: str(j.company),
      description: str(j.description),
      requirements: str(j.requirements),
    }))
    .filter((j) => mapping.has(j.label));
  return { dir, resumes, jobs, mapping };
}

const SECTION_HEADINGS =
  /\b(Professional Summary|Executive Summary|Career Overview|Executive Profile|Professional Profile|Summary|Profile|Objective|Experience|Work History|Highlights|Qualifications|Skills|Accomplishments|Education)\b/;
const HEADLINE_MAX_WORDS = 12;

export function resumeToProfile(resume: DevResume): ProfilePayload {
  const text = clean(resume.text);
  const heading = SECTION_HEADINGS.exec(text);
  const lead = (heading && heading.index > 0 ? text.slice(0, heading.index) : text).trim();
  const headlineWords = lead.split(' ').slice(0, HEADLINE_MAX_WORDS);
  const headline = headlineWords.join(' ') || resume.category;
  const rest = text.slice(headline === resume.category ? 0 : headline.length).trim();
  return profilePayload.parse({
    name: `Resume ${resume.id}`,
    headline: cutAtWord(headline, LIMITS.headline),
    summary: cutAtWord(rest, LIMITS.longText),
    seniority: 'mid',
    location: { country: 'US' },
    workModes: ['remote', 'hybrid', 'onsite'],
    willingToRelocate: true,
    workAuthorization: ['US', 'GB'],
  });
}

export function devJobToPayload(job: DevJob): JobPayload {
  return jobPayload.parse({
    title: cutAtWord(clean(job.title) || '(untitled)', LIMITS.shortText),
    company: cutAtWord(clean(job.company) || '(not given)', LIMITS.shortText),
    description: cutAtWord(clean(job.description), LIMITS.longText),
    requirements: groupSentences(clean(job.requirements), LIMITS.mediumText).slice(
      0,
      LIMITS.maxRequirements,
    ),
    remotePolicy: 'remote',
    hiringCountries: ['GB', 'US'],
    seniority: seniorityFromTitle(job.title),
  });
}

function seniorityFromTitle(title: string): Seniority {
  const t = title.toLowerCase();
  if (/\b(intern|internship)\b/.test(t)) return 'intern';
  if (/\b(junior|graduate|trainee|apprentice|entry level)\b/.test(t)) return 'junior';
  if (/\b(principal|head of|director)\b/.test(t)) return 'principal';
  // Not "staff": a staff nurse is not a staff engineer.
  if (/\blead\b/.test(t)) return 'staff';
  if (/\b(senior|sr)\b/.test(t)) return 'senior';
  return 'mid';
}

/** Sentences joined into items of at most `limit` characters, in order. */
function groupSentences(text: string, limit: number): string[] {
  const sentences = text
    .split(/(?<=[.!?])\s+/)
    .map((s) => cutAtWord(s.trim(), limit))
    .filter(Boolean);
  const items: string[] = [];
  for (const s of sentences) {
    const last = items.length - 1;
    if (last >= 0 && items[last].length + 1 + s.length <= limit) items[last] += ` ${s}`;
    else items.push(s);
  }
  return items;
}

/** Whitespace collapsed; control characters (the contract rejects them) become spaces. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069\s]+/g, ' ').trim();
}

function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit + 1);
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : text.slice(0, limit)).trim();
}
