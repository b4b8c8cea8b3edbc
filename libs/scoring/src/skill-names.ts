/** Spellings that mean the same skill. Kept short on purpose: embeddings handle the long tail. */
export const SYNONYMS: Record<string, string> = {
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
