// fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document: values the schema allows
// (`valid`), values it refuses whatever else is sent (`invalid`), and anything at all (`hostile`).
// Only the keywords this service's document uses are mapped; an unknown one fails loudly.
import fc from 'fast-check';

export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  /** A $ref with its own description beside it (zod-openapi's shape for a described reference): all must hold. */
  allOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

const iso = (from: string, to: string) => fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true });

/** Characters no free text may hold, and strings that break careless code. */
export const FORBIDDEN_CHARACTERS = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff', '\u202e', '\u2066'];
const NASTY = ['', ' ', '\u0000', '\ud83d', '\u202eabc', '../../etc/passwd', "' OR '1'='1", '%00', '<script>alert(1)</script>', '${jndi:x}', 'null', '-1', '1e400', 'x'.repeat(5000), '🇮🇩'.repeat(50)];

export class SchemaArbitraries {
  constructor(private readonly components: Record<string, Schema>) {}

  resolve(schema: Schema): Schema {
    if (schema.allOf) {
      const { allOf, ...rest } = schema;
      return this.resolve(Object.assign({}, rest, ...allOf.map((part) => this.resolve(part))));
    }
    if (!schema.$ref) return schema;
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name ? this.components[name] : undefined;
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return this.resolve(target);
  }

  /** A value the schema allows (the server may still refuse it for a rule the schema cannot say). */
  valid(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const union = schema.anyOf ?? schema.oneOf;
    if (union) return fc.oneof(...union.map((s) => this.valid(s)));
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 1) return fc.oneof(...types.map((type) => this.valid({ ...schema, type })));
    switch (types[0]) {
      case 'string':
        return this.string(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? (schema.exclusiveMinimum ?? -1e9 - 1) + 1, max: schema.maximum ?? 1e9 });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.valid(schema.items ?? {}), { maxLength: 3 });
      case 'object': {
        const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, s]) => [key, this.valid(s)]));
        return fc.record(properties, { requiredKeys: schema.required ?? [] });
      }
      default:
        throw new Error(`no arbitrary for ${JSON.stringify(schema)}`);
    }
  }

  private string(schema: Schema): fc.Arbitrary<string> {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength ?? Math.max(min, 40);
    const fits = (value: string) => value.length >= min && value.length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(value));
    switch (schema.format) {
      case 'uuid':
        return fc.uuid();
      case 'date':
        return iso('1900-01-01', '2100-12-31').map((d) => d.toISOString().slice(0, 10));
      case 'date-time':
        return iso('1970-01-01', '2100-12-31').map((d) => d.toISOString());
      case 'email':
        return fc
          .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), fc.constantFrom('id', 'co.id', 'com', 'go.id'))
          .map(([local, domain, tld]) => `${local}@${domain}.${tld}`)
          .filter(fits);
    }
    // Free text (a pattern that only forbids characters): any Unicode text; else the pattern's own strings.
    if (!schema.pattern || schema.pattern.startsWith('^[^')) {
      // A grapheme may take several UTF-16 units (what maxLength counts): ask for few enough to fit mostly.
      const graphemes = Math.max(min, Math.min(50, Math.floor(max / 3)));
      return fc.string({ unit: fc.oneof(fc.constantFrom(...'abc XYZ 019.,-/'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: min, maxLength: graphemes }).filter(fits);
    }
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  }

  /** A value the schema refuses: one thing broken in an otherwise well-formed value. */
  invalid(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const wrongType = fc.constantFrom<unknown>(...(types.includes('string') || schema.anyOf || schema.enum ? [42, true, null, [], {}] : ['x', true, null, [], {}]));
    if (schema.enum || schema.anyOf || schema.oneOf) return fc.oneof(wrongType, fc.constantFrom('NOT-A-VALUE', 'new', '', '\u0000'));
    if (types[0] === 'string') {
      // Constrained strings break on a forbidden character; an unconstrained one only on its type.
      if (!schema.pattern && !schema.format) return wrongType;
      const broken = fc.tuple(this.valid(schema) as fc.Arbitrary<string>, fc.constantFrom(...FORBIDDEN_CHARACTERS), fc.nat()).map(([value, bad, at]) => {
        const i = value.length === 0 ? 0 : at % (value.length + 1);
        return value.slice(0, i) + bad + value.slice(i);
      });
      return fc.oneof(broken, wrongType);
    }
    if (types[0] === 'integer') {
      const outside = [schema.minimum !== undefined && schema.minimum - 1, schema.maximum !== undefined && schema.maximum + 1, schema.exclusiveMinimum].filter((n) => typeof n === 'number');
      return fc.oneof(wrongType, fc.constantFrom(1.5, -0.5, ...outside));
    }
    if (types[0] === 'object') return this.invalidObject(schema);
    return wrongType;
  }

  private invalidObject(schema: Schema): fc.Arbitrary<unknown> {
    const base = this.valid(schema) as fc.Arbitrary<Record<string, unknown>>;
    const keys = Object.keys(schema.properties ?? {});
    const mutations: fc.Arbitrary<unknown>[] = [fc.constantFrom<unknown>(null, [], 'text', 7)];
    if (keys.length > 0) {
      mutations.push(
        fc.tuple(base, fc.constantFrom(...keys)).chain(([value, key]) => this.invalid(schema.properties![key]!).map((bad) => ({ ...value, [key]: bad }))),
      );
    }
    if (schema.required?.length) {
      mutations.push(
        fc.tuple(base, fc.constantFrom(...schema.required)).map(([value, key]) => {
          const { [key]: _dropped, ...rest } = value;
          return rest;
        }),
      );
    }
    if (schema.additionalProperties === false) {
      mutations.push(fc.tuple(base, fc.constantFrom('extra', 'isAdmin', '__proto__x', 'stage')).map(([value, key]) => ({ ...value, [key]: 'x' })));
    }
    return fc.oneof(...mutations);
  }

  /** Anything: well-formed, broken, or nothing like the schema. */
  hostile(input: Schema): fc.Arbitrary<unknown> {
    return fc.oneof(
      { weight: 3, arbitrary: this.valid(input) },
      { weight: 3, arbitrary: this.invalid(input) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(...NASTY) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    );
  }
}
