import { jobPayload, profilePayload } from '@matchstream/contracts';
import type {
  InputEventInput,
  InputEventType,
  JobPayload,
  JobPayloadInput,
  ProfilePayload,
  ProfilePayloadInput,
} from '@matchstream/contracts';

/**
 * Fixtures shared by unit and integration tests: fictional candidates and jobs, and builders for
 * valid input events. Every person, company and school here is made up.
 */

export type ProfileUpsertedInput = Extract<InputEventInput, { type: 'profile.upserted' }>;
export type ProfileDeletedInput = Extract<InputEventInput, { type: 'profile.deleted' }>;
export type JobUpsertedInput = Extract<InputEventInput, { type: 'job.upserted' }>;
export type JobClosedInput = Extract<InputEventInput, { type: 'job.closed' }>;

export interface SampleEntity<P> {
  /** Stable entity id, also the Kafka key. */
  id: string;
  payload: P;
}

/** Envelope fields a test may override; `payload` is merged over the default payload. */
type Overrides<E extends InputEventInput> = Partial<Omit<E, 'type' | 'payload'>> & {
  payload?: Partial<E['payload']>;
};

// ---------------------------------------------------------------------------------------------
// Event ids: a counter, so ids are unique within a test file and the same on every run.

let eventCounter = 0;
let eventIdPrefix = 'evt';

/** The next event id: `evt-000001`, `evt-000002`, … */
export function nextEventId(): string {
  eventCounter += 1;
  return `${eventIdPrefix}-${String(eventCounter).padStart(6, '0')}`;
}

/**
 * Restarts the counter. Integration suites that share a broker or Redis across runs can pass a
 * run-specific prefix (letters, digits, ".", "_", ":" or "-") so ids never collide.
 */
export function resetEventIds(prefix = 'evt'): void {
  eventCounter = 0;
  eventIdPrefix = prefix;
}

/** Every fixture event happens at this instant unless told otherwise. */
export const FIXTURE_OCCURRED_AT = '2025-03-01T09:30:00.000Z';
export const FIXTURE_SOURCE = 'fixtures';

// ---------------------------------------------------------------------------------------------
// Sample candidates.

