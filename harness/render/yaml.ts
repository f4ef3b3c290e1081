// Pinned YAML serialisation so rendered artifacts are byte-stable (cdk8s's lesson).
import { stringify } from 'yaml';

export function toYaml(value: unknown, header?: string): string {
  const body = stringify(value, { lineWidth: 0, indent: 2, indentSeq: true, aliasDuplicateObjects: false });
  return header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n${body}` : body;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
