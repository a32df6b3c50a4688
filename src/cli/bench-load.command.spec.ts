import { mapLimit, datasetBodyToHtml } from './bench-load.command';

describe('bench:load helpers', () => {
  it('should turn blank-line separated paragraphs into escaped <p> elements', () => {
    expect(datasetBodyToHtml('LONDON, Jan 3 (PRN) - A & B <rise>.\n\n"Quote," he said.\n\n\n')).toBe(
      '<p>LONDON, Jan 3 (PRN) - A &amp; B &lt;rise&gt;.</p>\n<p>&quot;Quote,&quot; he said.</p>',
    );
  });

  it('should never run more than the limit at once and visit every item when all succeed', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('should stop starting new items and reject with the first error when one fails', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 5));
        if (n === 2) throw new Error('boom 2');
      }),
    ).rejects.toThrow('boom 2');
    expect(started.length).toBeLessThan(6);
  });
});
