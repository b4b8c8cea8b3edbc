import { seededRandom } from '@matchstream/testing';
import { normaliseSkillText } from './match-fields';
import {
  adoptSkillTextWords,
  decodeSkillText,
  encodeSkillText,
  skillPhrase,
  skillTextIncludes,
  skillTextWords,
} from './skill-text';

/** Many distinct words first, so texts below use codes of one, two and three bytes. */
const FILLER = Array.from({ length: 20000 }, (_, i) => `filler${i}`);
encodeSkillText(` ${FILLER.join(' ')} `);

const VOCABULARY = [
  'kafka',
  'c++',
  'c#',
  'node.js',
  'go',
  'golang',
  'spark',
  'model',
  'serving',
  'a',
  'b',
  'ab',
  'filler5',
  'filler300',
  'filler19999',
  'python',
  'java',
  'javascript',
];

function randomText(random: () => number, length: number): string {
  const pick = () => VOCABULARY[Math.floor(random() * VOCABULARY.length)];
  return normaliseSkillText(Array.from({ length }, pick).join(' '));
}

describe('coded skill texts', () => {
  it('find a phrase exactly when the normalised text holds it as whole words', () => {
    const random = seededRandom(7);
    let found = 0;
    for (let t = 0; t < 300; t++) {
      const text = randomText(random, 1 + Math.floor(random() * 30));
      const stored = encodeSkillText(text);
      for (let p = 0; p < 20; p++) {
        const phrase = randomText(random, 1 + Math.floor(random() * 3)).trim();
        const expected = text.includes(` ${phrase} `);
        expect([text, phrase, skillTextIncludes(stored, skillPhrase(phrase))]).toEqual([
          text,
          phrase,
          expected,
        ]);
        if (expected) found++;
      }
    }
    expect(found).toBeGreaterThan(500);
  });

  it('do not find words never seen, nor parts of words', () => {
    const stored = encodeSkillText(normaliseSkillText('JavaScript and Go on Kafka'));
    expect(skillTextIncludes(stored, skillPhrase('java'))).toBe(false);
    expect(skillTextIncludes(stored, skillPhrase('script'))).toBe(false);
    expect(skillTextIncludes(stored, skillPhrase('neverseenword'))).toBe(false);
    expect(skillTextIncludes(stored, skillPhrase('go on'))).toBe(true);
    // A phrase looked for before its words existed is found once a text brings them.
    const later = skillPhrase('brandnewword');
    expect(skillTextIncludes(stored, later)).toBe(false);
    expect(skillTextIncludes(encodeSkillText(' brandnewword '), later)).toBe(true);
  });

  it('decode to the normalised text', () => {
    const text = normaliseSkillText('Ran Kafka, (Spark) jobs; wrote C++ tools in Python.');
    expect(decodeSkillText(encodeSkillText(text))).toBe(` ${text.trim()} `);
    expect(decodeSkillText(encodeSkillText('  '))).toBe('  ');
  });

  it('read texts coded by another process, given its word list', () => {
    // Another process's list: the same words in another order.
    const theirs = [...skillTextWords()].reverse();
    const ours = encodeSkillText(normaliseSkillText('filler5 kafka filler19999 c++'));
    // Coded with their list: each word's number there.
    const code = (n: number) => {
      let s = String.fromCharCode(0x80 | (n & 0x7f));
      for (let rest = n >>> 7; rest > 0; rest >>>= 7) s += String.fromCharCode(rest & 0x7f);
      return s;
    };
    const stored = ['filler5', 'kafka', 'filler19999', 'c++']
      .map((w) => code(theirs.indexOf(w)))
      .join('');
    const recode = adoptSkillTextWords(theirs);
    expect(recode(stored)).toBe(ours);
    // Our own list (a prefix of itself) is adopted as it is.
    expect(adoptSkillTextWords(skillTextWords())(ours)).toBe(ours);
  });
});
