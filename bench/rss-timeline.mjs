// The importer's resident set over the run, by how far the import had got: flat memory shows as the same
// figure for the first tenth of the records as for the last, whatever the number of records.

/**
 * `rss`: samples [ms, MB]; `progress`: [ms, records imported] as the CLI reported them (increasing). Each
 * sample belongs to the part of the records the import was in when it was taken (the last progress report
 * at or before it; before the first, the first part). Answers, for each of `parts` equal parts of `total`,
 * the records it ends at, its peak and its last sample (null when no sample fell in it).
 */
export function rssByProgress(rss, progress, total, parts = 10) {
  const out = Array.from({ length: parts }, (_, i) => ({
    upTo: Math.round(((i + 1) * total) / parts),
    peakMb: null,
    lastMb: null,
  }));
  let p = -1;
  for (const [t, mb] of rss) {
    while (p + 1 < progress.length && progress[p + 1][0] <= t) p += 1;
    const records = p < 0 ? 0 : progress[p][1];
    const part = out[Math.min(parts - 1, Math.floor((records * parts) / total))];
    part.peakMb = part.peakMb === null ? mb : Math.max(part.peakMb, mb);
    part.lastMb = mb;
  }
  return out;
}

/** Start (the first part: start-up and the first records), middle and end (the last part) peaks of a timeline. */
export function startMiddleEnd(timeline) {
  const filled = timeline.filter((x) => x.peakMb !== null);
  if (filled.length === 0) return null;
  return {
    start: filled[0].peakMb,
    middle: filled[Math.floor((filled.length - 1) / 2)].peakMb,
    end: filled[filled.length - 1].peakMb,
  };
}
