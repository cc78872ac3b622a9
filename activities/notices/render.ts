// Renders one notice in one language: the entry points compose.ts uses.
import type { OfficeNoticeKind } from '../../workflows/definitions.js';
import type { Language } from '../../workflows/format.js';
import { OFFICE_TEMPLATES, TEMPLATES, type AnyNoticeKind, type NoticeContext, type NoticeText, type OfficeNoticeContext } from './templates.js';

export function renderNotice<K extends AnyNoticeKind>(kind: K, context: NoticeContext<K>, language: Language = 'id'): NoticeText {
  const template = TEMPLATES[kind] as (c: NoticeContext<K>) => Record<Language, NoticeText>;
  return template(context)[language];
}

export function renderOfficeNotice<K extends OfficeNoticeKind>(kind: K, context: OfficeNoticeContext<K>, language: Language = 'id'): NoticeText {
  const template = OFFICE_TEMPLATES[kind] as (c: OfficeNoticeContext<K>) => Record<Language, NoticeText>;
  return template(context)[language];
}
