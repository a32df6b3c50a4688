import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { getArticle, messageOf } from '../editor/api';
import { StoryForm } from './StoryEditorForm';

/** /stories/new and /stories/:id: loads the story (if any) and hands it to the form. */
export function StoryEditor() {
  const { t } = useTranslation();
  const { id } = useParams();
  const story = useQuery({
    queryKey: queryKeys.story(id ?? 'new'),
    queryFn: () => getArticle(id ?? ''),
    enabled: id !== undefined,
    // The form owns the text once loaded: no refetch behind the user's back.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (!id) return <StoryForm key="new" initial={null} />;
  if (story.isError) return <p role="alert">{messageOf(story.error)}</p>;
  if (!story.data) return <p>{t('editor.loadingStory')}</p>;
  return <StoryForm key={id} initial={story.data} />;
}
