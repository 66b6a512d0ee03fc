/**
 * Pulse's own ESLint rules: the boundaries that the import rules cannot say.
 * `pulse/sql-in-store`: SQL text against our tables lives in packages/server/src/store (query
 * modules and migrations) only, so every statement is found, reviewed and indexed in one place.
 */
'use strict';

// A SQL statement against Pulse's tables. Table names are snake_case; SOQL names Salesforce objects
// in PascalCase (`FROM Account`), so SOQL in sources/ does not match. Keywords in either case.
const kw = (w) => `(?:${w}|${w.toLowerCase()})`;
const TABLE = '"?[a-z_][a-z0-9_]*"?';
const SQL = new RegExp(
  [
    `\\b${kw('SELECT')}\\b[\\s\\S]*?\\b${kw('FROM')}\\s+(?:${TABLE}|\\(|${kw('UNNEST')})`,
    `\\b${kw('INSERT')}\\s+${kw('INTO')}\\s+${TABLE}`,
    `\\b${kw('UPDATE')}\\s+${TABLE}\\s+${kw('SET')}\\b`,
    `\\b${kw('DELETE')}\\s+${kw('FROM')}\\s+${TABLE}`,
    `\\b(?:${kw('CREATE')}|${kw('ALTER')}|${kw('DROP')})\\s+(?:${kw('TABLE')}|${kw('INDEX')}|${kw('SCHEMA')}|${kw('VIEW')})\\b`,
    `\\b${kw('ON')}\\s+${kw('CONFLICT')}\\b`,
    `\\b${kw('COPY')}\\s+${TABLE}\\s*(?:\\(|${kw('FROM')}|${kw('TO')})`,
    `\\b${kw('TRUNCATE')}\\s+${TABLE}`,
  ].join('|'),
);

/** The text of a string or template literal (expressions as a placeholder). */
function textOf(node) {
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : null;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' $x ');
  return null;
}

const sqlInStore = {
  meta: {
    type: 'problem',
    docs: { description: 'SQL text lives in packages/server/src/store (query modules and migrations) only' },
    schema: [],
    messages: {
      sql: 'pulse/sql-in-store: SQL text outside store/ ("{{snippet}}…"). Move the statement into a query module under packages/server/src/store and call it from here.',
    },
  },
  create(context) {
    const check = (node) => {
      const text = textOf(node);
      if (text === null || !SQL.test(text)) return;
      // A template literal inside a tagged template or a literal that is an object key is still SQL; report it.
      context.report({ node, messageId: 'sql', data: { snippet: text.trim().replace(/\s+/g, ' ').slice(0, 40) } });
    };
    return {
      Literal: check,
      TemplateLiteral(node) {
        if (node.parent && node.parent.type === 'TemplateLiteral') return;
        check(node);
      },
    };
  },
};

module.exports = { meta: { name: 'pulse' }, rules: { 'sql-in-store': sqlInStore }, SQL };
