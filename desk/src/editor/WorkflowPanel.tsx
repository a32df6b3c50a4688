import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { Dialog } from './Dialog';
import { StoryRecipients } from './StoryRecipients';
import { ZonedTimeInput } from './ZonedTimeInput';
import { type Article, type TransitionInput, messageOf, transition } from './api';

/**
 * One button per action in the story's allowedActions (the server decides; the desk never re-derives the
 * workflow). A published story's `publish` shows as Publish update, Correct and Clarify. Actions that need
 * more (a comment, a reason, a time, a notice) open a dialog first; Kill always asks to confirm.
 */
interface Button {
  key: string;
  action: string;
  change?: 'update' | 'correction' | 'clarification';
}

const NEEDS: Record<string, Array<'comment' | 'reason' | 'at' | 'embargo' | 'notice'>> = {
  return: ['comment'],
  kill: ['reason'],
  lift_embargo: ['reason'],
  schedule: ['at', 'embargo'],
  publish: ['embargo'],
  correct: ['notice'],
  clarify: ['notice'],
};

function buttonsOf(article: Article): Button[] {
  const out: Button[] = [];
  for (const action of article.allowedActions ?? []) {
    if (action === 'publish' && article.status === 'published') {
      out.push({ key: 'publishUpdate', action, change: 'update' });
      out.push({ key: 'correct', action, change: 'correction' });
      out.push({ key: 'clarify', action, change: 'clarification' });
    } else out.push({ key: action, action });
  }
  return out;
}

export function WorkflowPanel({
  article,
  onChanged,
  unsaved = false,
}: {
  article: Article;
  onChanged: (a: Article) => void;
  /** The form has edits not saved yet: actions apply to the saved version. */
  unsaved?: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState<Button | null>(null);
  const [text, setText] = useState('');
  const [at, setAt] = useState<Date | null>(null);
  const [embargo, setEmbargo] = useState<Date | null>(null);
  // A correction may put a notice on the story's published translations too.
  const [toTranslations, setToTranslations] = useState(false);
  const [translationText, setTranslationText] = useState('');
  const run = useMutation({
    mutationFn: (input: TransitionInput) => transition(article.id, article.version, input),
    onSuccess: (next) => {
      qc.setQueryData(queryKeys.story(next.id), next);
      void qc.invalidateQueries({ queryKey: queryKeys.stories });
      setOpen(null);
      onChanged(next);
    },
  });

  const needs = (b: Button) => (b.key === 'publishUpdate' ? [] : (NEEDS[b.key] ?? []));
  const start = (b: Button) => {
    run.reset();
    if (needs(b).length === 0) {
      run.mutate({ action: b.action, ...(b.change ? { change: b.change } : {}) });
      return;
    }
    setText('');
    setAt(null);
    setEmbargo(null);
    setToTranslations(false);
    setTranslationText('');
    setOpen(b);
  };
  const confirm = () => {
    if (!open) return;
    const n = needs(open);
    const input: TransitionInput = { action: open.action };
    if (open.change) input.change = open.change;
    if (n.includes('comment')) input.comment = text;
    if (n.includes('reason')) input.reason = text;
    if (n.includes('notice')) input.notice = text;
    if (n.includes('at') && at) input.at = at.toISOString();
    if (n.includes('embargo') && embargo) input.embargoUntil = embargo.toISOString();
    if (open.key === 'correct' && toTranslations) {
      input.noticeTranslations = true;
      if (translationText.trim()) input.translationNotice = translationText.trim();
    }
    run.mutate(input);
  };
  const n = open ? needs(open) : [];
  const textKind = n.find((x) => x === 'comment' || x === 'reason' || x === 'notice');
  const ready = (!textKind || text.trim() !== '') && (!n.includes('at') || at !== null);

  return (
    <section className="workflow" aria-labelledby="workflow-title">
      <h2 id="workflow-title">{t('editor.workflow.title')}</h2>
      {unsaved && <p className="warning">{t('editor.workflow.unsaved')}</p>}
      <div className="actions">
        {buttonsOf(article).map((b) => (
          <button key={b.key} type="button" disabled={run.isPending} onClick={() => start(b)}>
            {t(`editor.actions.${b.key}`)}
          </button>
        ))}
      </div>
      {run.isError && !open && <p role="alert">{messageOf(run.error)}</p>}
      <StoryRecipients article={article} />
      {open && (
        <Dialog
          title={t(`editor.workflow.dialog.${open.key}`, { defaultValue: t(`editor.actions.${open.key}`) })}
          onClose={() => setOpen(null)}
        >
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) confirm();
            }}
          >
            {open.key === 'kill' && <p>{t('editor.workflow.killWarning')}</p>}
            {textKind && (
              <label className="field">
                {t(`editor.workflow.${textKind}`)}
                <textarea required rows={3} value={text} onChange={(e) => setText(e.target.value)} />
              </label>
            )}
            {open.key === 'correct' && (
              <>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={toTranslations}
                    onChange={(e) => setToTranslations(e.target.checked)}
                  />
                  {t('editor.workflow.noticeTranslations')}
                </label>
                {toTranslations && (
                  <label className="field">
                    {t('editor.workflow.translationNotice')}
                    <textarea
                      rows={2}
                      value={translationText}
                      onChange={(e) => setTranslationText(e.target.value)}
                    />
                  </label>
                )}
              </>
            )}
            {n.includes('at') && (
              <ZonedTimeInput label={t('editor.workflow.at')} timezone={article.timezone} onChange={setAt} />
            )}
            {n.includes('embargo') && (
              <ZonedTimeInput
                label={t('editor.workflow.embargo')}
                timezone={article.timezone}
                onChange={setEmbargo}
              />
            )}
            {run.isError && <p role="alert">{messageOf(run.error)}</p>}
            <div className="actions">
              <button type="submit" disabled={!ready || run.isPending}>
                {t(`editor.workflow.confirm.${open.key}`, {
                  defaultValue: t('editor.workflow.confirmDefault'),
                })}
              </button>
              <button type="button" onClick={() => setOpen(null)}>
                {t('editor.cancel')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
