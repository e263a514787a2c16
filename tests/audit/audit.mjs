// GraphQL-over-HTTP conformance audit (graphql-http's auditServer) against a running server.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Exit codes: 0 no MUST failed, 1 a MUST failed ('error' result), 2 bad usage or a fatal error.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}

// Failed audits hand back the Response; its body, when still unread, usually says why.
async function bodySnippet(response) {
  if (!response || response.bodyUsed) return '';
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '';
  }
}

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  // auditServer only throws for fatal problems, e.g. the server is unreachable.
  console.error(`audit could not run against ${url}:`, err);
  process.exit(2);
}

const order = { error: 0, warn: 1, notice: 2, ok: 3 };
results.sort((a, b) => order[a.status] - order[b.status] || a.id.localeCompare(b.id));

const counts = { ok: 0, error: 0, warn: 0, notice: 0 };
for (const result of results) {
  counts[result.status] += 1;
  let line = `[${result.status.padEnd(6)}] ${result.id} ${result.name}`;
  if (result.status !== 'ok') {
    const status = result.response ? `HTTP ${result.response.status}` : 'no response';
    const contentType = result.response?.headers?.get('content-type') ?? '-';
    const body = await bodySnippet(result.response);
    line += `\n           reason: ${result.reason}`;
    line += `\n           got: ${status}, content-type: ${contentType}`;
    if (body) line += `\n           body: ${body}`;
  }
  console.log(line);
}

console.log(
  `\ngraphql-http audit of ${url}: ${results.length} audits; ` +
    `ok=${counts.ok} error(MUST)=${counts.error} warn(SHOULD)=${counts.warn} notice(MAY)=${counts.notice}`,
);
process.exit(counts.error > 0 ? 1 : 0);