export const SAMPLE_PROFILES: readonly SampleEntity<ProfilePayloadInput>[] = deepFreeze([
  {
    id: 'profile-ml-platform',
    payload: {
      name: 'Morgan Ellery',
      handle: 'morgan-ellery',
      headline: 'Senior software engineer building ML and streaming data platforms in Python',
      summary:
        'Nine years building data-intensive systems. I design ML platforms end to end: event ' +
        'ingestion with Kafka, batch and streaming feature pipelines on Spark, orchestration with ' +
        'Airflow, and low-latency model serving with monitoring in Prometheus and Grafana.',
      lookingFor:
        'A platform team that owns ML infrastructure from ingestion to inference and cares about ' +
        'reliability and observability.',
      experience: [
        {
          company: 'Quillmark Media',
          title: 'Senior Software Engineer',
          startDate: '2022-06',
          endDate: null,
          description:
            'Built a real-time recommendation pipeline with PySpark Structured Streaming and ' +
            'Kafka; served ranking models behind a FastAPI gateway with p99 under 40 ms; added ' +
            'feature drift alerts in Prometheus.',
        },
        {
          company: 'Harbourline Insurance',
          title: 'Data Engineer',
          startDate: '2018-02',
          endDate: '2022-05',
          description:
            'Moved nightly ETL from cron scripts to Airflow DAGs; built a feature store on ' +
            'Spark and Postgres used by four pricing models.',
        },
        {
          company: 'Tillery Labs',
          title: 'Software Engineer',
          startDate: '2016-01',
          endDate: '2018-01',
          description: 'Backend services in Python and Django for a logistics dashboard.',
        },
      ],
      education: [
        {
          institution: 'Westbrook State University',
          degree: 'BSc',
          field: 'Computer Science',
          startYear: 2011,
          endYear: 2015,
        },
      ],
      skills: [
        'Python',
        'Kafka',
        'PySpark',
        'Airflow',
        'Model serving',
        'Prometheus',
        'Grafana',
        'FastAPI',
        'Kubernetes',
        'PostgreSQL',
      ],
      seniority: 'senior',
      yearsOfExperience: 9,
      location: { city: 'Austin', region: 'Texas', country: 'US' },
      workModes: ['remote', 'hybrid'],
      willingToRelocate: false,
      workAuthorization: ['US'],
      categories: ['software-engineering', 'data-engineering', 'machine-learning'],
      availability: 'within-1-month',
    },
  },
  {
    id: 'profile-realtime-messaging',
    payload: {
      name: 'Lena Vogtmann',
      handle: 'lvogtmann',
      headline: 'Distributed systems engineer for real-time messaging at scale',
      summary:
        'I build chat and presence backends that keep millions of websocket connections open. ' +
        'Most of my work is in Go and Elixir on the BEAM, with Cassandra for message history and ' +
        'careful attention to tail latency, backpressure and failure recovery.',
      lookingFor:
        'Low-latency backend work on messaging, streaming or collaboration products; hybrid in ' +
        'Berlin or remote within the EU.',
      experience: [
        {
          company: 'Pellucid Chat GmbH',
          title: 'Staff Backend Engineer',
          startDate: '2021-04',
          description:
            'Led the rewrite of the websocket gateway from Java to Go, cutting p99 delivery ' +
            'latency from 180 ms to 35 ms; designed the fan-out service on Cassandra.',
        },
        {
          company: 'Ostwind Telecom',
          title: 'Backend Engineer',
          startDate: '2015-09',
          endDate: '2021-03',
          description:
            'Presence and push-notification services in Erlang/OTP and Elixir handling 2M ' +
            'concurrent sessions.',
        },
      ],
      education: [
        {
          institution: 'Technische Hochschule Lindenau',
          degree: 'MSc',
          field: 'Distributed Systems',
          startYear: 2013,
          endYear: 2015,
        },
      ],
      skills: [
        'Go',
        'Erlang',
        'Elixir',
        'Java',
        'WebSockets',
        'Cassandra',
        'Distributed systems',
        'gRPC',
        'Kafka',
      ],
      seniority: 'staff',
      yearsOfExperience: 10,
      location: { city: 'Berlin', country: 'DE' },
      workModes: ['hybrid', 'remote'],
      willingToRelocate: false,
      workAuthorization: ['DE', 'AT', 'NL'],
      categories: ['software-engineering', 'backend'],
      availability: 'open-to-offers',
    },
  },
  {
    id: 'profile-frontend',
    payload: {
      name: 'Wanjiru Kamau',
      handle: 'wanjiru-builds',
      headline: 'Frontend developer crafting accessible React and TypeScript interfaces',
      summary:
        'Five years shipping product UIs: design systems, complex forms and dashboards, with a ' +
        'focus on accessibility and performance budgets.',
      lookingFor: 'A remote product team with a strong design culture.',
      experience: [
        {
          company: 'Savanna Pay',
          title: 'Frontend Engineer',
          startDate: '2021-08',
          description:
            'Built the merchant dashboard in React and TypeScript; introduced Storybook and ' +
            'visual regression tests.',
        },
        {
          company: 'Kilele Digital',
          title: 'Web Developer',
          startDate: '2020-01',
          endDate: '2021-07',
          description: 'Marketing sites and a booking widget in JavaScript and CSS.',
        },
      ],
      education: [
        { institution: 'Ridgeview University College', degree: 'BSc', field: 'Informatics' },
      ],
      skills: [
        'React',
        'TypeScript',
        'JavaScript',
        'Next.js',
        'CSS',
        'GraphQL',
        'Jest',
        'Storybook',
      ],
      seniority: 'mid',
      location: { city: 'Nairobi', country: 'KE' },
      workModes: ['remote'],
      workAuthorization: ['KE'],
      categories: ['software-engineering', 'frontend'],
      availability: 'immediately',
    },
  },
  {
    id: 'profile-data-analyst',
    payload: {
      name: 'Priya Raghunathan',
      headline: 'Data analyst turning messy sales data into clear dashboards',
      summary:
        'I write a lot of SQL, build Tableau dashboards for operations teams and run the odd ' +
        'A/B test analysis in Excel.',
      lookingFor: 'An analytics role close to business stakeholders.',
      experience: [
        {
          company: 'Meridian Retail Analytics',
          title: 'Data Analyst',
          startDate: '2023-07',
          description: 'Weekly sales and inventory dashboards in Tableau backed by SQL views.',
        },
      ],
      education: [
        {
          institution: 'Coromandel Institute of Management',
          degree: 'BCom',
          field: 'Statistics',
          endYear: 2023,
        },
      ],
      skills: ['SQL', 'Tableau', 'Excel', 'Power BI', 'Statistics'],
      seniority: 'junior',
      yearsOfExperience: 1.5,
      location: { city: 'Bengaluru', region: 'Karnataka', country: 'IN' },
      workModes: ['onsite', 'hybrid'],
      willingToRelocate: true,
      workAuthorization: ['IN'],
      categories: ['data-analytics'],
      availability: 'within-3-months',
    },
  },
  {
    id: 'profile-sre',
    payload: {
      name: 'Callum Ashdown',
      handle: 'cashdown',
      headline: 'Site reliability engineer running Kubernetes platforms with Terraform',
      summary:
        'I keep production boring: infrastructure as code, sensible alerting and blameless ' +
        'post-mortems. I have run Kafka and Postgres clusters on Kubernetes and written a fair ' +
        'amount of Python and Go tooling along the way.',
      lookingFor: 'An SRE or platform role with real on-call ownership.',
      experience: [
        {
          company: 'Greyfriars Bank',
          title: 'Senior Site Reliability Engineer',
          startDate: '2020-02',
          description:
            'Migrated 300 services to EKS with Terraform modules; built SLO dashboards in ' +
            'Prometheus and Grafana.',
        },
        {
          company: 'Lowfield Hosting',
          title: 'Systems Administrator',
          startDate: '2016-05',
          endDate: '2020-01',
          description: 'Linux fleet automation with Ansible.',
        },
      ],
      skills: [
        'Kubernetes',
        'Terraform',
        'AWS',
        'Prometheus',
        'Grafana',
        'Python',
        'Go',
        'Linux',
        'Ansible',
      ],
      seniority: 'senior',
      location: { city: 'London', country: 'GB' },
      workModes: ['hybrid', 'remote'],
      workAuthorization: ['GB', 'IE'],
      categories: ['devops', 'software-engineering'],
    },
  },
  {
    id: 'profile-ios',
    payload: {
      name: 'Tomasz Wierzbicki',
      handle: 'tomasz-ios',
      headline: 'iOS engineer shipping polished native apps in Swift and SwiftUI',
      summary:
        'Native iOS since the Objective-C days; now SwiftUI, Combine and modular app architecture.',
      experience: [
        {
          company: 'Brightlane Fitness',
          title: 'iOS Engineer',
          startDate: '2019-04',
          description: 'Rebuilt the workout tracker in SwiftUI; crash-free sessions up to 99.8%.',
        },
      ],
      skills: ['Swift', 'SwiftUI', 'Objective-C', 'Combine', 'Xcode', 'Core Data'],
      // No declared seniority or years: derived from the work history.
      location: { city: 'Seattle', region: 'Washington', country: 'US' },
      workModes: ['onsite', 'hybrid', 'remote'],
      willingToRelocate: true,
      workAuthorization: ['US'],
      categories: ['mobile', 'software-engineering'],
    },
  },
  // Second and third fits for the ML platform and frontend jobs, so that the demo shows a ranking
  // (several eligible candidates in a meaningful order), not one candidate per job.
  {
    id: 'profile-data-engineer',
    payload: {
      name: 'Dana Whitcombe',
      headline: 'Data engineer building batch and streaming pipelines in Python and Spark',
      summary:
        'Six years moving data for analytics and product teams: Kafka ingestion, Spark jobs, ' +
        'warehouse models in dbt and the on-call that comes with them.',
      lookingFor: 'A remote data platform team.',
      experience: [
        {
          company: 'Larkspur Logistics',
          title: 'Senior Data Engineer',
          startDate: '2021-03',
          description:
            'Rebuilt shipment tracking ingestion on Kafka and Spark Structured Streaming; ' +
            'moved nightly reports to dbt on Snowflake.',
        },
        {
          company: 'Pinecrest Media',
          title: 'Data Engineer',
          startDate: '2018-06',
          endDate: '2021-02',
          description: 'Batch ETL in Python and SQL for audience analytics.',
        },
      ],
      skills: ['Python', 'Kafka', 'Spark', 'SQL', 'dbt', 'Snowflake'],
      seniority: 'senior',
      location: { city: 'Chicago', region: 'Illinois', country: 'US' },
      workModes: ['remote'],
      workAuthorization: ['US'],
      categories: ['data-engineering', 'software-engineering'],
    },
  },
  {
    id: 'profile-ml-engineer',
    payload: {
      name: 'Rafael Quintero',
      headline: 'Machine learning engineer training and serving recommendation models',
      summary:
        'I take models from notebooks to production: PyTorch training, feature pipelines on ' +
        'Kafka and low-latency model serving behind REST and gRPC.',
      experience: [
        {
          company: 'Tumbleweed Commerce',
          title: 'Machine Learning Engineer',
          startDate: '2022-01',
          description:
            'Shipped the product recommender: PyTorch training jobs and a model serving layer ' +
            'with canary releases.',
        },
      ],
      skills: ['Python', 'PyTorch', 'Kafka', 'Model serving', 'Docker', 'SQL'],
      seniority: 'mid',
      location: { city: 'Denver', region: 'Colorado', country: 'US' },
      workModes: ['remote', 'hybrid'],
      workAuthorization: ['US'],
      categories: ['machine-learning'],
    },
  },
  {
    id: 'profile-frontend-lead',
    payload: {
      name: 'Imogen Thackeray',
      headline: 'Senior frontend engineer leading React and TypeScript product teams',
      summary:
        'Nine years on the web platform; I lead small frontend teams, own design systems and ' +
        'care about accessibility audits and fast first paint.',
      lookingFor: 'A senior frontend role in education or health.',
      experience: [
        {
          company: 'Brackenfield Learning',
          title: 'Senior Frontend Engineer',
          startDate: '2019-09',
          description:
            'Led the React and TypeScript rewrite of the course player; WCAG 2.1 AA across the ' +
            'product.',
        },
        {
          company: 'Oldgate Studio',
          title: 'Frontend Developer',
          startDate: '2015-04',
          endDate: '2019-08',
          description: 'Client web apps in JavaScript, CSS and Angular.',
        },
      ],
      skills: ['React', 'TypeScript', 'CSS', 'Next.js', 'Accessibility', 'JavaScript'],
      seniority: 'senior',
      location: { city: 'Manchester', country: 'GB' },
      workModes: ['remote', 'hybrid'],
      workAuthorization: ['GB'],
      categories: ['frontend', 'software-engineering'],
    },
  },
  {
    id: 'profile-fullstack',
    payload: {
      name: 'Otieno Barasa',
      headline: 'Full-stack developer working in React, Node.js and PostgreSQL',
      summary:
        'Three years building internal tools end to end: React front ends, Node.js APIs and ' +
        'PostgreSQL schemas.',
      experience: [
        {
          company: 'Mvule Cooperative Bank',
          title: 'Full-stack Developer',
          startDate: '2022-02',
          description: 'Loan officer tools: React screens over a Node.js and PostgreSQL API.',
        },
      ],
      skills: ['JavaScript', 'React', 'Node.js', 'PostgreSQL', 'HTML'],
      seniority: 'junior',
      location: { city: 'Mombasa', country: 'KE' },
      workModes: ['remote'],
      workAuthorization: ['KE'],
      categories: ['frontend', 'backend'],
    },
  },
]);

