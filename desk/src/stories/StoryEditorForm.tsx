import type { Editor } from '@tiptap/react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { AuthorsField, type AuthorPick } from '../editor/AuthorsField';
import { BodyEditor } from '../editor/BodyEditor';
import { ConflictDialog } from '../editor/ConflictDialog';
import { FeaturedPicture, type FeaturedValue } from '../editor/FeaturedPicture';
import { MediaPicker } from '../editor/MediaPicker';
import { StoryPanels } from '../editor/StoryPanels';
import { TagsField } from '../editor/TagsField';
import { TranslationBanner } from '../editor/TranslationBanner';
import { WorkflowPanel } from '../editor/WorkflowPanel';
import {
  type Article,
  type ArticleInput,
  type ConflictDetails,
  type TagOption,
  conflictOf,
  createArticle,
  getArticle,
  messageOf,
  saveArticle,
} from '../editor/api';
import { zonedLabel } from '../editor/time';

interface Fields {
  headline: string;
  subheadline: string;
  summary: string;
  language: string;
  place: string;
  body: string;
  authors: AuthorPick[];
  tags: TagOption[];
  featured: FeaturedValue | null;
}

const LANGUAGES = ['en', 'kk', 'ru'];
const DEFAULT_TIMEZONE = 'Asia/Almaty';

function fieldsOf(a: Article | null): Fields {
  return {
    headline: a?.headline ?? '',
    subheadline: a?.subheadline ?? '',
    summary: a?.summary ?? '',
    language: a?.language ?? 'en',
    place: a?.dateline.place ?? '',
    body: a?.body ?? '',
    authors: a?.authors.map((x) => ({ id: x.id, name: x.name, role: x.role })) ?? [],
    tags: a?.tags.map((x) => ({ id: x.id, name: x.name, slug: x.slug, kind: x.kind })) ?? [],
    featured: a?.featuredMedia
      ? { mediaId: a.featuredMedia.mediaId, caption: a.featuredMedia.caption }
      : null,
  };
}

function inputOf(f: Fields): ArticleInput {
  const orNull = (s: string) => (s.trim() === '' ? null : s);
  return {
    headline: f.headline,
    subheadline: orNull(f.subheadline),
    summary: orNull(f.summary),
    language: f.language,
    dateline: f.place.trim() ? { place: f.place.trim() } : null,
    body: f.body,
    authors: f.authors.map((a) => ({ id: a.id, role: a.role })),
    tags: f.tags.map((tag) => tag.id),
    featuredMedia: f.featured,
  };
}

