/**
 * Input limits, enforced before any expensive work (parsing, embedding). They are part of the
 * contract: producers can rely on anything within them being accepted.
 */
export const LIMITS = {
  /** Whole Kafka message value or HTTP body, in bytes. */
  maxEventBytes: 256 * 1024,
  /** JSON nesting depth of an event. The deepest legitimate path is about 5. */
  maxJsonDepth: 16,
  idLength: 128,
  shortText: 200,
  headline: 300,
  mediumText: 2000,
  longText: 10000,
  skill: 64,
  maxSkills: 100,
  maxExperience: 50,
  maxEducation: 20,
  maxRequirements: 50,
  maxCountries: 60,
  maxCategories: 20,
} as const;
