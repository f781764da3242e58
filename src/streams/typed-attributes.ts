/**
 * Typed attributes: facts about a stream (a socket's remote address, the TLS version,
 * a process id) that can be looked up through any number of wrappers. AnyIO's
 * `typed_attribute()`, `TypedAttributeSet` and `TypedAttributeProvider`.
 *
 * An attribute is a unique key object that carries the type of its value, so
 * `stream.extra(SocketAttribute.remoteAddress)` is typed without a cast. A stream lists
 * what it knows in `extraAttributes` (a map from attribute to a getter); a wrapper
 * returns the map of the stream it wraps, with its own entries added or overriding, so
 * a lookup on the outermost wrapper finds the attributes of every layer below.
 *
 * @module
 */
import { TypedAttributeLookupError } from "../core/errors.ts";

/** The type-only slot that carries an attribute's value type; nothing is stored there. */
declare const valueType: unique symbol;

/** Names given by typedAttribute(name) or by typedAttributeSet(); for messages only. */
const names = new WeakMap<TypedAttribute<unknown>, string>();

/**
 * A key for a typed attribute whose value has type `T`. Two attributes are the same
 * only if they are the same object, so independent libraries can never clash. Make one
 * with {@link typedAttribute}.
 *
 * `T` is covariant: a `TypedAttribute<"a">` can be used where a `TypedAttribute<string>`
 * is expected (looking it up yields a string either way).
 *
 * @example
 * ```ts
 * import { TypedAttribute, typedAttribute } from "structio";
 *
 * const userId = typedAttribute<number>("userId");
 * console.log(userId instanceof TypedAttribute, userId.name); // true "userId"
 * ```
 */
export class TypedAttribute<out T> {
  /** Type-only: ties the key to its value type. Never set; absent at run time. */
  declare readonly [valueType]?: T;

  /**
   * Prefer {@link typedAttribute}. `name` is only for messages (an attribute's identity
   * is the object itself).
   */
  constructor(name?: string) {
    if (name !== undefined) {
      if (typeof name !== "string") throw new TypeError(`name must be a string, not ${typeof name}`);
      names.set(this, name);
    }
  }

  /**
   * The attribute's name for messages: the one given to {@link typedAttribute}, else
   * `Set.key` from the {@link typedAttributeSet} it was first put in, else "anonymous".
   */
  get name(): string {
    return names.get(this) ?? "anonymous";
  }

  /** `TypedAttribute(name)`, for messages and debugging. */
  toString(): string {
    return `TypedAttribute(${this.name})`;
  }
}

/**
 * Makes a new, unique typed attribute whose values have type `T`. `name` only appears
 * in messages; leave it out for attributes defined in a {@link typedAttributeSet},
 * which names them after the set and key.
 *
 * @throws {TypeError} if `name` is given and is not a string.
 *
 * @example
 * ```ts
 * import { typedAttribute } from "structio";
 *
 * const requestId = typedAttribute<string>("requestId");
 * console.log(String(requestId)); // "TypedAttribute(requestId)"
 * ```
 */
export function typedAttribute<T>(name?: string): TypedAttribute<T> {
  return new TypedAttribute<T>(name);
}

/**
 * Groups related typed attributes under one name, as AnyIO's `TypedAttributeSet`
 * subclasses do (`SocketAttribute.remoteAddress`): returns a frozen copy of
 * `attributes`, and gives each attribute that has no name yet the name `name.key`, so
 * lookup errors say which attribute was missing.
 *
 * Every value must be a typed attribute, as AnyIO requires every public member of a set
 * to be one: a stray value is a mistake caught here rather than at lookup.
 *
 * @throws {TypeError} if `name` is not a non-empty string, `attributes` is not an
 *   object, or one of its values is not a {@link TypedAttribute} (naming the key).
 *
 * @example
 * ```ts
 * import { typedAttribute, typedAttributeSet } from "structio";
 *
 * const HttpAttribute = typedAttributeSet("HttpAttribute", {
 *   method: typedAttribute<string>(),
 *   path: typedAttribute<string>(),
 * });
 * console.log(HttpAttribute.method.name); // "HttpAttribute.method"
 * ```
 */
export function typedAttributeSet<const A extends Readonly<Record<string, TypedAttribute<unknown>>>>(
  name: string,
  attributes: A,
): Readonly<A> {
  if (typeof name !== "string" || name === "") throw new TypeError("name must be a non-empty string");
  if (typeof attributes !== "object" || attributes === null) {
    throw new TypeError(`attributes must be an object, not ${attributes === null ? "null" : typeof attributes}`);
  }
  const entries = Object.entries(attributes);
  // Check everything before naming anything, so a rejected set leaves no names behind.
  for (const [key, attribute] of entries) {
    if (!(attribute instanceof TypedAttribute)) {
      throw new TypeError(`attributes.${key} must be a TypedAttribute (made by typedAttribute())`);
    }
  }
  for (const [key, attribute] of entries) {
    if (!names.has(attribute)) names.set(attribute, `${name}.${key}`);
  }
  return Object.freeze({ ...attributes });
}

