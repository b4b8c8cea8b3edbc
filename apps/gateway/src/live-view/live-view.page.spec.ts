import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { LIVE_VIEW_CSP, LIVE_VIEW_HTML } from './live-view.page';

const inline = (tag: string) =>
  new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(LIVE_VIEW_HTML)![1];
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('live view page', () => {
  it('allows exactly its own inline script and style', () => {
    expect(LIVE_VIEW_CSP).toContain(`script-src ${hash(inline('script'))}`);
    expect(LIVE_VIEW_CSP).toContain(`style-src ${hash(inline('style'))}`);
    expect(LIVE_VIEW_CSP).toContain("default-src 'none'");
  });

  it('has a script that parses, and never writes data as HTML', () => {
    expect(() => new Script(inline('script'))).not.toThrow();
    expect(inline('script')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('opens the stream and polls the stats', () => {
    expect(LIVE_VIEW_HTML).toContain('/v1/stream/matches?');
    expect(LIVE_VIEW_HTML).toContain("fetch('/v1/stats'");
  });

  it('names jobs and candidates from the display fields, and splits the counters', () => {
    const script = inline('script');
    expect(script).toContain('event.display.jobs');
    expect(script).toContain('event.display.profiles');
    expect(script).toContain('stats.inputTopicRecords');
    expect(script).toContain('stats.matchesRelayedBy');
    expect(LIVE_VIEW_HTML).toContain('id="closed-section" hidden');
  });
});
