import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { hasRole, useSession } from '../api/session';
import { type TagOption, createTag, messageOf, searchTags } from './api';

/** Tags typed with autocompletion from /api/v1/tags; editors may create a missing one inline. */
export function TagsField({ value, onChange }: { value: TagOption[]; onChange: (v: TagOption[]) => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const qc = useQueryClient();
  const listId = useId();
  const [q, setQ] = useState('');
  const typed = q.trim();
  const found = useQuery({
    queryKey: [...queryKeys.tags, 'search', typed],
    queryFn: () => searchTags(typed),
    enabled: typed.length > 0,
  });
  const options = (found.data?.data ?? []).filter((tag) => !value.some((v) => v.id === tag.id));
  const exact = found.data?.data.find((tag) => tag.name.toLowerCase() === typed.toLowerCase());
  const add = (tag: TagOption) => {
    if (!value.some((v) => v.id === tag.id)) onChange([...value, tag]);
    setQ('');
  };
  const create = useMutation({
    mutationFn: createTag,
    onSuccess: (tag) => {
      void qc.invalidateQueries({ queryKey: queryKeys.tags });
      add(tag);
    },
  });

  return (
    <div className="field">
      <label>
        {t('editor.tags')}
        <input
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            if (exact) add(exact);
            else if (options.length === 1) add(options[0]);
          }}
          placeholder={t('editor.tagsSearch')}
          aria-controls={listId}
          autoComplete="off"
        />
      </label>
      <ul id={listId} className="suggestions" aria-label={t('editor.tagsFound')}>
        {options.map((tag) => (
          <li key={tag.id}>
            <button type="button" onClick={() => add(tag)}>
              {t('editor.add', { name: tag.name })}
            </button>
          </li>
        ))}
        {typed && found.isSuccess && !exact && hasRole(user, 'editor') && (
          <li>
            <button type="button" disabled={create.isPending} onClick={() => create.mutate(typed)}>
              {t('editor.createTag', { name: typed })}
            </button>
          </li>
        )}
      </ul>
      {create.isError && <p role="alert">{messageOf(create.error)}</p>}
      <ul className="chosen tags" aria-label={t('editor.tagsChosen')}>
        {value.map((tag) => (
          <li key={tag.id}>
            {tag.name}{' '}
            <button type="button" onClick={() => onChange(value.filter((v) => v.id !== tag.id))}>
              {t('editor.remove', { name: tag.name })}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
