import { entityKey, parseEntityKey } from './entity-key';

describe('entityKey / parseEntityKey', () => {
  it('prefixes the id with its entity type', () => {
    expect(entityKey('profile', 'profile-ml-platform')).toBe('profile:profile-ml-platform');
    expect(entityKey('job', 'job-sre')).toBe('job:job-sre');
  });

  it('splits at the first colon only: ids may hold colons', () => {
    expect(parseEntityKey('job:acme:42')).toEqual(['job', 'acme:42']);
    expect(parseEntityKey(entityKey('profile', 'p:1:2'))).toEqual(['profile', 'p:1:2']);
  });
});
