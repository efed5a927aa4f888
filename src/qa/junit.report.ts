// JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Jenkins) read for test results.
// Used by `switchboard replay --format junit` and `switchboard test --format junit`.

export interface JUnitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: { message: string; body: string };
  error?: { message: string; body: string };
}

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 cannot carry at all (ANSI escapes would be one); CR/LF/TAB are fine.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

export function junitXml(suiteName: string, cases: readonly JUnitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const time = cases.reduce((t, c) => t + (c.timeSeconds ?? 0), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${(c.timeSeconds ?? 0).toFixed(3)}"`;
    const problem = c.failure ? ['failure', c.failure] : c.error ? ['error', c.error] : null;
    if (!problem) {
      lines.push(`${open}/>`);
      continue;
    }
    const [tag, detail] = problem as ['failure' | 'error', { message: string; body: string }];
    lines.push(
      `${open}>`,
      `      <${tag} message="${escapeXml(detail.message)}">${escapeXml(detail.body)}</${tag}>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
