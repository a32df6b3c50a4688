import { laneJobs } from './webhook-dispatcher.service';

describe('laneJobs', () => {
  it('should give one run per webhook, on the lane of its first new delivery, when a batch creates deliveries', () => {
    const created = [
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w1', articleId: 'a2' },
      { webhookId: 'w2', articleId: null },
      { webhookId: 'w1', articleId: 'a3' },
      { webhookId: 'w2', articleId: 'a1' },
      { webhookId: 'w3', articleId: 'a4' },
    ];
    expect(laneJobs(created)).toEqual([
      { webhookId: 'w1', articleId: 'a1' },
      { webhookId: 'w2', articleId: null },
      { webhookId: 'w3', articleId: 'a4' },
    ]);
  });

  it('should give nothing when a batch creates no delivery', () => {
    expect(laneJobs([])).toEqual([]);
  });
});
