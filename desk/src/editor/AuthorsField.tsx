import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { type AuthorRole, searchAuthors } from './api';

export interface AuthorPick {
  id: string;
  name: string;
  role: AuthorRole;
}

const ROLES: AuthorRole[] = ['writer', 'editor', 'photographer', 'translator'];

/** The story's authors, in byline order, each with a role; added from /api/v1/authors. */
export function AuthorsField({
  value,
  onChange,
}: {
  value: AuthorPick[];
  onChange: (v: AuthorPick[]) => void;
}) {
  const { t } = useTranslation();
  const listId = useId();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: [...queryKeys.authors, 'search', q],
    queryFn: () => searchAuthors(q),
    enabled: q.trim().length > 0,
  });
  const options = (found.data?.data ?? []).filter((a) => !value.some((v) => v.id === a.id));

  const move = (i: number, by: number) => {
    const next = [...value];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item);
    onChange(next);
  };

  return (
    <div className="field">
      <label>
        {t('editor.authors')}
        <input
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('editor.authorsSearch')}
          aria-controls={options.length > 0 ? listId : undefined}
          autoComplete="off"
        />
      </label>
      {options.length > 0 && (
        <ul id={listId} className="suggestions" aria-label={t('editor.authorsFound')}>
          {options.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                onClick={() => {
                  onChange([...value, { id: a.id, name: a.name, role: 'writer' }]);
                  setQ('');
                }}
              >
                {t('editor.add', { name: a.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ol className="chosen" aria-label={t('editor.authorsChosen')}>
        {value.map((a, i) => (
          <li key={a.id}>
            <span>{a.name}</span>{' '}
            <select
              aria-label={t('editor.authorRole', { name: a.name })}
              value={a.role}
              onChange={(e) =>
                onChange(value.map((v) => (v.id === a.id ? { ...v, role: e.target.value as AuthorRole } : v)))
              }
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`editor.roles.${r}`)}
                </option>
              ))}
            </select>
            <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
              {t('editor.moveUp', { name: a.name })}
            </button>
            <button type="button" disabled={i === value.length - 1} onClick={() => move(i, 1)}>
              {t('editor.moveDown', { name: a.name })}
            </button>
            <button type="button" onClick={() => onChange(value.filter((v) => v.id !== a.id))}>
              {t('editor.remove', { name: a.name })}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
