import { LightningElement } from 'lwc';
import { request, setCsrfToken, errorText } from 'console/api';

/** The public sign-in page: Salesforce (production or sandbox login) or the bootstrap token. */
export default class Signin extends LightningElement {
  token = '';
  error = '';
  busy = false;

  get failure() {
    const reason = new URLSearchParams(window.location.search).get('error');
    return reason ? `Sign-in failed: ${reason}` : '';
  }

  handleToken(event) {
    this.token = event.target.value;
  }

  async handleSubmit(event) {
    event.preventDefault();
    this.error = '';
    if (!this.token.trim()) {
      this.error = 'Enter the bootstrap token that pulse admin token printed.';
      return;
    }
    this.busy = true;
    try {
      const answer = await request('POST', '/auth/token', { token: this.token.trim() });
      setCsrfToken(answer && answer.csrfToken);
      window.location.assign('/console/connect');
    } catch (error) {
      this.error =
        error.code === 'BAD_TOKEN'
          ? 'That token is not valid (pulse admin token prints a new one).'
          : error.code === 'TOO_MANY_SIGNINS'
            ? 'Too many failed sign-ins; wait a minute and try again.'
            : errorText(error);
    } finally {
      this.busy = false;
    }
  }
}