/**
 * What a stream knows about itself: each typed attribute it provides, mapped to a
 * function that returns the attribute's value (called at each lookup, so values can be
 * computed lazily and stay current).
 *
 * @example
 * ```ts
 * import { type TypedAttributeMap, typedAttribute } from "structio";
 *
 * const label = typedAttribute<string>("label");
 * const attributes: TypedAttributeMap = new Map([[label, () => "primary"]]);
 * console.log(attributes.get(label)?.()); // "primary"
 * ```
 */
export type TypedAttributeMap = ReadonlyMap<TypedAttribute<unknown>, () => unknown>;

/**
 * Something that provides typed attributes: every stream and listener. Subclasses
 * override `extraAttributes`; `extra()` looks an attribute up in it.
 *
 * A wrapper must include the attributes of what it wraps (it may override some):
 * `new Map([...this.inner.extraAttributes, [MyAttribute.x, () => this.x]])`. That is
 * what makes a lookup on the outermost wrapper reach every layer.
 *
 * The class has no private state, so the stream interfaces can extend it and any object
 * with these two members satisfies them; extending it just saves writing `extra()`.
 *
 * @example
 * ```ts
 * import { TypedAttributeProvider, type TypedAttributeMap, typedAttribute } from "structio";
 *
 * const answer = typedAttribute<number>("answer");
 *
 * class Oracle extends TypedAttributeProvider {
 *   override get extraAttributes(): TypedAttributeMap {
 *     return new Map([[answer, () => 42]]);
 *   }
 * }
 * console.log(new Oracle().extra(answer)); // 42
 * ```
 */
export abstract class TypedAttributeProvider {
  /**
   * The attributes this object provides, with those of whatever it wraps. The default
   * is none.
   */
  get extraAttributes(): TypedAttributeMap {
    return new Map();
  }

  /**
   * Returns the value of `attribute`, or `defaultValue` when it is not provided (an
   * explicit `undefined` counts as a default). The getter's own errors propagate as
   * they are: a getter that fails is not mistaken for a missing attribute.
   *
   * @throws {TypedAttributeLookupError} if the attribute is not provided and no default
   *   was given.
   * @throws {TypeError} if `attribute` is not a {@link TypedAttribute}.
   *
   * @example
   * ```ts
   * import { createMemoryObjectStream, typedAttribute } from "structio";
   *
   * const tag = typedAttribute<string>("tag");
   * const [send] = createMemoryObjectStream<number>();
   * console.log(send.extra(tag, "none")); // "none": memory streams provide no attributes
   * ```
   */
  extra<T>(attribute: TypedAttribute<T>): T;
  extra<T, D>(attribute: TypedAttribute<T>, defaultValue: D): T | D;
  extra<T, D>(attribute: TypedAttribute<T>, ...defaultValue: [] | [D]): T | D {
    return lookupTypedAttribute(this.extraAttributes, attribute, ...defaultValue);
  }
}

/**
 * The lookup behind {@link TypedAttributeProvider.extra}, for objects that provide
 * attributes without extending the class.
 *
 * @internal
 */
export function lookupTypedAttribute<T, D>(
  attributes: TypedAttributeMap,
  attribute: TypedAttribute<T>,
  ...defaultValue: [] | [D]
): T | D {
  if (!(attribute instanceof TypedAttribute)) {
    throw new TypeError("attribute must be a TypedAttribute (made by typedAttribute())");
  }
  const getter = attributes.get(attribute);
  if (getter === undefined) {
    // The rest parameter's length, not `=== undefined`, tells "no default" apart from an
    // explicit `undefined` default (AnyIO uses a private sentinel for the same reason).
    if (defaultValue.length === 0) {
      throw new TypedAttributeLookupError(`the typed attribute ${attribute.name} is not provided`);
    }
    return defaultValue[0];
  }
  return getter() as T;
}

/**
 * The attributes of several providers in one map; a later provider's entry wins over
 * an earlier one's for the same attribute (a stapled stream lists its send half first,
 * so its receive half wins, as in AnyIO).
 *
 * @internal
 */
export function mergeTypedAttributes(...providers: { readonly extraAttributes: TypedAttributeMap }[]): TypedAttributeMap {
  const merged = new Map<TypedAttribute<unknown>, () => unknown>();
  for (const provider of providers) {
    for (const [attribute, getter] of provider.extraAttributes) merged.set(attribute, getter);
  }
  return merged;
}
