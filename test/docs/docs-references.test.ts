// The documents promise things the code must keep: PROTOCOL.md lists every
// domain-separation label with its use, and every test SECURITY.md names for
// P1-P12 exists under that name. A renamed or deleted test fails here, not
// silently in the threat model.
import { existsSync, readFileSync } from 'node:fs';
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
        .flatMap((p) => p.split('…').map((s) => s.trim().replace(/^\.+|\.+$/g, '').trim()))
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

  it('names tests for P1 to P12', () => {
    const doc = read('docs/SECURITY.md');
    for (let p = 1; p <= 12; p++) expect(doc).toMatch(new RegExp(`^### P${p} `, 'm'));
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
