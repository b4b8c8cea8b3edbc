import type { JobPayload, ProfilePayload } from '@matchstream/contracts';
import vocabulary from '../data/skills-vocabulary.json';
import { normaliseSkill } from './skill-names';

/**
 * Skills named in free text, against the vocabulary in libs/scoring/data (its README says where
 * it comes from). Postings and profiles are mostly prose; without this, a posting with no
 * requiredSkills list has nothing to cover and nothing to explain.
 */
interface VocabularyEntry {
  name: string;
  aliases: string[];
  ambiguous?: boolean;
}

const ENTRIES: readonly VocabularyEntry[] = vocabulary.skills;

/** Normalised phrase (as it appears in normalised text) → display name. */
const PHRASES = new Map<string, string>();
/** Every phrase's leading words (1, 2, … all of them): a longer phrase can start only with one. */
const PREFIXES = new Set<string>();
/** Normalised skill (normaliseSkill) → display name, for every name and alias. */
const CANONICAL = new Map<string, string>();
let longestPhrase = 1;
for (const entry of ENTRIES) {
  const forms = entry.ambiguous ? entry.aliases : [entry.name, ...entry.aliases];
  for (const form of forms) {
    const phrase = normaliseText(form).trim();
    if (!phrase) continue;
    PHRASES.set(phrase, entry.name);
    const phraseWords = phrase.split(' ');
    longestPhrase = Math.max(longestPhrase, phraseWords.length);
    for (let n = 1; n <= phraseWords.length; n++) PREFIXES.add(phraseWords.slice(0, n).join(' '));
  }
  for (const form of [entry.name, ...entry.aliases])
    CANONICAL.set(normaliseSkill(form), entry.name);
}

/**
 * The vocabulary's name for a skill however it is spelled (`k8s` → Kubernetes), or the skill
 * normalised (normaliseSkill) when the vocabulary does not know it: one key per skill.
 */
export function canonicalSkill(skill: string): string {
  const normalised = normaliseSkill(skill);
  const name = CANONICAL.get(normalised);
  return name ? normaliseSkill(name) : normalised;
}

/**
 * The vocabulary's skills named in a text, as display names, in order of first mention. Longest
 * phrase first at each position (so "machine learning engineer" yields Machine learning, not
 * both it and a shorter overlap).
 */
export function extractSkills(text: string): string[] {
  const words = normaliseText(text).split(' ').filter(Boolean);
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    // The longest phrase starting here: grown a word at a time while it still starts a phrase.
    let name: string | undefined;
    let length = 0;
    let phrase = words[i];
    for (let n = 1; n <= longestPhrase && PREFIXES.has(phrase); n++) {
      const named = PHRASES.get(phrase);
      if (named !== undefined) {
        name = named;
        length = n;
      }
      if (i + n >= words.length) break;
      phrase = `${phrase} ${words[i + n]}`;
    }
    if (name !== undefined) {
      found.add(name);
      i += length - 1;
    }
  }
  return [...found];
}

// Documents are immutable once validated: each is read once, whatever the number of pairs.
const jobSkills = new WeakMap<JobPayload, string[]>();
const profileSkills = new WeakMap<ProfilePayload, string[]>();

/** Skills a posting names in its title, requirements and description. */
export function skillsInJob(job: JobPayload): string[] {
  let skills = jobSkills.get(job);
  if (!skills) {
    skills = extractSkills([job.title, ...job.requirements, job.description].join('\n'));
    jobSkills.set(job, skills);
  }
  return skills;
}

/** Skills a profile names in its headline, summary, wishes and work history. */
export function skillsInProfile(profile: ProfilePayload): string[] {
  let skills = profileSkills.get(profile);
  if (!skills) {
    skills = extractSkills(
      [
        profile.headline,
        profile.summary,
        profile.lookingFor,
        ...profile.experience.map((e) => `${e.title}\n${e.description ?? ''}`),
      ].join('\n'),
    );
    profileSkills.set(profile, skills);
  }
  return skills;
}

/**
 * Lower case; a full stop ends a word ("…in Python.") but stays inside names like node.js and
 * .net; `+` and `#` stay (C++, C#); every other non-alphanumeric character separates words.
 */
function normaliseText(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/\.(?![a-z0-9])/g, ' ')
    .replace(/[^a-z0-9+#.]+/g, ' ')} `;
}
