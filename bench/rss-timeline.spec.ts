import { rssByProgress, startMiddleEnd } from './rss-timeline.mjs';

describe('bench:import RSS timeline', () => {
  it('should put each sample in the part of the records reported last before it', () => {
    const rss: [number, number][] = [
      [0, 100], // start-up, before any report
      [1000, 150],
      [2000, 180],
      [3000, 170],
      [4000, 175],
      [5000, 160],
    ];
    const progress: [number, number][] = [
      [900, 10],
      [2500, 60],
      [4500, 100],
    ];
    expect(rssByProgress(rss, progress, 100, 4)).toEqual([
      { upTo: 25, peakMb: 180, lastMb: 180 },
      { upTo: 50, peakMb: null, lastMb: null },
      { upTo: 75, peakMb: 175, lastMb: 175 },
      { upTo: 100, peakMb: 160, lastMb: 160 },
    ]);
  });

  it('should answer start, middle and end peaks from the parts that have samples', () => {
    const timeline = [
      { upTo: 25, peakMb: 180, lastMb: 180 },
      { upTo: 50, peakMb: null, lastMb: null },
      { upTo: 75, peakMb: 175, lastMb: 175 },
      { upTo: 100, peakMb: 160, lastMb: 160 },
    ];
    expect(startMiddleEnd(timeline)).toEqual({ start: 180, middle: 175, end: 160 });
    expect(startMiddleEnd([{ upTo: 1, peakMb: null, lastMb: null }])).toBeNull();
  });
});