// ---------------------------------------------------------------------------------------------
// Sample jobs.

export const SAMPLE_JOBS: readonly SampleEntity<JobPayloadInput>[] = deepFreeze([
  {
    id: 'job-ml-platform',
    payload: {
      title: 'ML Platform Engineer',
      company: 'Corvid Health',
      description:
        'Own the platform our data scientists ship on: streaming ingestion, feature pipelines, ' +
        'training orchestration and online inference for clinical-risk models.',
      requirements: [
        '5+ years building production data or ML systems',
        'Experience operating streaming pipelines and model serving in production',
      ],
      requiredSkills: ['Python', 'Kafka', 'Spark', 'Airflow', 'Model serving'],
      niceToHaveSkills: ['Kubernetes', 'Prometheus', 'Feast'],
      remotePolicy: 'remote',
      hiringCountries: ['US', 'CA'],
      seniority: 'senior',
      salary: { min: 170000, max: 210000, currency: 'USD', period: 'year' },
      categories: ['software-engineering', 'machine-learning'],
    },
  },
  {
    id: 'job-realtime-messaging',
    payload: {
      title: 'Backend Engineer, Real-time Messaging',
      company: 'Flinkpost',
      description:
        'Scale the delivery pipeline behind our team chat product: websocket gateways, fan-out ' +
        'and message history for tens of millions of daily messages.',
      requirements: ['Deep understanding of distributed systems and failure modes'],
      requiredSkills: ['Go', 'WebSockets', 'Cassandra', 'Distributed systems'],
      niceToHaveSkills: ['Elixir', 'Erlang', 'Kafka'],
      location: { city: 'Berlin', country: 'DE' },
      remotePolicy: 'hybrid',
      hiringCountries: ['DE'],
      visaSponsorship: true,
      seniority: 'senior',
      salary: { min: 85000, max: 110000, currency: 'EUR', period: 'year' },
      categories: ['software-engineering', 'backend'],
    },
  },
  {
    id: 'job-frontend',
    payload: {
      title: 'Frontend Engineer',
      company: 'Tallgrass Learning',
      description: 'Build the learner and teacher web apps used by 2,000 schools.',
      requiredSkills: ['React', 'TypeScript', 'CSS'],
      niceToHaveSkills: ['Next.js', 'GraphQL', 'Accessibility'],
      remotePolicy: 'remote',
      hiringCountries: ['KE', 'NG', 'GB'],
      seniority: 'senior',
      employmentType: 'full-time',
      categories: ['frontend'],
    },
  },
  {
    id: 'job-sre',
    payload: {
      title: 'Site Reliability Engineer',
      company: 'Marlowe Payments',
      description: 'Run the Kubernetes platform behind our card-processing APIs.',
      requirements: ['Comfortable owning on-call for tier-1 services'],
      requiredSkills: ['Kubernetes', 'Terraform', 'Prometheus', 'AWS'],
      niceToHaveSkills: ['Go', 'Python'],
      location: { city: 'London', country: 'GB' },
      remotePolicy: 'hybrid',
      hiringCountries: ['GB'],
      seniority: 'senior',
      salary: { min: 90000, max: 115000, currency: 'GBP', period: 'year' },
      categories: ['devops'],
    },
  },
  {
    id: 'job-data-analyst',
    payload: {
      title: 'Data Analyst',
      company: 'Kaveri Foods',
      description: 'Build sales and supply-chain reporting for regional managers.',
      requiredSkills: ['SQL', 'Tableau'],
      niceToHaveSkills: ['Python', 'Excel'],
      location: { city: 'Bengaluru', country: 'IN' },
      remotePolicy: 'onsite',
      hiringCountries: ['IN'],
      seniority: 'junior',
      employmentType: 'contract',
      categories: ['data-analytics'],
    },
  },
]);

