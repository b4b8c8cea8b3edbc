import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
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
const SCREENSHOT = join(tmpdir(), 'matchstream-live-view.png');
const FILTERED_SCREENSHOT = join(tmpdir(), 'matchstream-live-view-filtered.png');

/**
 * The live view in a real browser: the page opens the match stream through the gateway, events
 * go in through HTTP ingestion, and the job's best candidate appears on the page.
 */
describe('live view in a browser', () => {
  const harness = new PipelineHarness(runId('browser-live'));
  const id = (name: string) => `${harness.run}-${name}`;
  const category = `vet-${harness.run}`.slice(0, 64);
  const apiKey = `key-${harness.run}`;
  const jobId = id('job-clinic-lead');
  const best = id('profile-clinic-lead');
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

  it('asks for the API key, then shows a job with its ranked candidates as events arrive', async () => {
    const page = await openPage(`${base}/live`);
    // The page is open, its data is not: without a key it asks for one.
    await page.locator('#auth.shown').waitFor();
    await page.fill('#key', apiKey);
    await page.click('#auth button');
    await page.locator('#status.connected').waitFor();

    const accepted = await post('/v1/events/profiles:batch', [
      profile(
        'profile-clinic-lead',
        'Clinical director and senior small animal vet leading a busy practice',
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

    const top = page.locator(
      `section.job[data-job-id="${jobId}"] li[data-rank="1"][data-profile-id="${best}"]`,
    );
    await top.waitFor({ timeout: 90000 });
    expect(await top.locator('.cand').textContent()).toBe(best);
    expect(Number(await top.locator('.score').textContent())).toBeGreaterThan(0);
    expect((await top.locator('.summary').textContent())?.length).toBeGreaterThan(0);
    const rows = page.locator(`section.job[data-job-id="${jobId}"] li[data-rank]`);
    expect(await rows.count()).toBeGreaterThanOrEqual(2);

    // The counters come from /v1/stats, polled every 2 s.
    await waitFor('the counters', async () => {
      const accepted = Number(await page.locator('#eventsAccepted').textContent());
      const relayed = Number(await page.locator('#matchesRelayed').textContent());
      return accepted >= 4 && relayed >= 1;
    });
    expect(Number(await page.locator('#received').textContent())).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: SCREENSHOT });
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
    await page.screenshot({ path: FILTERED_SCREENSHOT });
  });
});
