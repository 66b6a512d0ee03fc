/**
 * A stand-in for the GraphQL UI API's `uiapi { query { Account(...) } }`, over plain Account records, so the
 * leaderboard's tests (and the preview) answer the variables the component sends instead of a canned list.
 * Not a test itself (jest runs only `*.test.js`); kept out of deploys by .forceignore (`__tests__`).
 *
 * What it does, as Salesforce documents the GraphQL API:
 * - `where` (`Account_Filter`): `and`/`or`/`not` and the operators `eq`, `ne`, `in`, `nin`, `gt`, `gte`, `lt`, `lte`
 *   (https://developer.salesforce.com/docs/platform/graphql/guide/filter-fields.html);
 * - `orderBy` (`Account_OrderBy`): one entry per field, in the order given, `order` ASC (default) or DESC, `nulls`
 *   FIRST (default) or LAST (https://developer.salesforce.com/docs/platform/graphql/guide/order-schema.html);
 * - `first` (default 10) and `after` with `pageInfo { hasNextPage endCursor }`, the Cursor Connections pagination
 *   (https://developer.salesforce.com/docs/platform/graphql/guide/graphql-wire-lwc-paginate.html);
 * - field aliases (`score: Engagement_Score__c { value }`): the answer is keyed by the alias, which is what keeps a
 *   namespaced package's answer readable (https://developer.salesforce.com/docs/platform/graphql/guide/graphql-wire-lwc-namespace.html).
 */

/** The field selections of the query text: `[{ key, field, displayValue }]` (key = alias or field name). */
export function selectionsOf(query) {
  const out = [];
  const body = String(query || '');
  const re = /(?:(\w+)\s*:\s*)?(\w+)\s*\{\s*value(\s+displayValue)?\s*\}/g;
  let m;
  while ((m = re.exec(body))) {
    out.push({ key: m[1] || m[2], field: m[2], displayValue: !!m[3] });
  }
  return out;
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function matches(record, where) {
  if (!where) return true;
  return Object.entries(where).every(([key, cond]) => {
    if (key === 'and') return cond.every((c) => matches(record, c));
    if (key === 'or') return cond.some((c) => matches(record, c));
    if (key === 'not') return !matches(record, cond);
    const v = record[key] === undefined ? null : record[key];
    return Object.entries(cond).every(([op, want]) => {
      switch (op) {
        case 'eq':
          return v === want;
        case 'ne':
          return v !== want;
        case 'in':
          return want.includes(v);
        case 'nin':
          return !want.includes(v);
        case 'gt':
          return v !== null && compare(v, want) > 0;
        case 'gte':
          return v !== null && compare(v, want) >= 0;
        case 'lt':
          return v !== null && compare(v, want) < 0;
        case 'lte':
          return v !== null && compare(v, want) <= 0;
        default:
          throw new Error(`uiapi stand-in: unsupported operator ${op} on ${key}`);
      }
    });
  });
}

function sorter(orderBy) {
  const keys = Object.entries(orderBy || {});
  return (a, b) => {
    for (const [field, { order = 'ASC', nulls }] of keys) {
      const desc = order === 'DESC';
      const nullsLast = nulls === 'LAST';
      const x = a[field] === undefined ? null : a[field];
      const y = b[field] === undefined ? null : b[field];
      if (x === null || y === null) {
        if (x !== y) return (x === null) === nullsLast ? 1 : -1;
        continue;
      }
      const c = compare(x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

/** Answers an Account query over `records` (plain objects keyed by API name) as the wire adapter's `data`. */
export function answerAccountQuery(records, query, variables = {}) {
  const { where, orderBy, first = 10, after = null } = variables;
  const list = records.filter((r) => matches(r, where)).sort(sorter(orderBy));
  const start = after ? Number(String(after).replace(/^cursor:/, '')) + 1 : 0;
  const page = list.slice(start, start + first);
  const selections = selectionsOf(query);
  const edges = page.map((record) => {
    const node = { Id: record.Id };
    for (const s of selections) {
      const value = record[s.field] === undefined ? null : record[s.field];
      node[s.key] = s.displayValue ? { value, displayValue: value } : { value };
    }
    return { node };
  });
  const last = start + page.length - 1;
  return {
    uiapi: {
      query: {
        Account: {
          edges,
          pageInfo: {
            hasNextPage: start + page.length < list.length,
            endCursor: page.length ? `cursor:${last}` : null,
          },
        },
      },
    },
  };
}
