import { createElement } from 'lwc';
import EngagementContributorShare from 'c/engagementContributorShare';

function createShare(props) {
  const element = createElement('c-engagement-contributor-share', { is: EngagementContributorShare });
  Object.assign(element, props);
  document.body.appendChild(element);
  return element;
}

describe('c-engagement-contributor-share', () => {
  it("shows a person's share as a percent with a text alternative and a bar as wide", async () => {
    const element = createShare({ share: 0.34 });
    const share = element.shadowRoot.querySelector('.share');
    expect(share.textContent).toBe('34%');
    // Jest resolves a custom label to its name, so the placeholder is left to see.
    expect(share.getAttribute('title')).toBe('c.Engagement_Share_Alt');
    const fill = element.shadowRoot.querySelector('.share-bar-fill');
    expect(fill.style.width).toBe('34%');
    expect(fill.classList.contains('kpi-fill')).toBe(false);
    await expect(element).toBeAccessible();
  });

  it("colours a KPI's bar apart", () => {
    const element = createShare({ share: 0.5, variant: 'kpi' });
    expect(element.shadowRoot.querySelector('.share-bar-fill').classList.contains('kpi-fill')).toBe(true);
    expect(element.shadowRoot.querySelector('.share').textContent).toBe('50%');
  });
});
