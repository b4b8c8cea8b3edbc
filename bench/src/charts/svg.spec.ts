import { element, escapeXml, formatTick, text } from './svg';

describe('svg building blocks', () => {
  it('escapes text and attribute values', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    );
    expect(text(1, 2, '<b>')).toBe('<text x="1" y="2">&lt;b&gt;</text>');
    expect(element('g', { 'data-series': 'a"b', skipped: undefined })).toBe(
      '<g data-series="a&quot;b"/>',
    );
  });

  it('rounds coordinates to two decimals', () => {
    expect(element('circle', { cx: 1 / 3, cy: 2, r: 3.456 })).toBe(
      '<circle cx="0.33" cy="2" r="3.46"/>',
    );
  });

  it('formats tick labels compactly', () => {
    expect(formatTick(0.1 + 0.2)).toBe('0.3');
    expect(formatTick(12)).toBe('12');
    expect(formatTick(15000)).toBe('15k');
    expect(formatTick(2500000)).toBe('2.5M');
  });
});
