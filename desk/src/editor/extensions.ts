// The body's schema is exactly what the server keeps (src/articles/article-sanitizer.ts): paragraphs,
// h2–h6, lists, links, blockquote, bold/italic, line breaks, and library pictures as
// `<figure data-media-id="…"><figcaption>…</figcaption></figure>`. Marks and nodes the sanitizer drops
// (code, code blocks, rules, strike, underline, h1) are switched off so the editor cannot make them.
import { Node, mergeAttributes } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { CharacterCount } from '@tiptap/extensions';

export const MediaFigure = Node.create({
  name: 'mediaFigure',
  group: 'block',
  content: 'inline*',
  marks: 'bold italic',
  isolating: true,
  draggable: true,
  addAttributes() {
    return {
      mediaId: {
        default: null,
        parseHTML: (el) => el.getAttribute('data-media-id'),
        renderHTML: (attrs) => ({ 'data-media-id': attrs.mediaId as string | null }),
      },
    };
  },
  parseHTML() {
    return [
      {
        tag: 'figure[data-media-id]',
        // A figure without a caption still parses (its caption starts empty).
        contentElement: (dom) => dom.querySelector('figcaption') ?? document.createElement('figcaption'),
      },
    ];
  },
  renderHTML({ HTMLAttributes }) {
    return ['figure', mergeAttributes(HTMLAttributes), ['figcaption', 0]];
  },
});

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

export const bodyExtensions = [
  StarterKit.configure({
    code: false,
    codeBlock: false,
    horizontalRule: false,
    strike: false,
    underline: false,
    heading: { levels: [2, 3, 4, 5, 6] },
    link: {
      openOnClick: false,
      autolink: true,
      protocols: ['http', 'https', 'mailto'],
      isAllowedUri: (url) => SAFE_HREF.test(url),
      HTMLAttributes: { rel: 'noopener noreferrer', target: null, class: null },
    },
  }),
  MediaFigure,
  CharacterCount,
];
