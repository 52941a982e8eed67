// Inputs for fuzzing: fast-check arbitraries built from the JSON Schemas of
// /openapi.json (mostly plausible values, sometimes anything), mutations of
// a known-valid value, and random bytes.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

/** Values that often break parsers and range checks. */
const nasty = fc.constantFrom<unknown>(
  null,
  '',
  0,
  -1,
  2 ** 31,
  2 ** 32 + 1,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  -0,
  '0',
  'true',
  '__proto__',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '한국어',
  '\ud800',
  'A'.repeat(5000),
  [],
  {},
);

/** A value for `schema`: usually one that fits its types and patterns, sometimes anything. */
export function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fitting(schema, depth) },
    { weight: 1, arbitrary: nasty },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

function fitting(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      const max = Math.min(schema.maxLength ?? 100, 200);
      if (!schema.pattern) return fc.string({ minLength: Math.min(schema.minLength ?? 0, max), maxLength: max });
      return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? s.length));
    }
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 2 ** 31) }),
        fc.integer(),
      );
    case 'number':
      return fc.double();
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = schema.items && depth < 3 ? fromSchema(schema.items, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    }
    case 'object': {
      if (depth >= 3) return fc.object({ maxDepth: 1 });
      const props = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, v]) => [k, fromSchema(v, depth + 1)]),
      );
      const record = fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      // now and then an unknown extra key
      return fc
        .tuple(record, fc.option(fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }))))
        .map(([r, extra]) => (extra ? { ...r, [extra[0]]: extra[1] } : r));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Flips, truncates or extends a string: close to valid, rarely valid. */
const mutateString = (s: string) =>
  fc.oneof(
    fc
      .nat({ max: Math.max(0, s.length - 1) })
      .map((i) => s.slice(0, i) + String.fromCharCode(((s.charCodeAt(i) || 65) ^ 1) & 0x7f) + s.slice(i + 1)),
    fc.nat({ max: s.length }).map((i) => s.slice(0, i)),
    fc.string({ minLength: 1, maxLength: 8 }).map((x) => s + x),
  );

/** One change to a known-valid JSON value at a random place: drop, replace, retype or tweak a field. */
export function mutationOf(valid: unknown, schema?: JsonSchema): fc.Arbitrary<unknown> {
  if (typeof valid === 'string') return fc.oneof(mutateString(valid), nasty);
  if (typeof valid === 'number') return fc.oneof(fc.constantFrom(valid + 1, valid - 1, -valid, valid * 2 ** 32), nasty);
  if (valid === null || typeof valid !== 'object') return nasty;
  const entries = Object.entries(valid as Record<string, unknown>);
  if (entries.length === 0) return nasty;
  return fc.constantFrom(...entries.map(([k]) => k)).chain((key) => {
    const inner = (valid as Record<string, unknown>)[key];
    const innerSchema = schema?.properties?.[key] ?? (Array.isArray(valid) ? schema?.items : undefined);
    const copy = (v: unknown) =>
      Array.isArray(valid) ? Object.assign([...valid], { [key]: v }) : { ...(valid as object), [key]: v };
    return fc.oneof(
      fc.constant(
        Array.isArray(valid)
          ? valid.filter((_, i) => String(i) !== key)
          : Object.fromEntries(entries.filter(([k]) => k !== key)),
      ),
      mutationOf(inner, innerSchema).map(copy),
      (innerSchema ? fromSchema(innerSchema) : nasty).map(copy),
    );
  });
}

/** Random bytes, sent as a body or a frame. */
export const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 512 });
