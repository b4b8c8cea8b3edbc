import { canonicalSkill, extractSkills } from './skill-extraction';
import { SYNONYMS, normaliseSkill } from './skill-names';

export { normaliseSkill } from './skill-names';

/**
 * Whether a candidate has a skill: listed explicitly, or named as a whole word in their text
 * (profiles describe far more skills in their history than they list), in any spelling the skills
 * vocabulary knows (a posting's "Registered nurse" is the resume's "RGN").
 */
export class SkillMatcher {
  private readonly listed: Set<string>;
  /** The same under the vocabulary's names: a listed "RGN" is a wanted "Registered nurse". */
  private readonly listedCanonical: Set<string>;
  private readonly text: string;
  /** Answers so far: a matcher is kept per document and asked about the same skills by many jobs. */
  private readonly answers = new Map<string, boolean>();
  private readonly rawText: string;
  /** The vocabulary's skills named in the text (canonicalSkill keys); read on first need. */
  private named: Set<string> | null = null;

  constructor(skills: string[], text: string) {
    this.rawText = text;
    this.listed = new Set(skills.map(normaliseSkill));
    this.listedCanonical = new Set(skills.map(canonicalSkill));
    // A full stop ends a word ("…in Python.") but stays inside names like node.js and .net.
    this.text = ` ${text
      .toLowerCase()
      .replace(/\.(?![a-z0-9])/g, ' ')
      .replace(/[^a-z0-9+#.]+/g, ' ')} `;
  }

  has(skill: string): boolean {
    let answer = this.answers.get(skill);
    if (answer === undefined) this.answers.set(skill, (answer = this.lookUp(skill)));
    return answer;
  }

  private lookUp(skill: string): boolean {
    const wanted = normaliseSkill(skill);
    if (this.listed.has(wanted)) return true;
    const raw = skill
      .toLowerCase()
      .replace(/\.(?![a-z0-9])/g, ' ')
      .replace(/[^a-z0-9+#.]+/g, ' ')
      .trim();
    const forms = new Set([raw, wanted.replace(/[^a-z0-9+#.]+/g, ' ').trim()]);
    for (const [alias, canonical] of Object.entries(SYNONYMS))
      if (canonical === wanted) forms.add(alias);
    for (const form of forms) if (form && this.text.includes(` ${form} `)) return true;
    const key = canonicalSkill(skill);
    if (this.listedCanonical.has(key)) return true;
    this.named ??= new Set(extractSkills(this.rawText).map(canonicalSkill));
    return this.named.has(key);
  }
}
