/**
 * The JSON shape of a payload type, as the generated validator checks it. Object types (and
 * complex union members) are named validators referenced by `ref`, which is how nested and
 * recursive types are expressed.
 */
export type PayloadShape =
  /** `any`/`unknown`: accepted as is. */
  | { readonly kind: "any" }
  | { readonly kind: "string" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "null" }
  /**
   * A `Date`: stored as its ISO string, validated as a `Date` or that string, and turned back into
   * a `Date` by the job's generated payload codec.
   */
  | { readonly kind: "date" }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "array"; readonly element: PayloadShape }
  | {
      readonly kind: "tuple";
      readonly elements: readonly TupleElementShape[];
      readonly rest: PayloadShape | null;
    }
  | { readonly kind: "record"; readonly value: PayloadShape }
  | {
      readonly kind: "object";
      readonly properties: readonly PropertyShape[];
      readonly index: PayloadShape | null;
    }
  | { readonly kind: "union"; readonly members: readonly PayloadShape[] }
  /**
   * A union of object types told apart by a literal property (`type: "created" | "deleted"`):
   * the failing path points inside the member the discriminant selects. `others` are the union's
   * simple members (null, literals, primitives).
   */
  | {
      readonly kind: "discriminated-union";
      readonly discriminant: string;
      readonly cases: readonly {
        readonly value: string | number | boolean;
        readonly member: PayloadShape;
      }[];
      readonly others: readonly PayloadShape[];
      readonly description: string;
    }
  /** A call to the named validator {@link NamedValidator} `name`. */
  | { readonly kind: "ref"; readonly name: string; readonly description: string };

export interface PropertyShape {
  readonly name: string;
  readonly optional: boolean;
  readonly shape: PayloadShape;
}

export interface TupleElementShape {
  readonly shape: PayloadShape;
  readonly optional: boolean;
}

/** A validator function of the generated module: checks `shape`, reports paths relative to its value. */
export interface NamedValidator {
  /** A valid identifier, unique in the generated module. */
  readonly name: string;
  readonly shape: PayloadShape;
}
