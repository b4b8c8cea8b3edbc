/**
 * Seeded, reproducible synthetic profiles and jobs for the benchmarks, and a helper that emits
 * input events at a target rate.
 *
 * Every entity is derived from (seed, kind, index) alone, so `profile(17)` is the same whatever
 * else was generated before it and on every machine. The data is built to look like the sample
 * fixtures: twelve role families with their own titles, skills and phrasing; seniorities with
 * matching years and history; a spread of countries, cities, work modes and remote policies; the
 * fixtures' categories. Texts are assembled from phrase templates, so neighbouring entities of one
 * family are similar without being identical, which gives the vectors a realistic cluster
 * structure. Every payload passes the contracts' zod schemas.
 */
import { SENIORITIES, jobPayload, profilePayload } from '@matchstream/contracts';
import { seededRandom } from '@matchstream/testing';
import type {
  InputEventInput,
  JobPayloadInput,
  ProfilePayloadInput,
  Seniority,
  WorkMode,
} from '@matchstream/contracts';

// ---------------------------------------------------------------------------------------------
// Random numbers.

/** FNV-1a over the parts' text: turns (seed, kind, index) into one 32-bit seed. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0001')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Convenience wrapper over a uniform [0, 1) source. */
export class Rng {
  private spare: number | null = null;

  constructor(readonly next: () => number) {}

