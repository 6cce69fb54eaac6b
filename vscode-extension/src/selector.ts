// Which documents tonecheck checks. Pure.

export const LANGUAGES = ['plaintext', 'markdown', 'email'] as const;
export const SCHEMES = ['file', 'untitled'] as const;
export const FILE_PATTERNS = ['**/*.eml', '**/*.txt'] as const;

export interface Filter { scheme: string; language?: string; pattern?: string }

/** Plain text, Markdown and e-mail drafts, saved (`file`) or not yet (`untitled`); plus *.eml / *.txt files. */
export function documentSelector(): Filter[] {
  return [
    ...SCHEMES.flatMap((scheme) => LANGUAGES.map((language) => ({ scheme, language }))),
    ...FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
  ];
}
