// The documents promise things the code must keep: PROTOCOL.md lists every
// domain-separation label with its use, and every test SECURITY.md names for
// P1-P12 exists under that name. A renamed or deleted test fails here, not
// silently in the threat model.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LABEL_USES, LABELS, type LabelName } from '../../shared/crypto/labels';
import { REPO_ROOT } from '../support/server-process';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
/** Curly apostrophes and plain ones are the same to a reader. */
const plain = (text: string) => text.replace(/[’‘]/g, "'");

/** Every `test/…` path a table row of SECURITY.md names, with the test titles after it ("›"-separated). */
function securityReferences(): { file: string; titles: string[] }[] {
  const refs: { file: string; titles: string[] }[] = [];
  for (const line of read('docs/SECURITY.md').split('\n')) {
    if (!line.startsWith('|')) continue;
    const cell = line.split('|')[1]!;
    for (const m of cell.matchAll(/`(test\/[^`]+)`([^`]*)/g)) {
      const parts = m[2]!.split('›').map((p) => p.trim().replace(/;$/, '').trim());
      // parts[0] is what precedes the first "›"; a title may be shortened with "…" and end in a "(…)" remark
      const titles = parts
        .slice(1)
        .map((p) => p.replace(/\s*\([^)]*\)$/, '').trim())
        .flatMap((p) =>
          p.split('…').map((s) =>
            s
              .trim()
              .replace(/^\.+|\.+$/g, '')
              .trim(),
          ),
        )
        .filter(Boolean);
      refs.push({ file: m[1]!, titles });
    }
  }
  return refs;
}

describe('docs/PROTOCOL.md', () => {
  it('lists every label of shared/crypto/labels.ts with its use', () => {
    const doc = read('docs/PROTOCOL.md');
    for (const name of Object.keys(LABELS) as LabelName[]) {
      const row = doc.split('\n').find((l) => l.startsWith('|') && l.includes(LABELS[name]));
      expect(row, LABELS[name]).toBeDefined();
      expect(row!.toLowerCase(), LABELS[name]).toContain(LABEL_USES[name]);
    }
  });
});

describe('docs/SECURITY.md', () => {
  const refs = securityReferences();

  it('names tests for P1 to P14', () => {
    const doc = read('docs/SECURITY.md');
    for (let p = 1; p <= 14; p++) expect(doc).toMatch(new RegExp(`^### P${p} `, 'm'));
    expect(refs.length).toBeGreaterThan(50);
  });

  it('names only test files that exist, and test titles found in them', () => {
    const missing: string[] = [];
    for (const { file, titles } of refs) {
      if (!existsSync(path.join(REPO_ROOT, file))) {
        missing.push(file);
        continue;
      }
      const source = plain(read(file));
      for (const t of titles) if (!source.includes(plain(t))) missing.push(`${file} › ${t}`);
    }
    expect(missing).toEqual([]);
  });
});

/** The repository's own documents: README.md and docs/*.md. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchorsIn = (file: string) =>
  new Set(
    read(file)
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  );

describe('links between documents', () => {
  it('every relative link in README.md and docs/ reaches a file, and its #anchor a heading', () => {
    const broken: string[] = [];
    for (const doc of DOCUMENTS) {
      for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file === '' ? doc : path.posix.join(path.posix.dirname(doc), file);
        if (!existsSync(path.join(REPO_ROOT, resolved))) broken.push(`${doc}: ${target}`);
        else if (anchor && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor))
          broken.push(`${doc}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no file in the repository names a document that is not in it', () => {
    const named = new Set(DOCUMENTS.map((d) => path.basename(d)));
    const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(
        (f) => /\.(ts|md|mjs|toml|json)$/.test(f) && !f.startsWith('bench/results/') && f !== 'package-lock.json',
      );
    const dangling: string[] = [];
    for (const f of files) {
      for (const [name] of read(f).matchAll(/\b[A-Z][A-Z0-9_-]*\.md\b/g))
        if (!named.has(name)) dangling.push(`${f}: ${name}`);
    }
    expect(dangling).toEqual([]);
  });
});
