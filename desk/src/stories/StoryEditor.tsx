import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';

/** The story editor (TipTap) is built on its own branch; this lazy chunk is where it goes. */
export function StoryEditor() {
  const { t } = useTranslation();
  const { id } = useParams();
  return (
    <section>
      <h1>{id ? id : t('stories.new')}</h1>
      <p>{t('placeholder.soon')}</p>
    </section>
  );
}