  static seeded(...parts: Array<string | number>): Rng {
    return new Rng(seededRandom(hashSeed(...parts)));
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; `weights` is parallel to `items`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** `count` distinct items in random order (all of them when count exceeds the list). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, Math.max(0, Math.min(count, pool.length)));
  }

  /** Standard normal (Box–Muller, the second value of each pair kept for the next call). */
  gaussian(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

interface RoleFamily {
  key: string;
  /** Job and experience titles, without seniority. */
  titles: readonly string[];
  /** The family's core skills: required skills come from here. */
  skills: readonly string[];
  /** Skills neighbouring families share: nice-to-haves and profile extras. */
  adjacent: readonly string[];
  categories: readonly string[];
  /** "…engineer {focus}" fragments for headlines. */
  focus: readonly string[];
  /** Sentences about the work, used in summaries, histories and job descriptions. */
  work: readonly string[];
  /** What someone in this family builds, for "I build …" / "You will build …". */
  products: readonly string[];
}

export const ROLE_FAMILIES: readonly RoleFamily[] = [
  {
    key: 'ml-platform',
    titles: ['ML Platform Engineer', 'Machine Learning Engineer', 'MLOps Engineer'],
    skills: ['Python', 'Kafka', 'Spark', 'Airflow', 'Model serving', 'Kubernetes', 'MLflow'],
    adjacent: ['Prometheus', 'Feast', 'FastAPI', 'PyTorch', 'Docker', 'PostgreSQL'],
    categories: ['machine-learning', 'software-engineering'],
    focus: [
      'building ML platforms and feature pipelines',
      'running model serving and training infrastructure',
      'taking models from notebooks to production',
    ],
    work: [
      'Built streaming feature pipelines that feed online models with fresh data.',
      'Ran the training orchestration and model registry used by a dozen data scientists.',
      'Served ranking models behind a low-latency gateway with drift monitoring.',
      'Automated retraining and canary rollouts for production models.',
      'Cut model deployment time from weeks to a day with a self-service platform.',
    ],
    products: ['feature stores', 'model serving platforms', 'training pipelines'],
  },
  {
    key: 'data-engineering',
    titles: ['Data Engineer', 'Analytics Engineer', 'Big Data Engineer'],
    skills: ['Python', 'SQL', 'Spark', 'Airflow', 'dbt', 'Kafka', 'Snowflake'],
    adjacent: ['AWS', 'BigQuery', 'Scala', 'Terraform', 'PostgreSQL', 'Docker'],
    categories: ['data-engineering', 'software-engineering'],
    focus: [
      'building reliable batch and streaming data pipelines',
      'modelling data warehouses that analysts trust',
      'moving ETL from cron scripts to orchestrated pipelines',
    ],
    work: [
      'Moved nightly ETL jobs to Airflow DAGs with data quality checks.',
      'Designed the warehouse models behind finance and growth reporting.',
      'Built change-data-capture pipelines from Postgres into the lake.',
      'Tuned Spark jobs that process several terabytes a day.',
      'Introduced dbt tests and documentation for two hundred models.',
    ],
    products: ['data pipelines', 'data warehouses', 'ingestion services'],
  },
  {
    key: 'data-science',
    titles: ['Data Scientist', 'Applied Scientist', 'Machine Learning Scientist'],
    skills: ['Python', 'Machine learning', 'Statistics', 'SQL', 'scikit-learn', 'PyTorch'],
    adjacent: ['Pandas', 'Spark', 'Experimentation', 'Forecasting', 'NLP', 'Tableau'],
    categories: ['machine-learning', 'data-analytics'],
    focus: [
      'turning data into forecasting and recommendation models',
      'running experiments and causal analyses',
      'applying NLP to messy customer text',
    ],
    work: [
      'Built demand forecasting models that reduced stock-outs by a fifth.',
      'Designed and analysed A/B tests for pricing and onboarding.',
      'Trained text classifiers that route support tickets automatically.',
      'Developed churn models and explained them to commercial teams.',
      'Prototyped recommendation models and handed them to engineering.',
    ],
    products: ['forecasting models', 'recommendation models', 'experiment analyses'],
  },
  {
    key: 'data-analytics',
    titles: ['Data Analyst', 'Business Intelligence Analyst', 'Product Analyst'],
    skills: ['SQL', 'Tableau', 'Excel', 'Power BI', 'Statistics', 'Looker'],
    adjacent: ['Python', 'dbt', 'Google Analytics', 'BigQuery', 'Experimentation'],
    categories: ['data-analytics'],
    focus: [
      'turning messy sales data into clear dashboards',
      'answering product questions with SQL',
      'building reporting for operations teams',
    ],
    work: [
      'Built weekly sales and inventory dashboards backed by SQL views.',
      'Ran funnel and cohort analyses for the product team.',
      'Replaced spreadsheet reporting with self-service dashboards.',
      'Defined the KPIs regional managers review every Monday.',
      'Analysed marketing campaigns and attribution for growth.',
    ],
    products: ['dashboards', 'KPI reports', 'self-service analytics'],
  },
  {
    key: 'backend',
    titles: ['Backend Engineer', 'Software Engineer, Backend', 'API Engineer'],
    skills: ['Java', 'Spring Boot', 'PostgreSQL', 'REST APIs', 'Microservices', 'Redis', 'Docker'],
    adjacent: ['Kotlin', 'Kafka', 'AWS', 'gRPC', 'Kubernetes', 'Go'],
    categories: ['backend', 'software-engineering'],
    focus: [
      'designing clean APIs and reliable services',
      'scaling payment and order backends',
      'breaking monoliths into services carefully',
    ],
    work: [
      'Designed the order and billing APIs used by mobile and web clients.',
      'Split a Java monolith into services with clear ownership.',
      'Cut API p99 latency in half with caching and query tuning.',
      'Built idempotent payment workflows with retries and reconciliation.',
      'Owned on-call for the checkout services during peak season.',
    ],
    products: ['APIs', 'payment backends', 'order services'],
  },
  {
    key: 'distributed-systems',
    titles: [
      'Distributed Systems Engineer',
      'Backend Engineer, Real-time',
      'Infrastructure Engineer',
    ],
    skills: ['Go', 'Distributed systems', 'Kafka', 'gRPC', 'Cassandra', 'WebSockets'],
    adjacent: ['Elixir', 'Erlang', 'Rust', 'Kubernetes', 'Redis', 'Java'],
    categories: ['backend', 'software-engineering'],
    focus: [
      'for real-time messaging at scale',
      'building low-latency event streaming systems',
      'keeping millions of connections open',
    ],
    work: [
      'Rewrote the websocket gateway in Go and cut delivery latency fivefold.',
      'Designed the fan-out service and message history on Cassandra.',
      'Built presence and push services for two million concurrent sessions.',
      'Added backpressure and load shedding to the event ingestion tier.',
      'Led failure-injection exercises across the messaging stack.',
    ],
    products: ['messaging backends', 'event streaming systems', 'websocket gateways'],
  },
  {
    key: 'frontend',
    titles: ['Frontend Engineer', 'Frontend Developer', 'UI Engineer'],
    skills: ['React', 'TypeScript', 'JavaScript', 'CSS', 'Next.js', 'Accessibility'],
    adjacent: ['GraphQL', 'Jest', 'Storybook', 'Vue.js', 'Figma', 'Webpack'],
    categories: ['frontend', 'software-engineering'],
    focus: [
      'crafting accessible React and TypeScript interfaces',
      'building design systems and complex forms',
      'shipping fast, polished web apps',
    ],
    work: [
      'Built the merchant dashboard in React and TypeScript.',
      'Introduced a component library with Storybook and visual tests.',
      'Brought the main app to WCAG AA accessibility.',
      'Cut bundle size by forty percent and improved page loads.',
      'Rebuilt the onboarding flow with the design team.',
    ],
    products: ['web apps', 'design systems', 'dashboards'],
  },
  {
    key: 'full-stack',
    titles: ['Full-Stack Engineer', 'Full-Stack Developer', 'Product Engineer'],
    skills: ['TypeScript', 'React', 'Node.js', 'PostgreSQL', 'GraphQL', 'AWS'],
    adjacent: ['Next.js', 'Docker', 'Redis', 'Python', 'CSS', 'Jest'],
    categories: ['frontend', 'backend', 'software-engineering'],
    focus: [
      'shipping product features end to end',
      'building SaaS products from database to UI',
      'owning features from idea to production',
    ],
    work: [
      'Shipped the billing and subscriptions product end to end.',
      'Built a GraphQL API and the React screens on top of it.',
      'Owned the notification system from database to UI.',
      'Took an internal tool to a paid product with a small team.',
      'Set up continuous deployment and feature flags.',
    ],
    products: ['SaaS products', 'internal tools', 'customer portals'],
  },
  {
    key: 'sre',
    titles: ['Site Reliability Engineer', 'DevOps Engineer', 'Platform Engineer'],
    skills: ['Kubernetes', 'Terraform', 'AWS', 'Prometheus', 'Linux', 'Grafana'],
    adjacent: ['Go', 'Python', 'Ansible', 'Helm', 'Kafka', 'PostgreSQL'],
    categories: ['devops', 'software-engineering'],
    focus: [
      'running Kubernetes platforms with Terraform',
      'keeping production boring with good alerting',
      'building internal developer platforms',
    ],
    work: [
      'Migrated three hundred services to Kubernetes with Terraform modules.',
      'Built SLO dashboards and alerting that halved pages.',
      'Ran blameless post-mortems and fixed the recurring causes.',
      'Automated a Linux fleet with Ansible and golden images.',
      'Built the CI/CD platform every team deploys with.',
    ],
    products: ['Kubernetes platforms', 'CI/CD pipelines', 'observability stacks'],
  },
  {
    key: 'security',
    titles: ['Security Engineer', 'Cloud Security Engineer', 'Application Security Engineer'],
    skills: ['Security', 'AWS', 'Threat modelling', 'Python', 'IAM', 'Kubernetes'],
    adjacent: ['Terraform', 'Go', 'SIEM', 'Penetration testing', 'Linux', 'OWASP'],
    categories: ['devops', 'software-engineering'],
    focus: [
      'securing cloud platforms without slowing teams down',
      'threat modelling and application security',
      'building detection and response tooling',
    ],
    work: [
      'Rolled out least-privilege IAM across forty AWS accounts.',
      'Ran threat modelling sessions for every new product.',
      'Built detection rules and automated incident response.',
      'Led the penetration test programme and fixed its findings.',
      'Added dependency and secret scanning to every pipeline.',
    ],
    products: ['security tooling', 'detection pipelines', 'secure cloud foundations'],
  },
  {
    key: 'ios',
    titles: ['iOS Engineer', 'iOS Developer', 'Mobile Engineer, iOS'],
    skills: ['Swift', 'SwiftUI', 'iOS', 'Xcode', 'Combine', 'Core Data'],
    adjacent: ['Objective-C', 'GraphQL', 'Firebase', 'Kotlin', 'CI/CD', 'Accessibility'],
    categories: ['mobile', 'software-engineering'],
    focus: [
      'shipping polished native apps in Swift and SwiftUI',
      'building modular iOS app architecture',
      'making mobile apps fast and crash-free',
    ],
    work: [
      'Rebuilt the workout tracker in SwiftUI with offline sync.',
      'Raised crash-free sessions above ninety-nine percent.',
      'Modularised the iOS app so teams ship independently.',
      'Built the payments flow and Apple Pay integration.',
      'Set up UI tests and release automation for the App Store.',
    ],
    products: ['iOS apps', 'mobile payment flows', 'offline-first apps'],
  },
  {
    key: 'android',
    titles: ['Android Engineer', 'Android Developer', 'Mobile Engineer, Android'],
    skills: ['Kotlin', 'Android', 'Jetpack Compose', 'Java', 'Coroutines', 'Room'],
    adjacent: ['Gradle', 'Firebase', 'GraphQL', 'Swift', 'CI/CD', 'Accessibility'],
    categories: ['mobile', 'software-engineering'],
    focus: [
      'building Android apps in Kotlin and Jetpack Compose',
      'making Android apps fast on low-end devices',
      'shipping mobile features to millions of users',
    ],
    work: [
      'Migrated the Android app from XML views to Jetpack Compose.',
      'Cut cold start time by a third on low-end devices.',
      'Built offline-first sync with Room and WorkManager.',
      'Led the move from Java to Kotlin and coroutines.',
      'Set up staged rollouts and crash monitoring for releases.',
    ],
    products: ['Android apps', 'offline-first apps', 'mobile checkout flows'],
  },
];

interface Country {
  code: string;
  cities: readonly string[];
  currency: string;
  /** Salary multiplier against a US baseline, roughly. */
  pay: number;
  /** Extra countries people living here are often authorised in. */
  bloc?: readonly string[];
}

const EU = ['DE', 'NL', 'FR', 'ES', 'IE', 'PL', 'AT'];

export const COUNTRIES: readonly Country[] = [
  { code: 'US', cities: ['Austin', 'Seattle', 'New York', 'Denver'], currency: 'USD', pay: 1 },
  { code: 'CA', cities: ['Toronto', 'Vancouver', 'Montreal'], currency: 'CAD', pay: 1.05 },
  { code: 'GB', cities: ['London', 'Manchester', 'Edinburgh'], currency: 'GBP', pay: 0.55 },
  { code: 'IE', cities: ['Dublin', 'Cork'], currency: 'EUR', pay: 0.6, bloc: EU },
  { code: 'DE', cities: ['Berlin', 'Munich', 'Hamburg'], currency: 'EUR', pay: 0.55, bloc: EU },
  {
    code: 'NL',
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht'],
    currency: 'EUR',
    pay: 0.55,
    bloc: EU,
  },
  { code: 'FR', cities: ['Paris', 'Lyon'], currency: 'EUR', pay: 0.5, bloc: EU },
  { code: 'ES', cities: ['Barcelona', 'Madrid', 'Valencia'], currency: 'EUR', pay: 0.4, bloc: EU },
  { code: 'PL', cities: ['Warsaw', 'Krakow', 'Wroclaw'], currency: 'PLN', pay: 1.2, bloc: EU },
  { code: 'IN', cities: ['Bengaluru', 'Pune', 'Hyderabad'], currency: 'INR', pay: 20 },
  { code: 'KE', cities: ['Nairobi', 'Mombasa'], currency: 'KES', pay: 60 },
  { code: 'NG', cities: ['Lagos', 'Abuja'], currency: 'NGN', pay: 300 },
  { code: 'BR', cities: ['Sao Paulo', 'Recife', 'Porto Alegre'], currency: 'BRL', pay: 2 },
  { code: 'SG', cities: ['Singapore'], currency: 'SGD', pay: 1.1 },
  { code: 'AU', cities: ['Sydney', 'Melbourne', 'Brisbane'], currency: 'AUD', pay: 1.2 },
];
/** Where profiles and jobs are, weighted towards the larger markets. */
const COUNTRY_WEIGHTS = [6, 2, 4, 1, 3, 2, 2, 1, 2, 4, 1, 1, 2, 1, 1];

const FIRST_NAMES = words(`
  Morgan Lena Wanjiru Priya Callum Tomasz Aiko Mateo Ines Kwame Sofia Ravi Elin Jonah Amara Luca
  Noor Yusuf Clara Diego Hana Oskar Zara Felix Imani Arjun Freya Tariq Maren Chidi
`);
const LAST_NAMES = words(`
  Ellery Vogtmann Kamau Raghunathan Ashdown Wierzbicki Tanabe Okafor Lindqvist Moreau
  Castellanos Haddad Brennan Novak Achterberg Mensah Silvestri Iyer Kowalczyk Delacroix Ferreira
  Nakamura Osei Varga
`);
const COMPANY_HEADS = words(`
  Quillmark Harbourline Tillery Pellucid Ostwind Savanna Kilele Meridian Greyfriars Lowfield
  Brightlane Corvid Flinkpost Tallgrass Marlowe Kaveri Northwind Bluefern Copperleaf Stillwater
  Redkite Amberline Ironbark Solvay
`);
const COMPANY_TAILS = words(`
  Health Labs Systems Payments Media Logistics Insurance Retail Energy Learning Bank Foods
  Mobility Analytics Software Travel
`);
const INSTITUTIONS = [
  'Westbrook State University',
  'Technische Hochschule Lindenau',
  'Ridgeview University College',
  'Coromandel Institute of Management',
  'Northgate Polytechnic',
  'University of Eastmere',
  'Lakeshore Institute of Technology',
  'Harrowfield College',
  'Kestrel University',
];
const DEGREES = ['BSc', 'MSc', 'BEng', 'MEng', 'BA', 'PhD'];
const FIELDS = [
  'Computer Science',
  'Software Engineering',
  'Mathematics',
  'Statistics',
  'Physics',
  'Information Systems',
  'Electrical Engineering',
  'Economics',
];
const PROFILE_OPENERS = [
  'I have spent {span} on {products}.',
  '{span} building {products} for teams that care about quality.',
  'Engineer with {span} of experience across {products}.',
  'Over the last {span} I have built and run {products}.',
];
const PROFILE_CLOSERS = [
  'I like small teams, clear ownership and honest code review.',
  'I care about reliability, observability and writing things down.',
  'Mentoring and pairing are a big part of how I work.',
  'I enjoy working closely with product and design.',
  'I value sustainable pace and thoughtful engineering.',
];
const LOOKING_FOR = [
  'A team that owns {products} end to end and cares about quality.',
  'A {mode} role working on {products} with real ownership.',
  'A product company where I can grow into a lead role.',
  'Interesting problems in {products}; {mode} preferred.',
];
const JOB_OPENERS = [
  'Join {company} to build the {products} behind our product.',
  'We are looking for someone to own our {products}.',
  '{company} is growing and needs help with its {products}.',
  'You will build and run {products} used by thousands of customers.',
];
const JOB_CLOSERS = [
  'We work in small, autonomous teams with a sustainable on-call rotation.',
  'You will work closely with product, design and data.',
  'We value clear writing, code review and mentoring.',
  'Expect real ownership from design to production.',
];
const REQUIREMENT_TEMPLATES = [
  '{years}+ years of professional experience as a {title}',
  'Experience with {skill} in production',
  'Comfortable owning services in production, including on-call',
  'Strong written communication in English',
  'Hands-on experience with {skill} and {skill2}',
];

const SENIORITY_WEIGHTS = [1, 4, 8, 8, 3, 1, 0.3];
/** Typical years of experience per seniority (min, max). */
const SENIORITY_YEARS: Record<Seniority, [number, number]> = {
  intern: [0, 1],
  junior: [1, 2],
  mid: [2, 5],
  senior: [5, 9],
  staff: [9, 13],
  principal: [13, 20],
  executive: [15, 25],
};
const BASE_SALARY: Record<Seniority, number> = {
  intern: 45000,
  junior: 75000,
  mid: 105000,
  senior: 145000,
  staff: 185000,
  principal: 220000,
  executive: 260000,
};
const SENIORITY_TITLE: Partial<Record<Seniority, string>> = {
  intern: 'Intern',
  junior: 'Junior',
  senior: 'Senior',
  staff: 'Staff',
  principal: 'Principal',
  executive: 'Head of',
};

// ---------------------------------------------------------------------------------------------
// The generator.

export interface GeneratedEntity<P> {
  id: string;
  /** Key of the role family (the cluster) this entity was drawn from. */
  family: string;
  payload: P;
}

export interface LoadGeneratorOptions {
  seed: number;
  /** Prefix of entity ids (letters, digits, ".", "_", ":" or "-"), e.g. a run id. */
  idPrefix?: string;
  /** "Now" for work histories; fixed by default so the data does not change over time. */
  now?: Date;
}

export class LoadGenerator {
  readonly seed: number;
  readonly idPrefix: string;
  private readonly nowYear: number;
  private readonly nowMonth: number;

  constructor(options: LoadGeneratorOptions) {
    this.seed = options.seed;
    this.idPrefix = options.idPrefix ?? 'bench';
    const now = options.now ?? new Date('2025-06-01T00:00:00Z');
    this.nowYear = now.getUTCFullYear();
    this.nowMonth = now.getUTCMonth() + 1;
  }

  profileId(index: number): string {
    return `${this.idPrefix}-profile-${String(index).padStart(6, '0')}`;
  }

  jobId(index: number): string {
    return `${this.idPrefix}-job-${String(index).padStart(6, '0')}`;
  }

  profiles(count: number, offset = 0): GeneratedEntity<ProfilePayloadInput>[] {
    return Array.from({ length: count }, (_, i) => this.profile(offset + i));
  }

  jobs(count: number, offset = 0): GeneratedEntity<JobPayloadInput>[] {
    return Array.from({ length: count }, (_, i) => this.job(offset + i));
  }

  profile(index: number): GeneratedEntity<ProfilePayloadInput> {
    const rng = Rng.seeded(this.seed, 'profile', index);
    const family = rng.pick(ROLE_FAMILIES);
    const seniority = rng.weighted(SENIORITIES, SENIORITY_WEIGHTS);
    const [minYears, maxYears] = SENIORITY_YEARS[seniority];
    const years = rng.int(minYears, maxYears);
    const country = rng.weighted(COUNTRIES, COUNTRY_WEIGHTS);
    const city = rng.pick(country.cities);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const title = rng.pick(family.titles);
    const products = rng.pick(family.products);

    const skills = [
      ...rng.sample(family.skills, rng.int(4, family.skills.length)),
      ...rng.sample(family.adjacent, rng.int(0, 3)),
    ];
    const workModes = this.profileWorkModes(rng);
    const authorization = new Set([country.code]);
    if (country.bloc && rng.chance(0.7))
      rng.sample(country.bloc, 2).forEach((c) => authorization.add(c));
    if (rng.chance(0.1)) authorization.add(rng.weighted(COUNTRIES, COUNTRY_WEIGHTS).code);

    const experience = this.history(rng, family, title, seniority, years);
    const summary = [
      capitalise(
        fill(rng.pick(PROFILE_OPENERS), {
          span: years <= 1 ? 'one year' : `${years} years`,
          products,
        }),
      ),
      ...rng.sample(family.work, rng.int(1, 2)),
      rng.pick(PROFILE_CLOSERS),
    ].join(' ');
    const mode = workModes[0];
    const payload: ProfilePayloadInput = {
      name: `${first} ${last}`,
      handle: `${first}-${last}-${index}`.toLowerCase(),
      headline: `${seniorTitle(seniority, title)} ${rng.pick(family.focus)}`,
      summary,
      lookingFor: fill(rng.pick(LOOKING_FOR), { products, mode }),
      experience,
      education: rng.chance(0.8) ? [this.education(rng, years)] : [],
      skills,
      seniority: rng.chance(0.85) ? seniority : undefined,
      yearsOfExperience: rng.chance(0.7) ? years : undefined,
      location: { city, country: country.code },
      workModes,
      willingToRelocate: rng.chance(0.25),
      workAuthorization: [...authorization],
      categories: rng.sample(family.categories, rng.int(1, family.categories.length)),
      availability: rng.pick([
        'immediately',
        'within-1-month',
        'within-3-months',
        'open-to-offers',
      ] as const),
    };
    return { id: this.profileId(index), family: family.key, payload };
  }

  job(index: number): GeneratedEntity<JobPayloadInput> {
    const rng = Rng.seeded(this.seed, 'job', index);
    const family = rng.pick(ROLE_FAMILIES);
    const seniority = rng.weighted(SENIORITIES.slice(0, 6), SENIORITY_WEIGHTS.slice(0, 6));
    const country = rng.weighted(COUNTRIES, COUNTRY_WEIGHTS);
    const remotePolicy = rng.weighted<WorkMode>(['remote', 'hybrid', 'onsite'], [4, 4, 2]);
    const company = `${rng.pick(COMPANY_HEADS)} ${rng.pick(COMPANY_TAILS)}`;
    const title = rng.pick(family.titles);
    const products = rng.pick(family.products);
    const required = rng.sample(family.skills, rng.int(2, 5));
    const nice = rng.sample(
      [...family.skills.filter((s) => !required.includes(s)), ...family.adjacent],
      rng.int(1, 3),
    );
    const [minYears] = SENIORITY_YEARS[seniority];
    const hiring = new Set([country.code]);
    if (remotePolicy === 'remote') {
      if (country.bloc) rng.sample(country.bloc, rng.int(1, 4)).forEach((c) => hiring.add(c));
      if (rng.chance(0.3)) hiring.add(rng.weighted(COUNTRIES, COUNTRY_WEIGHTS).code);
    }
    const requirements = rng.sample(REQUIREMENT_TEMPLATES, rng.int(1, 3)).map((t) =>
      fill(t, {
        years: String(Math.max(1, minYears)),
        title: title.toLowerCase(),
        skill: required[0],
        skill2: required[1] ?? nice[0],
      }),
    );
    const base = BASE_SALARY[seniority] * country.pay * (0.85 + rng.next() * 0.3);
    const min = Math.round(base / 1000) * 1000;
    const payload: JobPayloadInput = {
      title: seniorTitle(seniority, title),
      company,
      description: [
        fill(rng.pick(JOB_OPENERS), { company, products }),
        ...rng.sample(family.work, rng.int(1, 2)).map(asResponsibility),
        rng.pick(JOB_CLOSERS),
      ].join(' '),
      requirements,
      requiredSkills: required,
      niceToHaveSkills: nice,
      location:
        remotePolicy === 'remote' && rng.chance(0.6)
          ? undefined
          : { city: rng.pick(country.cities), country: country.code },
      remotePolicy,
      hiringCountries: [...hiring],
      visaSponsorship: rng.chance(0.2),
      seniority,
      employmentType: rng.weighted(['full-time', 'contract', 'part-time'] as const, [8, 2, 0.5]),
      salary: rng.chance(0.7)
        ? {
            min,
            max: Math.round((min * (1.15 + rng.next() * 0.2)) / 1000) * 1000,
            currency: country.currency,
            period: 'year',
          }
        : undefined,
      categories: rng.sample(family.categories, rng.int(1, family.categories.length)),
    };
    return { id: this.jobId(index), family: family.key, payload };
  }

  private profileWorkModes(rng: Rng): WorkMode[] {
    const choice = rng.weighted(
      [
        ['remote'],
        ['remote', 'hybrid'],
        ['hybrid', 'onsite'],
        ['onsite'],
        ['remote', 'hybrid', 'onsite'],
      ],
      [3, 4, 2, 1, 2],
    );
    return [...choice] as WorkMode[];
  }

  /** Most recent first; the first entry is current. Spans roughly `years` years. */
  private history(
    rng: Rng,
    family: RoleFamily,
    title: string,
    seniority: Seniority,
    years: number,
  ): NonNullable<ProfilePayloadInput['experience']> {
    const entries = Math.max(1, Math.min(4, Math.ceil(years / 3) + rng.int(-1, 0)));
    let endMonths = this.nowYear * 12 + (this.nowMonth - 1);
    const totalMonths = Math.max(3, years * 12);
    const out: NonNullable<ProfilePayloadInput['experience']> = [];
    for (let i = 0; i < entries; i++) {
      const startMonths = endMonths - Math.max(3, Math.round(totalMonths / entries));
      const entryTitle = i === 0 ? seniorTitle(seniority, title) : rng.pick(family.titles);
      out.push({
        company: `${rng.pick(COMPANY_HEADS)} ${rng.pick(COMPANY_TAILS)}`,
        title: entryTitle,
        startDate: yearMonth(startMonths),
        endDate: i === 0 ? null : yearMonth(endMonths),
        description: rng.sample(family.work, rng.int(1, 2)).join(' '),
      });
      endMonths = startMonths - rng.int(0, 2);
    }
    return out;
  }

  private education(
    rng: Rng,
    years: number,
  ): NonNullable<ProfilePayloadInput['education']>[number] {
    const endYear = this.nowYear - years - rng.int(0, 1);
    return {
      institution: rng.pick(INSTITUTIONS),
      degree: rng.pick(DEGREES),
      field: rng.pick(FIELDS),
      startYear: endYear - rng.int(3, 4),
      endYear,
    };
  }
}

/** A whitespace-separated word list. */
function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

function seniorTitle(seniority: Seniority, title: string): string {
  const prefix = SENIORITY_TITLE[seniority];
  return prefix ? `${prefix} ${title}` : title;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

/** A history sentence ("Built X.") as job-ad text ("Our team recently built X."). */
function asResponsibility(sentence: string): string {
  return `Our team recently ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
}

function yearMonth(months: number): string {
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Events.

export interface EventOptions {
  eventId: string;
  entityVersion?: number;
  occurredAt?: string;
  source?: string;
}

export function profileUpsertedEvent(
  entity: GeneratedEntity<ProfilePayloadInput>,
  options: EventOptions,
): Extract<InputEventInput, { type: 'profile.upserted' }> {
  return {
    eventId: options.eventId,
    type: 'profile.upserted',
    schemaVersion: 1,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    source: options.source ?? 'bench',
    entityId: entity.id,
    entityVersion: options.entityVersion ?? 1,
    payload: entity.payload,
  };
}

export function jobUpsertedEvent(
  entity: GeneratedEntity<JobPayloadInput>,
  options: EventOptions,
): Extract<InputEventInput, { type: 'job.upserted' }> {
  return {
    eventId: options.eventId,
    type: 'job.upserted',
    schemaVersion: 1,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    source: options.source ?? 'bench',
    entityId: entity.id,
    entityVersion: options.entityVersion ?? 1,
    payload: entity.payload,
  };
}

/** Parses with the contracts: throws with the issues when a generated payload is invalid. */
export function validateProfile(payload: ProfilePayloadInput) {
  return profilePayload.parse(payload);
}

export function validateJob(payload: JobPayloadInput) {
  return jobPayload.parse(payload);
}

// ---------------------------------------------------------------------------------------------
// Emitting at a target rate.

export interface EmitAtRateOptions<T> {
  /** Items per second. */
  ratePerSecond: number;
  /** How many items to emit in all. */
  count: number;
  /** The i-th item (0-based). */
  item: (index: number) => T;
  /**
   * Sends the items that are due, all at once. Not awaited before the next tick (an open-loop
   * generator: a slow send must not lower the offered rate, or latencies would hide the backlog);
   * every send is awaited before `emitAtRate` resolves. `scheduledAt` is each item's due time.
   */
  send: (items: T[], scheduledAt: number[]) => Promise<void>;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Sleep (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Longest sleep between ticks in ms (default 50). */
  maxTickMs?: number;
}

export interface EmitReport {
  sent: number;
  /** From the first item's due time to the last send call. */
  elapsedMs: number;
  /** sent / elapsed, per second (the target rate when the sender kept up). */
  achievedRate: number;
  /** Largest delay between an item's due time and its send call, ms. */
  maxLagMs: number;
}

/**
 * Emits `count` items at `ratePerSecond`, item i due at start + i / rate. Items that fall due
 * together (short ticks, a busy event loop) go out in one `send` call.
 */
export async function emitAtRate<T>(options: EmitAtRateOptions<T>): Promise<EmitReport> {
  const { ratePerSecond, count, item, send } = options;
  if (!(ratePerSecond > 0)) throw new Error(`ratePerSecond must be positive, got ${ratePerSecond}`);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`count must be >= 0, got ${count}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxTick = options.maxTickMs ?? 50;
  const interval = 1000 / ratePerSecond;

  const start = now();
  const sends: Promise<void>[] = [];
  let next = 0;
  let maxLagMs = 0;
  let lastSendAt = start;
  while (next < count) {
    const t = now();
    const due = Math.min(count, Math.floor((t - start) / interval) + 1);
    if (due > next) {
      const items: T[] = [];
      const scheduledAt: number[] = [];
      for (let i = next; i < due; i++) {
        items.push(item(i));
        scheduledAt.push(start + i * interval);
      }
      maxLagMs = Math.max(maxLagMs, t - scheduledAt[0]);
      next = due;
      lastSendAt = t;
      sends.push(send(items, scheduledAt));
    }
    if (next < count) {
      const wait = start + next * interval - now();
      await sleep(Math.max(0, Math.min(maxTick, wait)));
    }
  }
  await Promise.all(sends);
  // The last item is due at (count - 1) intervals; the achieved rate counts the gaps between sends.
  const elapsedMs = lastSendAt - start;
  return {
    sent: count,
    elapsedMs,
    achievedRate: count > 1 && elapsedMs > 0 ? ((count - 1) * 1000) / elapsedMs : ratePerSecond,
    maxLagMs,
  };
}
