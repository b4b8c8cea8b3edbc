import { profileUpserted } from './fixtures';

export const HOSTILE_STRINGS = [
  "'; DROP TABLE profiles; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
  '\u202Egnp.exe',
  'A'.repeat(20000),
  '{{7*7}}',
  '%00%0d%0a',
  '😀'.repeat(500),
  '',
  ' ',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Hostile variants of a valid event: wrong types, missing and extra fields, huge and nasty
 * strings, deep nesting, prototype-pollution keys, broken encodings. Returns raw bytes, since
 * some variants are not JSON at all.
 */
export function hostileEvent(random: () => number, entityId: string): Buffer {
  // A subject eligible for no real job, so fuzzed events that stay valid disturb no ranking.
  const subject = profileUpserted({
    entityId,
    payload: {
      headline: 'Fuzzing subject',
      summary: 'Generated input.',
      lookingFor: '',
      skills: ['Fuzzing'],
      experience: [],
      education: [],
      location: { country: 'AQ' },
      workModes: ['onsite'],
      workAuthorization: ['AQ'],
      categories: ['fuzzing'],
    },
  });
  const base = JSON.parse(JSON.stringify(subject)) as Record<string, Json>;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const paths: string[][] = [
    ['eventId'],
    ['type'],
    ['schemaVersion'],
    ['occurredAt'],
    ['entityVersion'],
    ['payload', 'headline'],
    ['payload', 'skills'],
    ['payload', 'location'],
    ['payload', 'workModes'],
    ['payload', 'experience'],
    ['payload'],
  ];
  const set = (path: string[], value: Json | undefined) => {
    let node = base;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
    if (value === undefined) delete node[path[path.length - 1]];
    else node[path[path.length - 1]] = value;
  };
  const deep = (depth: number): Json => (depth === 0 ? 'x' : { a: deep(depth - 1) });
  switch (Math.floor(random() * 9)) {
    case 0:
      set(pick(paths), pick<Json>([42, true, null, [], {}, -1, Number.MAX_VALUE, 'NaN']));
      break;
    case 1:
      set(pick(paths), undefined);
      break;
    case 2:
      set(pick(paths), pick(HOSTILE_STRINGS));
      break;
    case 3:
      set(
        ['payload', 'skills'],
        Array.from({ length: 1000 }, (_, i) => `skill-${i}`),
      );
      break;
    case 4:
      set(['payload', 'summary'], deep(40));
      break;
    case 5:
      return Buffer.from(
        JSON.stringify(base).replace('"payload":{', '"payload":{"__proto__":{"admin":true},'),
      );
    case 6: {
      const bytes = Buffer.from(JSON.stringify(base));
      bytes[Math.floor(random() * bytes.length)] = 0xff;
      return bytes;
    }
    case 7:
      return Buffer.from(JSON.stringify(base).slice(0, Math.floor(random() * 200)));
    default:
      set(['payload', pick(['extra', 'constructor', 'role'])], pick(HOSTILE_STRINGS));
  }
  return Buffer.from(JSON.stringify(base));
}
