import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS } from '@matchstream/contracts';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startGateway } from '../../apps/gateway/src/main';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/** Debian's chromium package: no browser is ever downloaded (the machines cannot reach one). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Kept under the tests' run dir, where CI collects its artefacts. */
const ARTEFACTS = join(process.env.MS_RUN_DIR ?? join(process.cwd(), '.run', 'test'), 'artefacts');
const SCREENSHOT = join(ARTEFACTS, 'live-view.png');
const FILTERED_SCREENSHOT = join(ARTEFACTS, 'live-view-filtered.png');

/**
 * The live view in a real browser: the page opens the match stream through the gateway, events
 * go in through HTTP ingestion, and the job appears by title and company with its candidates by
 * headline (never by name); a closed job folds into one line below the live ones; the counters
 * tell HTTP ingestion from the input topics and split the matches out.
 */
describe('live view in a browser', () => {
  const harness = new PipelineHarness(runId('browser-live'));
  const id = (name: string) => `${harness.run}-${name}`;
  const category = `vet-${harness.run}`.slice(0, 64);
  const apiKey = `key-${harness.run}`;
  const jobId = id('job-clinic-lead');
  const closingJobId = id('job-locum-cover');
  const best = id('profile-clinic-lead');
  const bestHeadline = 'Clinical director and senior small animal vet leading a busy practice';
  let gateway: INestApplication;
  let base: string;
  let browser: Browser;
  const pageErrors: string[] = [];

  const envelope = (entityId: string) => ({
    eventId: id(`evt-${entityId}`),
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    source: 'browser-test',
    entityId,
    entityVersion: 1,
  });
  const profile = (name: string, headline: string, skills: string[], seniority: string) => ({
    ...envelope(id(name)),
    type: 'profile.upserted',
    payload: {
      name: `Test ${name}`,
      headline,
      summary: headline,
      skills,
      seniority,
      location: { city: 'Leeds', country: 'GB' },
      workModes: ['onsite', 'hybrid'],
      workAuthorization: ['GB'],
      categories: [category],
    },
  });
  const jobEvent = {
    ...envelope(jobId),
    type: 'job.upserted',
    payload: {
      title: 'Clinical Director (Small Animal)',
      company: 'Dale Vets',
      description: 'Lead a small animal practice: clinical standards, rota, mentoring.',
      requiredSkills: ['Small animal medicine', 'Surgery', 'Clinical leadership'],
      location: { city: 'Leeds', country: 'GB' },
      remotePolicy: 'onsite',
      hiringCountries: ['GB'],
      seniority: 'senior',
      categories: [category],
    },
  };
  const closingJob = {
    ...envelope(closingJobId),
    type: 'job.upserted',
    payload: {
      ...jobEvent.payload,
      title: 'Locum Veterinary Surgeon, weekend cover for a long-established mixed practice',
      company: 'Dale Vets',
      seniority: 'mid',
    },
  };
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });

  async function openPage(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(url);
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the browser suite needs Debian's chromium ` +
          '(apt-get install -y chromium; scripts/test.sh installs it).',
      );
    }
    await harness.start();
    gateway = await startGateway(
      loadGatewayConfig({
        ...process.env,
        ...harness.env,
        GATEWAY_HTTP_PORT: '0',
        API_KEYS: apiKey,
      }),
    );
    base = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await harness.stop();
  });

  it('asks for the API key, then shows jobs by title with candidates by headline, closed ones folded, and counters that add up', async () => {
    const page = await openPage(`${base}/live`);
    // The page is open, its data is not: without a key it asks for one.
    await page.locator('#auth.shown').waitFor();
    await page.fill('#key', apiKey);
    await page.click('#auth button');
    await page.locator('#status.connected').waitFor();

    const accepted = await post('/v1/events/profiles:batch', [
      profile(
        'profile-clinic-lead',
        bestHeadline,
        ['Small animal medicine', 'Surgery', 'Clinical leadership'],
        'senior',
      ),
      profile(
        'profile-new-grad',
        'Newly qualified vet keen on small animal medicine',
        ['Small animal medicine'],
        'junior',
      ),
      profile(
        'profile-locum',
        'Locum vet covering surgery and consults',
        ['Surgery', 'Small animal medicine'],
        'mid',
      ),
    ]);
    expect(accepted.status).toBe(202);
    const job = await post('/v1/events/jobs', jobEvent);
    expect(job.status).toBe(202);

    const card = page.locator(`#jobs section.job[data-job-id="${jobId}"]`);
    const top = card.locator(`li[data-rank="1"][data-profile-id="${best}"]`);
    await top.waitFor({ timeout: 90000 });
    expect(await card.locator('.job-title').textContent()).toBe('Clinical Director (Small Animal)');
    expect(await card.locator('.job-company').textContent()).toBe('Dale Vets');
    expect(await card.locator('.job-sub .id').textContent()).toBe(jobId);
    // The candidate by headline, the id beside it; the name stays out unless configured.
    expect(await top.locator('.cand').textContent()).toBe(`${bestHeadline}${best}`);
    expect(await top.locator('.cand .id').textContent()).toBe(best);
    expect(Number(await top.locator('.score').textContent())).toBeGreaterThan(0);
    expect((await top.locator('.summary').textContent())?.length).toBeGreaterThan(0);
    const rows = card.locator('li[data-rank]');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('body').textContent()).not.toContain('Test profile-');

    // A second job, then closed: it leaves the live grid for one line in the closed section.
    expect((await post('/v1/events/jobs', closingJob)).status).toBe(202);
    await page
      .locator(`#jobs section.job[data-job-id="${closingJobId}"] li[data-rank="1"]`)
      .waitFor({ timeout: 90000 });
    const closed = await post('/v1/events/jobs', {
      ...envelope(closingJobId),
      eventId: id('evt-close'),
      entityVersion: 2,
      type: 'job.closed',
      payload: { reason: 'filled' },
    });
    expect(closed.status).toBe(202);
    const closedRow = page.locator(`#closed li.closed-job[data-job-id="${closingJobId}"]`);
    await closedRow.waitFor({ state: 'attached', timeout: 90000 });
    expect(await page.locator(`#jobs section.job[data-job-id="${closingJobId}"]`).count()).toBe(0);
    expect(await closedRow.locator('.job-title').textContent()).toBe(closingJob.payload.title);
    expect(await page.locator('#closed-count').textContent()).toBe('1');
    // Collapsed until asked for; opened, each closed job is one line across the page.
    expect(await closedRow.isVisible()).toBe(false);
    await page.locator('#closed-section summary').click({ position: { x: 8, y: 8 } });
    const rowBox = (await closedRow.boundingBox())!;
    const whatBox = (await closedRow.locator('.what').boundingBox())!;
    // Runs in the page (this project compiles without the DOM's types).
    const lineHeight = await closedRow.evaluate((node) => {
      const view = globalThis as unknown as {
        getComputedStyle(element: unknown): { lineHeight: string };
      };
      return parseFloat(view.getComputedStyle(node).lineHeight);
    });
    expect(rowBox.width).toBeGreaterThan(1000);
    expect(whatBox.height).toBeLessThan(lineHeight * 1.5);
    expect(rowBox.height).toBeLessThan(lineHeight * 2.5);
    // Retractions of an earlier run's rankings (jobs this run never saw) arriving in a burst:
    // they join the closed section, one line each, and the live job stays on the first screen.
    const stale = 30;
    for (let i = 0; i < stale; i++) {
      const staleJob = id(`stale-job-${i}`);
      await harness.publishRaw(
        TOPICS.matches,
        `job:${staleJob}`,
        JSON.stringify({
          schema: 'match.retracted',
          schemaVersion: 1,
          eventId: id(`stale-retraction-${i}`),
          producedAt: new Date().toISOString(),
          subject: { type: 'job', id: staleJob, version: 3 },
          reason: 'subject-removed',
          causationEventId: id(`stale-cause-${i}`),
          retracted: [id(`stale-profile-${i}`)],
        }),
      );
    }
    await page.locator('#closed-count', { hasText: String(stale + 1) }).waitFor({ timeout: 30000 });
    expect(await page.locator('#closed li.closed-job').count()).toBe(stale + 1);
    for (const row of await page.locator('#closed li.closed-job').all()) {
      expect((await row.boundingBox())!.height).toBeLessThan(lineHeight * 2.5);
    }
    // Live jobs first, on the first screen.
    const liveBox = (await card.boundingBox())!;
    const closedBox = (await page.locator('#closed-section').boundingBox())!;
    expect(liveBox.y).toBeLessThan(closedBox.y);
    expect(liveBox.y).toBeLessThan(900);

    // The counters come from /v1/stats, polled every 2 s: HTTP ingestion counts exactly what this
    // test posted to this gateway; the input topics at least that (any producer counts there).
    const posted = 6;
    await waitFor('the counters', async () => {
      const accepted = Number(await page.locator('#eventsAccepted').textContent());
      const onTopics = Number(await page.locator('#inputTopicRecords').textContent());
      const detail = (await page.locator('#matchesDetail').textContent()) ?? '';
      return accepted === posted && onTopics >= posted && /\d{2,} retractions/.test(detail);
    });
    const relayed = Number(await page.locator('#matchesRelayed').textContent());
    const parts = /^(\d+) job rankings · (\d+) candidate rankings · (\d+) retractions$/.exec(
      (await page.locator('#matchesDetail').textContent()) ?? '',
    );
    expect(parts).not.toBeNull();
    const [jobRankings, candidateRankings, retractions] = parts!.slice(1).map(Number);
    expect(jobRankings).toBeGreaterThanOrEqual(2);
    expect(retractions).toBeGreaterThanOrEqual(stale + 1);
    expect(jobRankings + candidateRankings + retractions).toBe(relayed);
    expect(Number(await page.locator('#received').textContent())).toBeGreaterThanOrEqual(1);
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // Dismissed, the closed section goes away.
    await page.locator('#closed-dismiss').click();
    expect(await page.locator('#closed-section').isVisible()).toBe(false);
    expect(pageErrors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
    // A browser that keeps reading is never dropped, whatever bursts the topic brought.
    const stats = (await (
      await fetch(`${base}/v1/stats`, { headers: { authorization: `Bearer ${apiKey}` } })
    ).json()) as { streamClientsDropped: number };
    expect(stats.streamClientsDropped).toBe(0);
  });

  it('takes the API key from the URL fragment and shows only the filtered job', async () => {
    const page = await openPage(`${base}/live?jobId=${jobId}#key=${apiKey}`);
    await page.locator('#status.connected').waitFor();
    expect(page.url()).not.toContain(apiKey);
    expect(await page.locator('#filters').textContent()).toContain(jobId);
    // A new version of the job: its ranking arrives live (the replay buffer may have moved on,
    // on a broker that other suites keep busy).
    const v2 = await post('/v1/events/jobs', {
      ...jobEvent,
      eventId: id('evt-job-v2'),
      entityVersion: 2,
    });
    expect(v2.status).toBe(202);
    const card = page.locator(`section.job[data-job-id="${jobId}"]`);
    await card.locator('.job-meta', { hasText: /^v2 / }).waitFor({ timeout: 90000 });
    await card.locator(`li[data-rank="1"][data-profile-id="${best}"]`).waitFor();
    expect(await page.locator('section.job').count()).toBe(1);
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: FILTERED_SCREENSHOT });
  });
});
