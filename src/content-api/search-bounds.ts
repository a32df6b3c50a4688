/** How much work one search request may do (see ContentArticlesService.searchRows). */
export interface SearchBounds {
  /** How many of the newest rows a search walks per tier before it turns to the GIN index. */
  readonly window: number;
  /**
   * How many rows one request of a search the GIN index cannot decide (a phrase, an excluded word) may
   * examine before it answers with what it found and a cursor to continue from there.
   */
  readonly scanBudget: number;
}

/** The injection token of the SearchBounds the Content API runs with. */
export const SEARCH_BOUNDS = Symbol('SEARCH_BOUNDS');

export const SEARCH_WINDOW = 1000;
export const SEARCH_SCAN_BUDGET = 5 * SEARCH_WINDOW;

/** The bounds of the running service: fixed, so no caller can widen a request's work. */
export const DEFAULT_SEARCH_BOUNDS: SearchBounds = Object.freeze({
  window: SEARCH_WINDOW,
  scanBudget: SEARCH_SCAN_BUDGET,
});
