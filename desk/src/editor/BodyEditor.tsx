import { EditorContent, type Editor, useEditor, useEditorState } from '@tiptap/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { bodyExtensions } from './extensions';

interface Props {
  initialHtml: string;
  onChange: (html: string) => void;
  onReady: (editor: Editor) => void;
  onInsertPicture: () => void;
}

/** The story body (TipTap). The parent keeps the HTML; `onReady` hands it the editor for resets. */
export function BodyEditor({ initialHtml, onChange, onReady, onInsertPicture }: Props) {
  const { t } = useTranslation();
  const editor = useEditor({
    extensions: bodyExtensions,
    content: initialHtml,
    immediatelyRender: true,
    editorProps: {
      attributes: {
        'aria-label': t('editor.body'),
        role: 'textbox',
        'aria-multiline': 'true',
        class: 'body-editor',
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.isEmpty ? '' : e.getHTML()),
  });
  // TipTap does not re-render on typing: read the count through useEditorState (toolchain gotcha 4).
  const words = useEditorState({
    editor,
    selector: (c) => (c.editor?.storage.characterCount?.words() as number | undefined) ?? 0,
  });
  useEffect(() => {
    if (editor) onReady(editor);
  }, [editor, onReady]);

  const mark = (name: string, run: () => boolean) => (
    <button
      type="button"
      aria-pressed={editor?.isActive(name) ?? false}
      onClick={() => {
        run();
      }}
    >
      {t(`editor.toolbar.${name}`)}
    </button>
  );
  return (
    <div className="body-field">
      <div role="toolbar" aria-label={t('editor.toolbar.label')} className="toolbar">
        {editor && (
          <>
            {mark('bold', () => editor.chain().focus().toggleBold().run())}
            {mark('italic', () => editor.chain().focus().toggleItalic().run())}
            {mark('heading', () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
            {mark('bulletList', () => editor.chain().focus().toggleBulletList().run())}
            {mark('orderedList', () => editor.chain().focus().toggleOrderedList().run())}
            {mark('blockquote', () => editor.chain().focus().toggleBlockquote().run())}
            {mark('link', () => {
              const href = globalThis.prompt?.(t('editor.toolbar.linkPrompt')) ?? '';
              if (!href) return editor.chain().focus().unsetLink().run();
              return editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
            })}
            <button type="button" onClick={onInsertPicture}>
              {t('editor.toolbar.picture')}
            </button>
          </>
        )}
      </div>
      <EditorContent editor={editor} />
      <p className="word-count" aria-live="polite">
        {t('editor.words', { count: words })}
      </p>
    </div>
  );
}
