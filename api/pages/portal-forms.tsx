// Form pieces of the portal: an error summary linked to the fields, and inputs whose label, hint and error
// are tied together (aria-describedby), keeping what the person typed.
import type { Child } from 'hono/jsx';
import type { Language } from './i18n.js';
import { fieldLabel, pt, type PortalKey } from './portal-words.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The input's id for a field as the API names it: `incidentReport.date` → `f-incidentReport-date`. */
export const inputId = (field: string) => `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** A problem about a group of fields (the incident as a whole) links to the group's first field. */
const SUMMARY_TARGET: Partial<Record<string, string>> = { incidentReport: 'incidentReport.date' };

/** The API's reasons that have words of their own in both languages (any other: its own words in English, a hint in Indonesian). */
const KNOWN_REASONS: [RegExp, PortalKey][] = [
  [/in the future/, 'problem.future'],
  [/^does not agree with the birth date and sex/, 'problem.nikMismatch'],
  [/^PREGNANCY cannot be declared for sex M/, 'problem.pregnancyMale'],
  [/control characters|lone surrogate|bidirectional control/, 'problem.characters'],
  [/^must be at most \d+ characters|^Too big/, 'problem.tooLong'],
  [/^is required for a (lost|damaged) passport: when, where/, 'problem.incident'],
  [/^must be M or F/, 'problem.sex'],
  [/^must be an email address/, 'problem.email'],
  [/^must name at least one channel/, 'problem.channels'],
  [/^must be a full postal address/, 'problem.address'],
  [/^must be at least 10 characters/, 'problem.password'],
];

/** The API's field errors in plain words, in the page's language, under the form's own field names. */
export function fieldProblems(language: Language, errors: { field: string; reason: string }[] | undefined, hints: Partial<Record<string, PortalKey>> = {}): FieldProblem[] {
  const problems = (errors ?? []).map(({ field: raw, reason }) => {
    const field = raw.replace(/^json\./, '');
    const label = fieldLabel(language, field);
    if (reason === 'is required') return { field, message: pt(language, 'problem.required', { label }) };
    const known = KNOWN_REASONS.find(([pattern]) => pattern.test(reason));
    if (known) return { field, message: pt(language, known[1], { label }) };
    if (language === 'en') return { field, message: pt(language, 'problem.fieldInvalid', { label, reason }) };
    const hint = hints[field];
    const base = pt(language, 'problem.fieldInvalid', { label });
    return { field, message: hint ? `${base} ${pt(language, hint)}` : base };
  });
  // Two reasons can read alike (a NIK that disagrees with the birth date and with the sex): said once.
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field && q.message === p.message) === i);
}

export function ErrorSummary(props: { language: Language; problems: FieldProblem[]; message?: string }) {
  const { language, problems, message } = props;
  if (problems.length === 0 && !message) return null;
  return (
    // Focus moves to the summary without a script (autofocus), so a screen reader starts at what went wrong.
    <div class="alert" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary" autofocus>
      <h2 id="error-summary-title">{pt(language, 'errors.title')}</h2>
      {message && <p>{message}</p>}
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li>
              <a href={`#${inputId(SUMMARY_TARGET[p.field] ?? p.field)}`}>{p.message}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const errorOf = (problems: FieldProblem[], field: string) =>
  problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`)).map((p) => p.message).join(' ') || undefined;

interface FieldProps {
  language: Language;
  field: string;
  problems: FieldProblem[];
  hint?: string;
  required?: boolean;
  /** Required in some cases only (the incident for a lost or damaged passport): said instead of "optional". */
  requiredWhen?: PortalKey;
}

function RequiredMark(props: { language: Language; required?: boolean; requiredWhen?: PortalKey }) {
  const key: PortalKey = props.required ? 'required' : (props.requiredWhen ?? 'optional');
  return <span class="req">{pt(props.language, key)}</span>;
}

function Label(props: FieldProps & { id: string }) {
  const { language, field, required } = props;
  return (
    <label for={props.id}>
      {fieldLabel(language, field)} <RequiredMark language={language} required={required} requiredWhen={props.requiredWhen} />
    </label>
  );
}

/** A problem about the group as a whole (not one of its fields), said under the group's legend. */
export function GroupError(props: { field: string; problems: FieldProblem[] }) {
  const error = props.problems.filter((p) => p.field === props.field).map((p) => p.message).join(' ');
  return error ? (
    <p class="field-error" id={`${inputId(props.field)}-error`}>
      {error}
    </p>
  ) : null;
}

function described(id: string, hint: string | undefined, error: string | undefined) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

function HintAndError(props: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </>
  );
}

export function TextField(props: FieldProps & { value?: string; type?: string; autocomplete?: string; inputmode?: 'numeric' | 'tel' | 'email' | 'text'; multiline?: boolean; name?: string }) {
  const id = inputId(props.field);
  const error = errorOf(props.problems, props.field);
  const common = {
    id,
    name: props.name ?? props.field,
    'aria-describedby': described(id, props.hint, error),
    'aria-invalid': error ? 'true' : undefined,
    required: props.required,
    autocomplete: props.autocomplete,
  };
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <Label {...props} id={id} />
      <HintAndError id={id} hint={props.hint} error={error} />
      {props.multiline ? (
        <textarea {...common} rows={3}>
          {props.value ?? ''}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={props.value ?? ''} inputmode={props.inputmode} />
      )}
    </div>
  );
}

export function SelectField(props: FieldProps & { value?: string; options: { value: string; label: string }[]; empty?: string }) {
  const id = inputId(props.field);
  const error = errorOf(props.problems, props.field);
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <Label {...props} id={id} />
      <HintAndError id={id} hint={props.hint} error={error} />
      <select id={id} name={props.field} aria-describedby={described(id, props.hint, error)} aria-invalid={error ? 'true' : undefined} required={props.required}>
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radio buttons or checkboxes in a fieldset; the first one carries the id the error summary links to. */
export function ChoiceField(props: FieldProps & { values: string[]; options: { value: string; label: Child }[]; multiple?: boolean }) {
  const id = inputId(props.field);
  const error = errorOf(props.problems, props.field);
  return (
    <fieldset class={error ? 'field has-error' : 'field'} aria-describedby={described(id, props.hint, error)}>
      <legend>
        {fieldLabel(props.language, props.field)} <RequiredMark language={props.language} required={props.required} requiredWhen={props.requiredWhen} />
      </legend>
      <HintAndError id={id} hint={props.hint} error={error} />
      {props.options.map((o, i) => (
        <div class="choice">
          <input
            type={props.multiple ? 'checkbox' : 'radio'}
            id={i === 0 ? id : `${id}-${o.value}`}
            name={props.field}
            value={o.value}
            checked={props.values.includes(o.value)}
            aria-invalid={error ? 'true' : undefined}
          />
          <label for={i === 0 ? id : `${id}-${o.value}`}>{o.label}</label>
        </div>
      ))}
    </fieldset>
  );
}
