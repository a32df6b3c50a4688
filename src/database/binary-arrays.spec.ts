import { jsonbArray, textArray } from './binary-arrays';

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return [...b];
};

describe('binary array parameters', () => {
  it('should lay out a text[] as PostgreSQL reads it: header, then each element by its UTF-8 length or -1 for null', () => {
    expect([...textArray(['a"b', null, 'Қé'])]).toEqual([
      ...int32(1), // one dimension
      ...int32(1), // holds a null
      ...int32(25), // text
      ...int32(3), // three elements
      ...int32(1), // from index 1
      ...int32(3),
      ...Buffer.from('a"b'),
      ...int32(-1),
      ...int32(4),
      ...Buffer.from('Қé'),
    ]);
  });

  it('should put the jsonb version byte in front of each JSON text and write an empty array with no dimension', () => {
    expect([...jsonbArray(['{"a":1}'])]).toEqual([
      ...int32(1),
      ...int32(0),
      ...int32(3802),
      ...int32(1),
      ...int32(1),
      ...int32(8),
      1,
      ...Buffer.from('{"a":1}'),
    ]);
    expect([...textArray([])]).toEqual([...int32(0), ...int32(0), ...int32(25)]);
  });
});