/** The smallest payloads the schemas accept: everything optional is left to its default. */
export const MINIMAL_PROFILE: ProfilePayloadInput = deepFreeze({
  name: 'Ada Minimal',
  headline: 'Software engineer',
  location: { country: 'GB' },
  workModes: ['remote'],
});
export const MINIMAL_JOB: JobPayloadInput = deepFreeze({
  title: 'Software Engineer',
  company: 'Minimal Ltd',
  remotePolicy: 'remote',
  hiringCountries: ['GB'],
  seniority: 'mid',
});

// ---------------------------------------------------------------------------------------------
// Look-ups. Each returns a fresh copy, so a test may change it freely.

/** A sample profile's payload as a producer writes it. */
export function sampleProfile(id: string): ProfilePayloadInput {
  return structuredClone<ProfilePayloadInput>(findSample(SAMPLE_PROFILES, id).payload);
}

/** A sample job's payload as a producer writes it. */
export function sampleJob(id: string): JobPayloadInput {
  return structuredClone<JobPayloadInput>(findSample(SAMPLE_JOBS, id).payload);
}

/** A sample profile parsed by the contract (defaults filled in), with shallow overrides. */
export function profileDocument(
  id: string,
  overrides: Partial<ProfilePayloadInput> = {},
): ProfilePayload {
  return profilePayload.parse({ ...sampleProfile(id), ...overrides });
}

