/**
 * Profile prose as skill look-ups read it, kept as word codes instead of text.
 *
 * A posting may ask for any skill, in the vocabulary or not, and a candidate who names it anywhere
 * in their prose has it, so the prose cannot be reduced to a list of skills. What a look-up needs
 * is only the sequence of its words (normaliseSkillText): whether a phrase occurs as whole words.
 * Each distinct word gets a number, once per process, and a text is kept as the sequence of its
 * words' codes: a word of about six letters and its space (seven bytes) becomes one to three bytes,
 * the most frequent words (seen first) the shortest.
 *
 * Code of word n: a first byte 0x80 | (n & 0x7f), then (n >> 7) & 0x7f, … while bits are left; so a
 * byte of 0x80 or more starts a word and nothing else does, and a phrase's codes found in a text's
 * codes, followed by the end or by a starting byte, are whole words of it. Codes are characters of
 * a one-byte string (0x00–0xff), searched with indexOf.
 *
 * The word list is bounded (MAX_WORDS): once full, a text with a word not in it is kept as its
 * normalised text instead (it starts with a space; a coded text never does), and searched as text.
 * Either way the answer is the same as a search of the normalised text.
 */
const MAX_WORDS = 1 << 21;
const words: string[] = [];
const codes: string[] = [];
const numbers = new Map<string, number>();

/** A phrase to look for (whole words), e.g. a skill's spelling. */
export interface SkillPhrase {
  /** ` words of it ` as in a normalised text. */
  readonly padded: string;
  readonly words: readonly string[];
  /** Its codes, once every word has one (words never lose theirs). */
  code: string | null;
  /** The word list's length when `code` was last looked for. */
  codedAt: number;
}

export function skillPhrase(phrase: string): SkillPhrase {
  const phraseWords = phrase.split(' ').filter(Boolean);
  return { padded: ` ${phraseWords.join(' ')} `, words: phraseWords, code: null, codedAt: -1 };
}

/** The stored form of a normalised text (normaliseSkillText). */
export function encodeSkillText(normalised: string): string {
  const textWords = normalised.split(' ').filter(Boolean);
  let out = '';
  for (const word of textWords) {
    const code = codeOf(word, true);
    // The list is full: this text is kept as it is.
    if (code === null) return normalised;
    out += code;
  }
  // One flat string (a chain of concatenations would cost more than its characters).
  return Buffer.from(out, 'latin1').toString('latin1');
}

/** Whether the stored text holds the phrase as whole words. */
export function skillTextIncludes(stored: string, phrase: SkillPhrase): boolean {
  if (stored.charCodeAt(0) === 0x20) return stored.includes(phrase.padded);
  const code = phraseCode(phrase);
  if (code === null) return false;
  for (let at = stored.indexOf(code); at >= 0; at = stored.indexOf(code, at + 1)) {
    const next = at + code.length;
    if (next === stored.length || stored.charCodeAt(next) >= 0x80) return true;
  }
  return false;
}

/** The normalised text back (padded with one space each side), for reading and for tests. */
export function decodeSkillText(stored: string): string {
  if (stored.charCodeAt(0) === 0x20) return stored;
  return ` ${wordsOf(stored, words).join(' ')} `;
}

/** The word list as it is now: what a snapshot stores beside the coded texts. */
export function skillTextWords(): readonly string[] {
  return words;
}

/**
 * Makes texts coded with `saved` (a snapshot's word list) readable here: a function from a
 * stored text to the same text in this process's codes. When this process's list is a prefix of
 * the saved one (always so at start-up) the saved words are adopted and texts kept as they are.
 */
export function adoptSkillTextWords(saved: readonly string[]): (stored: string) => string {
  const prefix = words.length <= saved.length && words.every((w, i) => saved[i] === w);
  if (prefix) {
    for (let i = words.length; i < saved.length && i < MAX_WORDS; i++) codeOf(saved[i], true);
    if (saved.length <= MAX_WORDS) return (stored) => stored;
  }
  return (stored) =>
    stored.charCodeAt(0) === 0x20
      ? stored
      : encodeSkillText(` ${wordsOf(stored, saved).join(' ')} `);
}

function phraseCode(phrase: SkillPhrase): string | null {
  if (phrase.code !== null || phrase.codedAt === words.length) return phrase.code;
  phrase.codedAt = words.length;
  let code = '';
  for (const word of phrase.words) {
    const c = codeOf(word, false);
    if (c === null) return null;
    code += c;
  }
  phrase.code = code || null;
  return phrase.code;
}

function codeOf(word: string, add: boolean): string | null {
  const n = numbers.get(word);
  if (n !== undefined) return codes[n];
  if (!add || words.length >= MAX_WORDS) return null;
  const next = words.length;
  let code = String.fromCharCode(0x80 | (next & 0x7f));
  for (let rest = next >>> 7; rest > 0; rest >>>= 7) code += String.fromCharCode(rest & 0x7f);
  const own = Buffer.from(word, 'latin1').toString('latin1');
  words.push(own);
  codes.push(code);
  numbers.set(own, next);
  return code;
}

function wordsOf(stored: string, list: readonly string[]): string[] {
  const out: string[] = [];
  let n = 0;
  let shift = 0;
  for (let i = 0; i < stored.length; i++) {
    const c = stored.charCodeAt(i);
    if (c >= 0x80) {
      if (i > 0) out.push(list[n]);
      n = c & 0x7f;
      shift = 7;
    } else {
      n |= c << shift;
      shift += 7;
    }
  }
  if (stored.length) out.push(list[n]);
  return out;
}
