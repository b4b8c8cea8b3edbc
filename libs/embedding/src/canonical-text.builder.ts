import type { JobPayload, ProfilePayload } from '@matchstream/contracts';

/**
 * Bump when the text changes in any way: it is part of the embedding cache key, so a new version
 * re-embeds everything instead of mixing vectors of two texts.
 */
export const TEXT_BUILDER_VERSION = 2; // 2: model prefixes per side, optional chunks (embedding-inputs.ts)

/** Counts model tokens; the embedder supplies the real tokenizer, tests a stand-in. */
export type TokenCounter = (text: string) => number;

/**
 * Profiles and jobs become one text each, most informative fields first; embeddingInputs cuts it
 * to the model's token budget (the model never saw longer inputs in training) or into chunks.
 * Names, handles and contact details never enter the text: they carry no signal and are personal.
 */
export function profileSections(p: ProfilePayload): string[] {
  const titles = p.experience.map((e) => e.title);
  return [
    p.headline,
    p.skills.length ? `Skills: ${p.skills.join(', ')}.` : '',
    titles.length ? `Roles: ${unique(titles).join('; ')}.` : '',
    p.lookingFor ? `Looking for: ${p.lookingFor}` : '',
    p.summary,
    ...p.experience.map((e) =>
      [`${e.title} at ${e.company}`, e.description].filter(Boolean).join(': '),
    ),
    p.categories.length ? `Categories: ${p.categories.join(', ')}.` : '',
    ...p.education.map((e) => [e.degree, e.field, e.institution].filter(Boolean).join(', ')),
  ].filter((s) => s.trim().length > 0);
}

export function jobSections(j: JobPayload): string[] {
  return [
    j.title.toLowerCase().includes(j.seniority) ? j.title : `${capitalise(j.seniority)} ${j.title}`,
    j.requiredSkills.length ? `Required skills: ${j.requiredSkills.join(', ')}.` : '',
    j.niceToHaveSkills.length ? `Nice to have: ${j.niceToHaveSkills.join(', ')}.` : '',
    ...j.requirements,
    j.description,
    j.categories.length ? `Categories: ${j.categories.join(', ')}.` : '',
  ].filter((s) => s.trim().length > 0);
}

/**
 * Joins sections in order until the token budget is spent; the section that crosses it is cut at
 * a word boundary. Deterministic: the same payload always yields the same text.
 */
export function fitToTokenBudget(
  sections: string[],
  budget: number,
  countTokens: TokenCounter,
): string {
  const kept: string[] = [];
  for (const raw of sections) {
    const section = normaliseWhitespace(raw);
    const candidate = [...kept, section].join('\n');
    if (countTokens(candidate) <= budget) {
      kept.push(section);
      continue;
    }
    const words = section.split(' ');
    let low = 0;
    let high = words.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (countTokens([...kept, words.slice(0, mid).join(' ')].join('\n')) <= budget) low = mid;
      else high = mid - 1;
    }
    if (low > 0) kept.push(words.slice(0, low).join(' '));
    break;
  }
  return kept.join('\n');
}

export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/**
 * Fits many texts' sections at once with one tokenizer call: BERT's WordPiece splits on whitespace
 * first, so a text's token count is the sum of its words' counts.
 */
export async function fitAllToTokenBudget(
  sectionLists: string[][],
  budget: number,
  countWordTokens: (words: string[]) => Promise<number[]>,
): Promise<string[]> {
  const normalised = sectionLists.map((sections) => sections.map(normaliseWhitespace));
  const words = [...new Set(normalised.flat().flatMap((s) => s.split(' ')))];
  const counts = await countWordTokens(words);
  const perWord = new Map(words.map((w, i) => [w, counts[i]]));
  const countTokens: TokenCounter = (text) =>
    text.split(/\s+/).reduce((sum, w) => sum + (w ? (perWord.get(w) ?? 1) : 0), 0);
  return normalised.map((sections) => fitToTokenBudget(sections, budget, countTokens));
}
