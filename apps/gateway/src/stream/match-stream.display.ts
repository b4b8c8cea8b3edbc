import type { StreamDisplay } from '@matchstream/contracts';
import type { JobLookup } from './match-stream.filter';
import type { ProfileFacts } from './profile-directory.store';

export interface ProfileLookup {
  get(profileId: string): ProfileFacts | undefined;
}

interface Involved {
  subjectType: 'job' | 'profile';
  subjectId: string;
  counterpartIds: readonly string[];
}

/**
 * The display fields of one match event: title and company of each job it names, headline (and
 * name, where the directory keeps names) of each candidate, for the ones the gateway knows.
 * Undefined when it knows none, so the frame is then the published event unchanged.
 */
export function displayFor(
  match: Involved,
  jobs: JobLookup,
  profiles: ProfileLookup,
): StreamDisplay | undefined {
  const jobIds = match.subjectType === 'job' ? [match.subjectId] : match.counterpartIds;
  const profileIds = match.subjectType === 'profile' ? [match.subjectId] : match.counterpartIds;
  const jobDisplay: NonNullable<StreamDisplay['jobs']> = {};
  const profileDisplay: NonNullable<StreamDisplay['profiles']> = {};
  for (const id of jobIds) {
    const facts = jobs.get(id);
    if (facts) jobDisplay[id] = { title: facts.title, company: facts.companyName };
  }
  for (const id of profileIds) {
    const facts = profiles.get(id);
    if (facts) profileDisplay[id] = { ...facts };
  }
  const display: StreamDisplay = {};
  if (Object.keys(jobDisplay).length > 0) display.jobs = jobDisplay;
  if (Object.keys(profileDisplay).length > 0) display.profiles = profileDisplay;
  return display.jobs || display.profiles ? display : undefined;
}
