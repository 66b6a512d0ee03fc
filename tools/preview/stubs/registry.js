/** Data the preview's stand-ins serve: records by id, record errors by id, the GraphQL answer, navigations. */
export const registry = {
  records: {},
  recordErrors: {},
  graphql: undefined,
  navigations: [],
};
