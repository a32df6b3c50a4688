import { useTranslation } from 'react-i18next';
import type { RevisionDiff } from './api';

/** A revision diff: the changed fields (old → new), then the body's words deleted and inserted. */
export function DiffView({ diff, label }: { diff: RevisionDiff; label: string }) {
  const { t } = useTranslation();
  const fields = diff.changes.filter((c) => c.field !== 'body' && c.field !== 'bodyText');
  return (
    <div className="diff" aria-label={label} role="group">
      {fields.length > 0 && (
        <ul>
          {fields.map((c) => (
            <li key={c.field}>
              {t(`editor.fieldNames.${c.field}`, { defaultValue: c.field })}:{' '}
              <del>{JSON.stringify(c.from)}</del> → <ins>{JSON.stringify(c.to)}</ins>
            </li>
          ))}
        </ul>
      )}
      <p className="words">
        {diff.body.map((w, i) =>
          w.op === 'insert' ? (
            <ins key={i}>{w.text}</ins>
          ) : w.op === 'delete' ? (
            <del key={i}>{w.text}</del>
          ) : (
            <span key={i}>{w.text}</span>
          ),
        )}
      </p>
    </div>
  );
}