/** The story form: fields, Save (Ctrl+S) with If-Match, the 412 dialog, then workflow and panels. */
export function StoryForm({ initial }: { initial: Article | null }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [base, setBase] = useState<Article | null>(initial);
  const [fields, setFields] = useState<Fields>(() => fieldsOf(initial));
  const [conflict, setConflict] = useState<ConflictDetails | null>(null);
  const [insertingPicture, setInsertingPicture] = useState(false);
  const editorRef = useRef<Editor | null>(null);
  // Unsaved edits: workflow actions apply to the saved version, so the panel says so.
  const [dirty, setDirty] = useState(false);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    setDirty(true);
    setFields((f) => ({ ...f, [key]: value }));
  };

  const save = useMutation({
    mutationFn: (input: ArticleInput) =>
      base ? saveArticle(base.id, base.version, input) : createArticle(input),
    onSuccess: (saved) => {
      qc.setQueryData(queryKeys.story(saved.id), saved);
      void qc.invalidateQueries({ queryKey: queryKeys.stories });
      setBase(saved);
      setDirty(false);
      if (!base) void navigate(`/stories/${saved.id}`, { replace: true });
    },
    onError: (error) => setConflict(conflictOf(error)),
  });
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;
  const doSave = useCallback(() => {
    if (save.isPending) return;
    // The body as the editor holds it (its schema is the server's allow-list), not as it was loaded.
    const editor = editorRef.current;
    const body = editor ? (editor.isEmpty ? '' : editor.getHTML()) : fieldsRef.current.body;
    save.mutate(inputOf({ ...fieldsRef.current, body }));
  }, [save]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        doSave();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [doSave]);

  const reloadTheirs = async () => {
    if (!base) return;
    const theirs = await getArticle(base.id);
    qc.setQueryData(queryKeys.story(theirs.id), theirs);
    setBase(theirs);
    setFields(fieldsOf(theirs));
    editorRef.current?.commands.setContent(theirs.body);
    setDirty(false);
    setConflict(null);
    save.reset();
  };

  const onReady = useCallback((editor: Editor) => {
    editorRef.current = editor;
  }, []);

  const timezone = base?.timezone ?? DEFAULT_TIMEZONE;
  const agency = base?.dateline.agency ?? null;
  const place = fields.place.trim();
  const datelineText = place ? (agency ? `${place}. ${agency} –` : `${place} –`) : null;
  const publishAt = base?.publication.publishedAt ?? base?.publication.scheduledAt ?? null;
  const when = zonedLabel(publishAt ? new Date(publishAt) : new Date(), timezone, i18n.language);
  const otherError = save.isError && !conflict ? messageOf(save.error) : null;

  return (
    <section className="story-editor">
      <h1>{base ? base.headline : t('stories.new')}</h1>
      {base && (
        <p className="meta">
          {t('editor.statusLine', {
            status: t(`status.${base.status}`, { defaultValue: base.status }),
            version: base.version,
          })}
        </p>
      )}
      {base && <TranslationBanner article={base} onChanged={setBase} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          doSave();
        }}
      >
        <label className="field">
          {t('editor.headline')}
          <input required value={fields.headline} onChange={(e) => set('headline', e.target.value)} />
        </label>
        <label className="field">
          {t('editor.subheadline')}
          <input value={fields.subheadline} onChange={(e) => set('subheadline', e.target.value)} />
        </label>
        <label className="field">
          {t('editor.place')}
          <input value={fields.place} onChange={(e) => set('place', e.target.value)} />
        </label>
        <p className="dateline-preview" aria-label={t('editor.datelinePreview')}>
          <strong>{datelineText ?? t('editor.noDateline')}</strong>{' '}
          <span>{t(publishAt ? 'editor.publishedAt' : 'editor.publishesAt', { when, timezone })}</span>
        </p>
        <label className="field">
          {t('editor.summary')}
          <textarea rows={3} value={fields.summary} onChange={(e) => set('summary', e.target.value)} />
        </label>
        <BodyEditor
          initialHtml={fields.body}
          onChange={(html) => set('body', html)}
          onReady={onReady}
          onInsertPicture={() => setInsertingPicture(true)}
        />
        <AuthorsField value={fields.authors} onChange={(v) => set('authors', v)} />
        <TagsField value={fields.tags} onChange={(v) => set('tags', v)} />
        <label className="field">
          {t('editor.language')}
          <select value={fields.language} onChange={(e) => set('language', e.target.value)}>
            {[...new Set([...LANGUAGES, fields.language])].map((l) => (
              <option key={l} value={l}>
                {t(`editor.languages.${l}`, { defaultValue: l })}
              </option>
            ))}
          </select>
        </label>
        <FeaturedPicture value={fields.featured} onChange={(v) => set('featured', v)} />
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {t('editor.save')}
          </button>
          {save.isSuccess && <span role="status">{t('editor.saved')}</span>}
        </div>
        {otherError && <p role="alert">{otherError}</p>}
      </form>
      {insertingPicture && (
        <MediaPicker
          onClose={() => setInsertingPicture(false)}
          onPick={(m) => {
            setInsertingPicture(false);
            editorRef.current
              ?.chain()
              .focus()
              .insertContent({ type: 'mediaFigure', attrs: { mediaId: m.id }, content: [] })
              .run();
          }}
        />
      )}
      {conflict && (
        <ConflictDialog
          conflict={conflict}
          mine={{ headline: fields.headline, bodyText: editorRef.current?.getText() ?? '' }}
          onReload={() => void reloadTheirs()}
          onClose={() => setConflict(null)}
        />
      )}
      {base && (
        <>
          <WorkflowPanel article={base} onChanged={setBase} unsaved={dirty} />
          <StoryPanels
            article={base}
            onRestored={(a) => {
              setBase(a);
              setFields(fieldsOf(a));
              editorRef.current?.commands.setContent(a.body);
              setDirty(false);
            }}
          />
        </>
      )}
    </section>
  );
}
