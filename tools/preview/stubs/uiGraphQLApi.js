/** Stand-in for lightning/uiGraphQLApi: graphql answers every query with the registry's result (or function). */
import { registry } from './registry.js';

/** The platform parses the query; the stand-in only keeps its text. */
export function gql(strings, ...values) {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? values[i] : ''), '');
}

export class graphql {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
  }

  update(config) {
    this.config = config;
    this.emit();
  }

  connect() {
    this.emit();
  }

  disconnect() {}

  emit() {
    if (!this.config || registry.graphql === undefined) {
      return;
    }
    // A function answers each query by its variables; an object is a fixed answer.
    const answer = typeof registry.graphql === 'function' ? registry.graphql(this.config) : registry.graphql;
    this.dataCallback(
      answer.errors ? { data: undefined, errors: answer.errors } : { data: answer.data, errors: undefined },
    );
  }
}
