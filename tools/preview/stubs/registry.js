/**
 * Data the preview's stand-ins serve: records by id, record errors by id, the contributors' Contact and Lead
 * records (and the ids the preview user may not see), the GraphQL answer, navigations.
 */
export const registry = {
  records: {},
  recordErrors: {},
  people: [],
  hiddenPeople: [],
  graphql: undefined,
  navigations: [],
};