/** A sample job parsed by the contract (defaults filled in), with shallow overrides. */
export function jobDocument(id: string, overrides: Partial<JobPayloadInput> = {}): JobPayload {
  return jobPayload.parse({ ...sampleJob(id), ...overrides });
}

// ---------------------------------------------------------------------------------------------
// Event builders. Without overrides they describe the first sample of each kind at version 1.
// `entityId` picks the base payload too when it names a sample (`profileUpserted({ entityId:
// 'profile-frontend' })` is the frontend candidate); `payload` is merged over that base.

export interface EnvelopeFields {
  eventId?: string;
  occurredAt?: string;
  source?: string;
  entityVersion?: number;
}

/**
 * An input event: the envelope around `payload` (the benchmarks' generated load is built with it
 * too). Fields left out are the fixtures': the next counter id, their instant and source, version 1.
 */
export function inputEvent<T extends InputEventType>(
  type: T,
  entityId: string,
  payload: Extract<InputEventInput, { type: T }>['payload'],
  fields: EnvelopeFields = {},
): Extract<InputEventInput, { type: T }> {
  return {
    eventId: fields.eventId ?? nextEventId(),
    schemaVersion: 1,
    occurredAt: fields.occurredAt ?? FIXTURE_OCCURRED_AT,
    source: fields.source ?? FIXTURE_SOURCE,
    entityId,
    entityVersion: fields.entityVersion ?? 1,
    type,
    payload,
  } as Extract<InputEventInput, { type: T }>;
}

