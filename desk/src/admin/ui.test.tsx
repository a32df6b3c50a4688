import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminTable, type Column, useKeysetList } from './ui';

interface Row {
  id: string;
  name: string;
}

const columns: Column<Row>[] = [
  { header: 'Name', cell: (r) => r.name },
  {
    header: 'Actions',
    className: 'row-actions',
    cell: (r) => <button type="button">{`Edit ${r.name}`}</button>,
  },
];

/** A keyset list over `pages` (the cursor is the next page's index), shown in an AdminTable. */
function Table({ pages, empty }: { pages: Row[][]; empty?: string | null }) {
  const list = useKeysetList<Row>(['ui-test', pages.length], (cursor) => {
    const i = Number(cursor ?? '0');
    return Promise.resolve({
      data: pages[i],
      meta: { nextCursor: i + 1 < pages.length ? String(i + 1) : null },
    });
  });
  return (
    <>
      <AdminTable list={list} columns={columns} empty={empty} />
      {list.query.isSuccess && <p>Loaded.</p>}
    </>
  );
}

const renderTable = (pages: Row[][], empty?: string | null) =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Table pages={pages} empty={empty} />
    </QueryClientProvider>,
  );

describe('AdminTable', () => {
  it('should show a header row, one row per item with each column, and load the next page on Load more', async () => {
    renderTable([[{ id: '1', name: 'Ada' }], [{ id: '2', name: 'Bo' }]]);
    await screen.findByText('Ada');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Actions']);
    const cells = within(screen.getAllByRole('row')[1]).getAllByRole('cell');
    expect(cells.map((c) => c.textContent)).toEqual(['Ada', 'Edit Ada']);
    expect(cells[1].className).toBe('row-actions');
    expect(cells[0].hasAttribute('class')).toBe(false);

    await userEvent.setup().click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('Bo');
    expect(screen.getAllByRole('row')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('should say the list is empty, in its own words or not at all, and show no table', async () => {
    const { unmount } = renderTable([[]]);
    await screen.findByText('Nothing here yet.');
    expect(screen.queryByRole('table')).toBeNull();
    unmount();

    renderTable([[]], 'No keys yet.');
    await screen.findByText('No keys yet.');
  });

  it('should say nothing for an empty list when told not to', async () => {
    renderTable([[]], null);
    await screen.findByText('Loaded.');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByText('Nothing here yet.')).toBeNull();
  });
});
