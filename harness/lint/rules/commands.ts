// Shell commands out of commands.sh and the fenced blocks of COMMANDS.md, continuation lines joined.
import type { TextArtifact } from '../types.ts';

export interface CommandLine {
  line: number;
  text: string;
  words: string[];
}

/** Splits on blanks, honouring single and double quotes (enough for helm/flytectl lines). */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

export function commandLines(a: TextArtifact): CommandLine[] {
  const lines = a.text.split('\n');
  const md = /\.md$/i.test(a.file);
  let inFence = !md;
  const out: CommandLine[] = [];
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, i) => {
    if (md && /^\s*```/.test(raw)) {
      inFence = !inFence;
      return;
    }
    if (!inFence) return;
    let l = raw.replace(/^\s*\$\s+/, '');
    if (!pending && /^\s*#/.test(l)) return;
    const cont = /\\\s*$/.test(l);
    l = l.replace(/\\\s*$/, '');
    pending = pending ? { line: pending.line, text: `${pending.text} ${l.trim()}` } : { line: i + 1, text: l.trim() };
    if (!cont) {
      if (pending.text !== '') out.push({ ...pending, words: shellWords(pending.text) });
      pending = undefined;
    }
  });
  if (pending && pending.text !== '') out.push({ ...pending, words: shellWords(pending.text) });
  return out;
}

/** Positional arguments after `start`, skipping flags and the values of flags that take one. */
export function positionals(words: string[], start: number, valueFlags: ReadonlySet<string>): { word: string; index: number }[] {
  const out: { word: string; index: number }[] = [];
  for (let i = start; i < words.length; i++) {
    const w = words[i] as string;
    if (/^(\||&&|;|\|\||>|<)/.test(w)) break;
    if (w.startsWith('-')) {
      if (!w.includes('=') && valueFlags.has(w)) i++;
      continue;
    }
    out.push({ word: w, index: i });
  }
  return out;
}
