import { asInsertion } from './archive-publisher';

// What the publication statement computes from the stored body: head || lead || the rest of the stored body
// after head (counted in characters, as PostgreSQL's substr does), or the public body when sent whole.
function rebuilt(stored: string, parts: ReturnType<typeof asInsertion>): string {
  if (parts.html !== null) return parts.html;
  const chars = [...stored];
  return `${parts.head}${parts.lead}${chars.slice([...parts.head!].length).join('')}`;
}

describe('asInsertion', () => {
  it('should send only the dateline and the first tag when the public body is the stored one with the dateline in', () => {
    const stored = '<p>First paragraph.</p><p>Second.</p>';
    const pub = '<p><span class="dateline">ASTANA. KAZINFORM –</span> First paragraph.</p><p>Second.</p>';
    expect(asInsertion(pub, stored)).toEqual({
      html: null,
      head: '<p>',
      lead: '<span class="dateline">ASTANA. KAZINFORM –</span> ',
    });
    expect(asInsertion(stored, stored)).toEqual({ html: null, head: '', lead: '' });
  });

  it('should give back the public body from its parts for any pair, sending it whole when it is not an insertion', () => {
    const alphabet = ['<p>', '</p>', 'a', 'b', ' ', '😀', '\ud83d', '\ude00', 'Қ', '<span>', '–'];
    let a = 7;
    const next = () => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
    const text = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    let whole = 0;
    for (let i = 0; i < 5_000; i++) {
      const stored = text(Math.floor(next() * 8));
      const at = Math.floor(next() * (stored.length + 1));
      const pub =
        next() < 0.7
          ? stored.slice(0, at) + text(Math.floor(next() * 4)) + stored.slice(at)
          : text(Math.floor(next() * 8));
      const parts = asInsertion(pub, stored);
      if (parts.html !== null) whole += 1;
      else {
        expect(parts.head!.length + parts.lead!.length).toBeLessThanOrEqual(pub.length);
        expect(stored.startsWith(parts.head!)).toBe(true);
      }
      expect({ pub, stored, got: rebuilt(stored, parts) }).toEqual({ pub, stored, got: pub });
    }
    expect(whole).toBeGreaterThan(100);
    expect(whole).toBeLessThan(4_000);
  });
});
