import { laneJobs } from './webhook-dispatcher.service';
import { JOBS_PER_WEBHOOK } from './webhooks.constants';

describe('laneJobs', () => {
  it('should queue one job per lane, at most JOBS_PER_WEBHOOK per webhook, when a batch creates deliveries', () => {
    const created = [
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w1', articleId: 'a2' },
      { webhookId: 'w2', articleId: null },
      { webhookId: 'w1', articleId: 'a3' },
      { webhookId: 'w1', articleId: 'a4' },
      { webhookId: 'w2', articleId: 'a1' },
    ];
    expect(JOBS_PER_WEBHOOK).toBe(2);
    expect(laneJobs(created)).toEqual([
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w1', articleId: 'a2' },
      { webhookId: 'w2', articleId: null },
      { webhookId: 'w2', articleId: 'a1' },
    ]);
  });

  it('should queue nothing when a batch creates no delivery', () => {
    expect(laneJobs([])).toEqual([]);
  });
});
