// A node:test reporter that writes one JSON line per finished test: its file,
// the names of the suites around it, its name and its result.
// scripts/reliability.mjs turns them into the list of promises in
// docs/reliability.md (TAP does not say which file a test is in).
export default async function* promisesReporter(source) {
  // The names of the suites and tests started, per file and nesting level.
  const open = new Map();
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') {
      const stack = open.get(d.file) ?? [];
      stack.length = d.nesting;
      stack.push(d.name);
      open.set(d.file, stack);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Suites report too; only their tests are promises.
    if (d.details?.type === 'suite') continue;
    const suites = (open.get(d.file) ?? []).slice(0, d.nesting);
    yield `${JSON.stringify({
      file: d.file, suites, name: d.name,
      result: d.skip !== undefined || d.todo !== undefined ? 'skipped' : event.type === 'test:pass' ? 'pass' : 'fail',
    })}\n`;
  }
}
