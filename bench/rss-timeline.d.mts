export interface RssPart {
  upTo: number;
  peakMb: number | null;
  lastMb: number | null;
}
export function rssByProgress(
  rss: readonly [number, number][],
  progress: readonly [number, number][],
  total: number,
  parts?: number,
): RssPart[];
export function startMiddleEnd(
  timeline: readonly RssPart[],
): { start: number | null; middle: number | null; end: number | null } | null;
