import { createElement } from 'lwc';
import EngagementSpinner from 'c/engagementSpinner';

describe('c-engagement-spinner', () => {
  it('announces its label as a status, defaulting to the loading label', async () => {
    const element = createElement('c-engagement-spinner', { is: EngagementSpinner });
    document.body.appendChild(element);
    const status = element.shadowRoot.querySelector('[role="status"]');
    expect(status.querySelector('.slds-spinner .slds-assistive-text').textContent).toBe('c.Engagement_Loading');

    element.label = 'Loading the leaderboard';
    await Promise.resolve();
    expect(status.textContent.trim()).toBe('Loading the leaderboard');
    await expect(element).toBeAccessible();
  });
});
