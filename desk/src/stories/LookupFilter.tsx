import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';

export interface LookupItem {
  id: string;
  name: string;
}

/**
 * A text field with suggestions for picking one tag or author by name: the list endpoints are
 * searched by prefix as one types, and the filter is set once the text names one of them exactly.
 */
export function LookupFilter(props: {
  label: string;
  value: string | undefined;
  queryKey: readonly unknown[];
  search: (q: string) => Promise<LookupItem[]>;
  resolve: (id: string) => Promise<LookupItem | null>;
  onChange: (id: string | undefined) => void;
}) {
  const { label, value, queryKey, search, resolve, onChange } = props;
  const id = useId();
  const [text, setText] = useState('');
  const selected = useQuery({
    queryKey: [...queryKey, 'one', value],
    queryFn: () => resolve(value!),
    enabled: !!value,
    staleTime: Infinity,
  });
  useEffect(() => {
    if (!value) setText('');
    else if (selected.data) setText(selected.data.name);
  }, [value, selected.data]);
  const q = text.trim();
  const options = useQuery({
    queryKey: [...queryKey, 'search', q],
    queryFn: () => search(q),
    enabled: q.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
  // The suggestions may arrive after the last keystroke: pick the one the text names then.
  useEffect(() => {
    const match = options.data?.find((o) => o.name === text);
    if (match && match.id !== value) onChange(match.id);
  }, [options.data, text, value, onChange]);
  return (
    <label>
      {label}
      <input
        id={id}
        list={`${id}-options`}
        value={text}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') onChange(undefined);
        }}
      />
      <datalist id={`${id}-options`}>
        {options.data?.map((o) => (
          <option key={o.id} value={o.name} />
        ))}
      </datalist>
    </label>
  );
}
