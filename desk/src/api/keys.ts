// Query keys shared by every screen, so a change seen by the poller refreshes whatever shows it.
export const queryKeys = {
  session: ['session'] as const,
  stories: ['stories'] as const,
  storyList: (filters: object) => ['stories', 'list', filters] as const,
  story: (id: string) => ['story', id] as const,
  tags: ['tags'] as const,
  authors: ['authors'] as const,
  pictures: ['pictures'] as const,
  picture: (id: string) => ['pictures', 'one', id] as const,
};
