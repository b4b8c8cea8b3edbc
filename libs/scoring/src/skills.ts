import { canonicalSkill, extractSkills } from './skill-extraction';
import { SYNONYMS, normaliseSkill } from './skill-names';
import { normaliseSkillText } from './match-fields';
import type { ProfileFields } from './match-fields';
import { encodeSkillText, skillPhrase, skillTextIncludes } from './skill-text';
import type { SkillPhrase } from './skill-text';

export { normaliseSkill } from './skill-names';

/** What a skill look-up reads of a profile: a subset of its match fields. */
export type ProfileSkills = Pick<
  ProfileFields,
  'skills' | 'canonicalSkills' | 'skillsInText' | 'skillText'
>;

/**
 * Whether a candidate has a skill: listed explicitly, or named as a whole word in their text
 * (profiles describe far more skills in their history than they list), in any spelling the skills
 * vocabulary knows (a posting's "Registered nurse" is the resume's "RGN").
 */
export class SkillMatcher {
  /** Answers so far: a matcher lives for one profile's scoring and is asked the same skills. */
  private readonly answers = new Map<string, boolean>();
  private readonly profile: ProfileSkills;

  constructor(skills: readonly string[], text: string) {
    const skillText = normaliseSkillText(text);
    this.profile = {
      skills: skills.map(normaliseSkill),
      canonicalSkills: skills.map(canonicalSkill),
      skillsInText: extractSkills(skillText).map(canonicalSkill),
      skillText: encodeSkillText(skillText),
    };
  }

  /** A matcher over a profile's match fields (nothing is recomputed). */
  static of(profile: ProfileSkills): SkillMatcher {
    const matcher = Object.create(SkillMatcher.prototype) as SkillMatcher;
    Object.assign(matcher, { answers: new Map<string, boolean>(), profile });
    return matcher;
  }

  has(skill: string): boolean {
    let answer = this.answers.get(skill);
    if (answer === undefined) this.answers.set(skill, (answer = hasSkill(this.profile, skill)));
    return answer;
  }
}

/** The look-up itself, without a cache. */
export function hasSkill(profile: ProfileSkills, skill: string): boolean {
  const wanted = skillQuery(skill);
  if (profile.skills.includes(wanted.normalised)) return true;
  if (profile.canonicalSkills.includes(wanted.key)) return true;
  if (profile.skillsInText.includes(wanted.key)) return true;
  for (const form of wanted.forms) if (skillTextIncludes(profile.skillText, form)) return true;
  return false;
}

interface SkillQuery {
  normalised: string;
  /** canonicalSkill(skill). */
  key: string;
  /** Every spelling to look for in a text (whole words only). */
  forms: readonly SkillPhrase[];
}

/**
 * Skills postings ask for, prepared once each: many postings ask for the same few hundred. The
 * cache is dropped when it grows past its bound (ever-new skill names cannot grow it forever).
 */
const queries = new Map<string, SkillQuery>();
const MAX_QUERIES = 20000;

function skillQuery(skill: string): SkillQuery {
  let query = queries.get(skill);
  if (query) return query;
  const normalised = normaliseSkill(skill);
  const raw = skill
    .toLowerCase()
    .replace(/\.(?![a-z0-9])/g, ' ')
    .replace(/[^a-z0-9+#.]+/g, ' ')
    .trim();
  const forms = new Set([raw, normalised.replace(/[^a-z0-9+#.]+/g, ' ').trim()]);
  for (const [alias, canonical] of Object.entries(SYNONYMS))
    if (canonical === normalised) forms.add(alias);
  query = {
    normalised,
    key: canonicalSkill(skill),
    forms: [...forms].filter(Boolean).map(skillPhrase),
  };
  if (queries.size >= MAX_QUERIES) queries.clear();
  queries.set(skill, query);
  return query;
}
