import path from 'node:path';
import { parseArchiveArgs } from './import-archive.command';

describe('parseArchiveArgs', () => {
  it('should read a file, its format and the options when the command line is complete', () => {
    expect(
      parseArchiveArgs([
        'wires.txt',
        '--format',
        'kazinform',
        '--as',
        'ed@agency.kz',
        '--resume',
        '--batch-size',
        '250',
        '--delimiter',
        ' %% ',
      ]),
    ).toEqual({
      source: path.resolve('wires.txt'),
      format: 'kazinform',
      email: 'ed@agency.kz',
      resume: true,
      batchSize: 250,
      delimiter: '%%',
    });
  });

  it('should say what is wrong when the command line is not', () => {
    expect(parseArchiveArgs(['a.ndjson'])).toBe('--format must be one of ndjson, ninjs, kazinform');
    expect(parseArchiveArgs(['a', 'b', '--format', 'ndjson'])).toBe('Name one file or folder');
    expect(parseArchiveArgs(['a', '--format', 'ndjson', '--batch-size', '0'])).toBe(
      '--batch-size must be an integer from 1 to 5000',
    );
    expect(parseArchiveArgs(['a', '--format', 'ndjson', '--delimiter=---'])).toBe(
      '--delimiter takes a non-empty line, for --format kazinform',
    );
    expect(parseArchiveArgs(['a', '--format', 'ndjson', '--force'])).toMatch(/^Unknown option '--force'/);
    expect(parseArchiveArgs(['a', '--format', 'kazinform', '--delimiter', '---'])).toMatch(
      /^Option '--delimiter' argument is ambiguous/,
    );
  });
});
