/**
 * Typed attributes: unique typed keys, sets that name them, lookup with and without a
 * default, getters whose errors are not mistaken for a missing attribute, and the
 * (empty) attributes of memory object streams.
 */
import assert from "node:assert/strict";
import { describe, test } from "../harness/registry.ts";
import { thrownBy } from "../harness/helpers.ts";
import { createMemoryObjectStream } from "../../src/index.ts";
import { TypedAttributeLookupError } from "../../src/core/errors.ts";
import {
  TypedAttribute,
  typedAttribute,
  type TypedAttributeMap,
  TypedAttributeProvider,
  typedAttributeSet,
} from "../../src/streams/index.ts";

/** A provider of fixed attributes, as a stream would be. */
class Provider extends TypedAttributeProvider {
  readonly #attributes: TypedAttributeMap;

  constructor(attributes: TypedAttributeMap) {
    super();
    this.#attributes = attributes;
  }

  override get extraAttributes(): TypedAttributeMap {
    return this.#attributes;
  }
}

describe("streams/typed attributes", () => {
  test("each typedAttribute() is a distinct key, even with the same name", () => {
    const a = typedAttribute<string>("same");
    const b = typedAttribute<string>("same");
    assert.ok(a instanceof TypedAttribute);
    assert.notEqual(a, b);
    const provider = new Provider(new Map([[a, () => "a's value"]]));
    assert.equal(provider.extra(a), "a's value");
    assert.equal(provider.extra(b, "missing"), "missing");
    assert.equal(a.name, "same");
    assert.equal(String(a), "TypedAttribute(same)");
  });

  test("an attribute without a name is anonymous", () => {
    assert.equal(typedAttribute<number>().name, "anonymous");
  });

  test("typedAttribute rejects a name that is not a string, naming the argument", () => {
    assert.throws(() => typedAttribute(42 as unknown as string), { name: "TypeError", message: /^name must be a string/ });
  });

  test("typedAttributeSet names its unnamed attributes after the set and key, and freezes a copy", () => {
    const explicit = typedAttribute<string>("explicitName");
    const input = { host: typedAttribute<string>(), port: typedAttribute<number>(), explicit };
    const NetAttribute = typedAttributeSet("NetAttribute", input);
    assert.equal(NetAttribute.host.name, "NetAttribute.host");
    assert.equal(NetAttribute.port.name, "NetAttribute.port");
    assert.equal(NetAttribute.explicit.name, "explicitName");
    assert.equal(NetAttribute.host, input.host);
    assert.notEqual(NetAttribute, input);
    assert.ok(Object.isFrozen(NetAttribute));
    assert.ok(!Object.isFrozen(input));
  });

  test("an attribute keeps the name of the first set it was put in", () => {
    const First = typedAttributeSet("First", { x: typedAttribute<boolean>() });
    const Second = typedAttributeSet("Second", { y: First.x });
    assert.equal(Second.y.name, "First.x");
  });

  test("typedAttributeSet rejects a value that is not an attribute, naming the key, and names nothing", () => {
    const ok = typedAttribute<string>();
    assert.throws(
      () => typedAttributeSet("Broken", { ok, stray: "not an attribute" } as unknown as Record<string, TypedAttribute<unknown>>),
      { name: "TypeError", message: /^attributes\.stray must be a TypedAttribute/ },
    );
    assert.equal(ok.name, "anonymous");
  });

  test("typedAttributeSet rejects a bad name or attributes object", () => {
    const attrs = { a: typedAttribute<string>() };
    assert.throws(() => typedAttributeSet("", attrs), { name: "TypeError", message: /^name must be/ });
    assert.throws(() => typedAttributeSet(7 as unknown as string, attrs), { name: "TypeError", message: /^name must be/ });
    assert.throws(
      () => typedAttributeSet("Set", null as unknown as Record<string, TypedAttribute<unknown>>),
      { name: "TypeError", message: /^attributes must be an object, not null/ },
    );
  });

  test("extra() calls the getter at each lookup, so values stay current", () => {
    const counter = typedAttribute<number>("counter");
    let value = 1;
    const provider = new Provider(new Map([[counter, () => value]]));
    assert.equal(provider.extra(counter), 1);
    value = 2;
    assert.equal(provider.extra(counter), 2);
    assert.equal(provider.extra(counter, 99), 2);
  });

  test("a missing attribute without a default raises TypedAttributeLookupError naming it", async () => {
    const Attr = typedAttributeSet("Attr", { missing: typedAttribute<string>() });
    const error = await thrownBy(() => new Provider(new Map()).extra(Attr.missing));
    assert.ok(error instanceof TypedAttributeLookupError);
    assert.equal(error.name, "TypedAttributeLookupError");
    assert.match(error.message, /Attr\.missing/);
  });

  test("a default is returned for a missing attribute, an explicit undefined included", () => {
    const missing = typedAttribute<string>("missing");
    const provider = new Provider(new Map());
    assert.equal(provider.extra(missing, "fallback"), "fallback");
    assert.equal(provider.extra(missing, null), null);
    assert.equal(provider.extra(missing, undefined), undefined);
  });

  test("a getter's own error propagates: it is neither a lookup error nor replaced by the default", () => {
    const broken = typedAttribute<string>("broken");
    const provider = new Provider(
      new Map([[broken, () => {
        throw new RangeError("the getter failed");
      }]]),
    );
    assert.throws(() => provider.extra(broken), { name: "RangeError", message: "the getter failed" });
    assert.throws(() => provider.extra(broken, "default"), { name: "RangeError", message: "the getter failed" });
  });

  test("a value that is not an attribute is a TypeError naming the argument", () => {
    const provider = new Provider(new Map());
    assert.throws(
      () => provider.extra("host" as unknown as TypedAttribute<string>),
      { name: "TypeError", message: /^attribute must be a TypedAttribute/ },
    );
    assert.throws(
      () => provider.extra({} as unknown as TypedAttribute<string>, "default"),
      { name: "TypeError", message: /^attribute must be a TypedAttribute/ },
    );
  });

  test("memory object streams provide no attributes of their own", async () => {
    const attr = typedAttribute<string>("anything");
    const [send, receive] = createMemoryObjectStream<number>();
    for (const end of [send, receive]) {
      assert.equal(end.extraAttributes.size, 0);
      assert.equal(end.extra(attr, "default"), "default");
      assert.ok((await thrownBy(() => end.extra(attr))) instanceof TypedAttributeLookupError);
    }
    send.close();
    receive.close();
  });

  test("a subclass adds to and overrides the attributes of its superclass", () => {
    const Attr = typedAttributeSet("Attr", { a: typedAttribute<string>(), b: typedAttribute<string>() });
    class Base extends TypedAttributeProvider {
      override get extraAttributes(): TypedAttributeMap {
        return new Map([[Attr.a, () => "base a"], [Attr.b, () => "base b"]]);
      }
    }
    class Derived extends Base {
      override get extraAttributes(): TypedAttributeMap {
        return new Map([...super.extraAttributes, [Attr.b, () => "derived b"]]);
      }
    }
    const derived = new Derived();
    assert.equal(derived.extra(Attr.a), "base a");
    assert.equal(derived.extra(Attr.b), "derived b");
  });

  test("lookups are typed by the attribute (checked by tsc)", () => {
    const port = typedAttribute<number>("port");
    const provider = new Provider(new Map([[port, () => 8080]]));
    const value: number = provider.extra(port);
    const withDefault: number | null = provider.extra(port, null);
    // @ts-expect-error: a number attribute does not give a string.
    const _wrong: string = provider.extra(port);
    // @ts-expect-error: the default widens the type, so it is no longer just a number.
    const _wrongDefault: number = provider.extra(port, "none");
    // A narrower attribute serves where a wider one is expected (the key is covariant).
    const literal = typedAttribute<"a" | "b">("literal");
    const wider: TypedAttribute<string> = literal;
    assert.equal(value, 8080);
    assert.equal(withDefault, 8080);
    assert.equal(wider, literal);
  });
});
