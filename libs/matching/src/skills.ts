/** Spellings that mean the same skill. Kept short on purpose: embeddings handle the long tail. */
const SYNONYMS: Record<string, string> = {
  k8s: 'kubernetes',
  postgres: 'postgresql',
  js: 'javascript',
  ts: 'typescript',
  nodejs: 'node',
  'node.js': 'node',
  golang: 'go',
  pyspark: 'spark',
  'apache spark': 'spark',
  'apache kafka': 'kafka',
  'apache airflow': 'airflow',
  sklearn: 'scikit-learn',
  ml: 'machine learning',
  gcp: 'google cloud',
  'amazon web services': 'aws',
};

export function normaliseSkill(skill: string): string {
  const lowered = skill.toLowerCase().replace(/\s+/g, ' ').trim();
  return SYNONYMS[lowered] ?? lowered;
}

/**
 * Whether a candidate has a skill: listed explicitly, or named as a whole word in their text
 * (profiles describe far more skills in their history than they list).
 */
export class SkillMatcher {
  private readonly listed: Set<string>;
  private readonly text: string;
  /** Answers so far: a matcher is kept per document and asked about the same skills by many jobs. */
  private readonly answers = new Map<string, boolean>();

  constructor(skills: string[], text: string) {
    this.listed = new Set(skills.map(normaliseSkill));
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
    return false;
  }
}
