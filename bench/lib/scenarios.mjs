// The four read scenarios of the yardstick (../shared/bench), as each server spells them, shared by
// `npm run bench` (run.mjs) and `npm run bench:live` (live.mjs).

/** Scenario paths with the yardstick's placeholders; Dateline's C is found at run time (`datelinePage10Path`). */
export const SCENARIO_PATHS = Object.freeze({
  baseline: Object.freeze({
    A: '/api/v1/content/articles/{slug}',
    B: '/api/v1/content/articles?tag={tag}&limit=20',
    C: '/api/v1/content/articles?page=10&limit=20',
    D: '/api/v1/content/search?q={word}&limit=20',
  }),
  dateline: Object.freeze({
    A: '/api/v1/content/articles/{slug}',
    B: '/api/v1/content/articles?tag={tag}&limit=20',
    C: null,
    D: '/api/v1/content/articles?q={word}&limit=20',
  }),
});

/** Scenario C for Dateline: walk 9 pages of 20 by cursor, then page 10 is the one measured. */
export async function datelinePage10Path(base) {
  let cursor = null;
  for (let page = 1; page <= 9; page++) {
    const url = `${base}/api/v1/content/articles?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await fetch(url);
    if (!r.ok) throw new Error(`C: page ${page} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    const body = await r.json();
    cursor = body?.meta?.nextCursor;
    if (!cursor) throw new Error(`C: page ${page} has no meta.nextCursor`);
  }
  return `/api/v1/content/articles?cursor=${encodeURIComponent(cursor)}&limit=20`;
}
