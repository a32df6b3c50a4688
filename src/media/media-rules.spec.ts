import { safeFileName } from './media-intake';
import { cropRegion } from './media-renditions';
import { renditionKey, renditionUrl } from './media-urls';

describe('safeFileName', () => {
  it('should keep only a clean base name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\Фото 1.JPG')).toBe('Фото 1.JPG');
    expect(safeFileName('..hidden.jpg')).toBe('hidden.jpg');
    expect(safeFileName('a\u0000b\r\n<script>.png')).toBe('a_b___script_.png');
    expect(safeFileName('../')).toBeNull();
    expect(safeFileName(undefined)).toBeNull();
  });
});

describe('cropRegion', () => {
  const frame = { width: 2000, height: 1000 };
  it('should take the largest region of the ratio, centred on the focal point', () => {
    expect(cropRegion(frame, 1, { x: 0.5, y: 0.5 })).toEqual({
      left: 500,
      top: 0,
      width: 1000,
      height: 1000,
    });
    expect(cropRegion(frame, 16 / 9, { x: 0.5, y: 0.5 })).toEqual({
      left: 111,
      top: 0,
      width: 1778,
      height: 1000,
    });
  });
  it('should stay inside the frame when the focal point is near an edge', () => {
    expect(cropRegion(frame, 1, { x: 0, y: 1 })).toEqual({ left: 0, top: 0, width: 1000, height: 1000 });
    expect(cropRegion(frame, 1, { x: 0.95, y: 0 })).toEqual({
      left: 1000,
      top: 0,
      width: 1000,
      height: 1000,
    });
    expect(cropRegion({ width: 1000, height: 2000 }, 4 / 3, { x: 0.5, y: 0.9 })).toEqual({
      left: 0,
      top: 1250,
      width: 1000,
      height: 750,
    });
  });
});

describe('renditionUrl', () => {
  it('should build <base>/media/<id>/<name>-<hash>.<ext>, jpg for JPEG', () => {
    const r = { name: '16x9-w1024', hash: '0123456789abcdef', format: 'jpeg' as const };
    expect(renditionUrl('https://cdn.example.kz/', 'abc', r)).toBe(
      'https://cdn.example.kz/media/abc/16x9-w1024-0123456789abcdef.jpg',
    );
    expect(renditionKey('abc', { ...r, format: 'avif' })).toBe(
      'renditions/abc/16x9-w1024-0123456789abcdef.avif',
    );
  });
});
