import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { jobUpserted, profileUpserted, resetEventIds } from '@matchstream/testing';
import { PipelineHarness, runId, waitFor } from '../support/pipeline-harness';

/**
 * Kafka stops for a while and starts again: the services reconnect and resume, and nothing is
 * lost. A private broker on its own ports and data folder, so the shared test broker stays up.
 */
describe('broker outage', () => {
  const port = 20000 + Math.floor(Math.random() * 9000);
  const brokerEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    MS_RUN_DIR: join(__dirname, '..', '..', '.run', `outage-${port}`),
  };
  const script = (name: string, ...args: string[]) =>
    execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'kafka', name), ...args], {
      env: brokerEnv,
      stdio: 'ignore',
      timeout: 120000,
    });
  const harness = new PipelineHarness(runId('fault-broker'), `127.0.0.1:${port}`);
  const id = (name: string) => `${harness.run}-${name}`;
  const profile = (i: number) =>
    profileUpserted({
      entityId: id(`profile-${i}`),
      payload: {
        headline: `Clockmaker ${i}, restores mechanical movements`,
        summary: 'Repairs antique clocks.',
        lookingFor: '',
        skills: ['Horology'],
        experience: [],
        education: [],
        location: { country: 'CH' },
        workModes: ['onsite'],
        workAuthorization: ['CH'],
        categories: ['horology'],
      },
    });
  const listed = (i: number) =>
    harness
      .rankingsFor('job', id('job'))
      .some((r) => r.matches.some((m) => m.counterpartId === id(`profile-${i}`)));

  beforeAll(async () => {
    resetEventIds(harness.run);
    script('start.sh');
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
    script('stop.sh', '--purge');
  });

  it('reconnects after the broker comes back and loses nothing', async () => {
    await harness.publish([
      jobUpserted({
        entityId: id('job'),
        payload: {
          title: 'Watchmaker',
          company: 'Jura Time',
          description: 'Service mechanical watches.',
          requirements: [],
          requiredSkills: ['Horology'],
          niceToHaveSkills: [],
          remotePolicy: 'onsite',
          location: { city: 'Biel', country: 'CH' },
          hiringCountries: ['CH'],
          seniority: 'mid',
          categories: ['horology'],
        },
      }),
      profile(0),
    ]);
    await waitFor('first match', () => listed(0));

    script('stop.sh');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    script('start.sh');

    await harness.publish([profile(1), profile(2)]);
    await waitFor('matches after the outage', () => listed(1) && listed(2), 110000);
    for (const app of ['embedding', 'matching'] as const) {
      await waitFor(
        `${app} healthy`,
        async () => (await fetch(await harness.url(app, '/health/ready'))).status === 200,
      );
    }
  });
});
