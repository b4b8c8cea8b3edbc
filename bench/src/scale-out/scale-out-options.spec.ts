import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerPid, scaleOutSettings } from './scale-out-options';

const defaults = {
  'scale-out-instances': '1,2,3',
  'scale-out-population': '2000',
  'scale-out-backlog': '400',
  'scale-out-seconds': '20',
};

describe('scaleOutSettings', () => {
  it('parses the defaults', () => {
    expect(scaleOutSettings(defaults)).toEqual({
      instances: [1, 2, 3],
      population: 2000,
      backlog: 400,
      seconds: 20,
      rate: null,
      churn: { update: 0.7, add: 0.15, remove: 0.15 },
      loadPopulation: 10000,
      auditSample: 100000,
      loadAuditSample: 2000,
    });
  });

  it('runs the load at 100,000 per side with --full, and only above the population', () => {
    expect(scaleOutSettings(defaults, true).loadPopulation).toBe(100000);
    const load = (value: string, population = '2000') =>
      scaleOutSettings({
        ...defaults,
        'scale-out-population': population,
        'scale-out-load-population': value,
      }).loadPopulation;
    expect(load('none')).toBeNull();
    expect(load('0')).toBeNull();
    expect(load('50000')).toBe(50000);
    expect(scaleOutSettings({ ...defaults, 'scale-out-population': '20000' }).loadPopulation).toBe(
      null,
    );
    expect(load('20000', '20000')).toBeNull();
  });

  it('takes a churn mix and an audit size up to what the endpoint re-ranks', () => {
    expect(scaleOutSettings({ ...defaults, 'scale-out-churn': '100/0/0' }).churn).toEqual({
      update: 1,
      add: 0,
      remove: 0,
    });
    expect(scaleOutSettings({ ...defaults, 'scale-out-audit': '500' }).auditSample).toBe(500);
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-audit': '100001' })).toThrow(
      'at most 100000',
    );
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-churn': '1/2' })).toThrow(
      '--scale-out-churn',
    );
  });

  it('skips the section with "none" (or 0), keeps the order given, takes a rate', () => {
    expect(scaleOutSettings({ ...defaults, 'scale-out-instances': 'none' }).instances).toEqual([]);
    expect(scaleOutSettings({ ...defaults, 'scale-out-instances': '0' }).instances).toEqual([]);
    expect(scaleOutSettings({ ...defaults, 'scale-out-instances': '2, 1' }).instances).toEqual([
      2, 1,
    ]);
    expect(scaleOutSettings({ ...defaults, 'scale-out-rate': '12.5' }).rate).toBe(12.5);
  });

  it('refuses counts the topic cannot divide and sizes that are not positive integers', () => {
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-instances': '1,7' })).toThrow(
      'at most 6',
    );
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-instances': '1,x' })).toThrow(
      '--scale-out-instances',
    );
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-population': '1.5' })).toThrow(
      'positive integer',
    );
    expect(() => scaleOutSettings({ ...defaults, 'scale-out-rate': '0' })).toThrow(
      'positive number',
    );
  });
});

describe('brokerPid', () => {
  it('reads the pid file, and is null without one or with garbage in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scale-out-options-'));
    try {
      writeFileSync(join(dir, 'ok'), '12345\n');
      writeFileSync(join(dir, 'bad'), 'nope');
      expect(brokerPid(join(dir, 'ok'))).toBe(12345);
      expect(brokerPid(join(dir, 'bad'))).toBeNull();
      expect(brokerPid(join(dir, 'missing'))).toBeNull();
      expect(brokerPid('')).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