export function profileUpserted(
  overrides: Overrides<ProfileUpsertedInput> = {},
): ProfileUpsertedInput {
  const { payload, ...rest } = overrides;
  const entityId = rest.entityId ?? SAMPLE_PROFILES[0].id;
  const base = SAMPLE_PROFILES.some((s) => s.id === entityId) ? entityId : SAMPLE_PROFILES[0].id;
  return {
    ...inputEvent('profile.upserted', entityId, { ...sampleProfile(base), ...payload }),
    ...rest,
  };
}

export function jobUpserted(overrides: Overrides<JobUpsertedInput> = {}): JobUpsertedInput {
  const { payload, ...rest } = overrides;
  const entityId = rest.entityId ?? SAMPLE_JOBS[0].id;
  const base = SAMPLE_JOBS.some((s) => s.id === entityId) ? entityId : SAMPLE_JOBS[0].id;
  return {
    ...inputEvent('job.upserted', entityId, { ...sampleJob(base), ...payload }),
    ...rest,
  };
}

export function profileDeleted(
  overrides: Overrides<ProfileDeletedInput> = {},
): ProfileDeletedInput {
  const { payload, ...rest } = overrides;
  return { ...inputEvent('profile.deleted', SAMPLE_PROFILES[0].id, { ...payload }), ...rest };
}

export function jobClosed(overrides: Overrides<JobClosedInput> = {}): JobClosedInput {
  const { payload, ...rest } = overrides;
  return { ...inputEvent('job.closed', SAMPLE_JOBS[0].id, { ...payload }), ...rest };
}

/** One `profile.upserted` event per sample profile, keyed by its id. */
export function sampleProfileEvents(entityVersion = 1): ProfileUpsertedInput[] {
  return SAMPLE_PROFILES.map(({ id }) => profileUpserted({ entityId: id, entityVersion }));
}

/** One `job.upserted` event per sample job, keyed by its id. */
export function sampleJobEvents(entityVersion = 1): JobUpsertedInput[] {
  return SAMPLE_JOBS.map(({ id }) => jobUpserted({ entityId: id, entityVersion }));
}

/** The event as a Kafka value or HTTP body. */
export function toBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// ---------------------------------------------------------------------------------------------

function findSample<P>(samples: readonly SampleEntity<P>[], id: string): SampleEntity<P> {
  const found = samples.find((s) => s.id === id);
  if (!found) {
    throw new Error(`no sample "${id}"; known: ${samples.map((s) => s.id).join(', ')}`);
  }
  return found;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
