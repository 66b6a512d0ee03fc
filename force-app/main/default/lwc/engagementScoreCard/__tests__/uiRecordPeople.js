/**
 * Answers the card's `getRecords` batch for contributors from a directory of Contact and Lead records, as the
 * UI API does for the current user: one result per requested id, status 200 with the record when the user can
 * see it, 404 otherwise (Salesforce does not tell a reader that a record they cannot see exists).
 * https://developer.salesforce.com/docs/platform/lwc/guide/reference-get-records.html
 * Not a test itself (jest runs only `*.test.js`); shared with the preview (tools/preview).
 */
const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

/** The `{ results }` of a getRecords config over `directory` (records by id); ids in `hidden` are not visible. */
export function answerGetRecords(config, directory, hidden = []) {
  const byId = new Map(directory.map((r) => [r.id, r]));
  const results = [];
  for (const batch of (config && config.records) || []) {
    for (const id of batch.recordIds || []) {
      const record = hidden.includes(id) ? undefined : byId.get(id);
      results.push(record ? { statusCode: 200, result: record } : { statusCode: 404, result: NOT_FOUND });
    }
  }
  return { results };
}
