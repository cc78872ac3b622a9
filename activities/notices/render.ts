// Renders one notice in one language: the only entry point the sending activity needs.
import type { Language } from './format.js';
import { TEMPLATES, type AnyNoticeKind, type NoticeContext, type NoticeText } from './templates.js';

export function renderNotice<K extends AnyNoticeKind>(kind: K, context: NoticeContext<K>, language: Language = 'id'): NoticeText {
  const template = TEMPLATES[kind] as (c: NoticeContext<K>) => Record<Language, NoticeText>;
  return template(context)[language];
}
