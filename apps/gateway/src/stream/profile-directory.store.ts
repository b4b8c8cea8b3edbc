/** What the stream shows of a candidate beside its id. */
export interface ProfileFacts {
  headline: string;
  /** Only kept when the gateway is configured to show candidates' names. */
  name?: string;
}

/**
 * profileId → headline (and name, when configured), for the stream's display fields. Bounded:
 * past `maxProfiles` the least recently written profile is forgotten. A removed profile is
 * forgotten at once: its headline is not the gateway's to keep.
 */
export class ProfileDirectoryStore {
  private readonly profiles = new Map<string, ProfileFacts>();

  constructor(
    private readonly maxProfiles: number,
    private readonly keepNames: boolean,
  ) {}

  get size(): number {
    return this.profiles.size;
  }

  get(profileId: string): ProfileFacts | undefined {
    return this.profiles.get(profileId);
  }

  set(profileId: string, document: { headline: string; name: string }): void {
    // Delete first: a Map iterates in insertion order, so re-inserting makes it the newest.
    this.profiles.delete(profileId);
    this.profiles.set(
      profileId,
      this.keepNames
        ? { headline: document.headline, name: document.name }
        : { headline: document.headline },
    );
    if (this.profiles.size > this.maxProfiles) {
      const oldest = this.profiles.keys().next().value;
      if (oldest !== undefined) this.profiles.delete(oldest);
    }
  }

  delete(profileId: string): void {
    this.profiles.delete(profileId);
  }
}
