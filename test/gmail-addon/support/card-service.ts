import sinon from "sinon";

// A fake of Apps Script's CardService: every newX() is a recording builder; its setters record and return
// the builder, and build() gives what was recorded as plain JSON, so tests read cards as data.

export type Json = { [key: string]: unknown };
const RECORDS = new WeakMap<object, Json>();

function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const record = RECORDS.get(value);
  if (record) return snapshot(record);
  if (Array.isArray(value)) return value.map(snapshot);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function record(data: Json, method: string, args: unknown[]): void {
  const push = (field: string, ...items: unknown[]) => {
    const list = (data[field] ??= []) as unknown[];
    list.push(...items);
  };
  if (method.startsWith("set")) data[lowerFirst(method.slice(3))] = args.length <= 1 ? args[0] : args;
  else if (method === "addItem") push("items", { text: args[0], value: args[1], selected: args[2] });
  else if (method === "addSuggestions") push("suggestions", ...(args[0] as unknown[]));
  else if (method.startsWith("add")) push(`${lowerFirst(method.slice(3))}s`, args[0]);
  else data[method] = args.length === 0 ? true : args.length === 1 ? args[0] : args;
}

function builder(kind: string): object {
  const data: Json = { kind };
  const proxy: object = new Proxy(
    {},
    {
      get(_target, prop) {
        // Not a thenable: the add-on's promises would otherwise try to adopt a builder.
        if (typeof prop !== "string" || prop === "then") return undefined;
        if (prop === "build") {
          return () => {
            if (kind === "Card" && !(data.sections as unknown[] | undefined)?.length) throw new Error("Card must contain at least one section.");
            return snapshot(data);
          };
        }
        return (...args: unknown[]) => {
          record(data, prop, args);
          return proxy;
        };
      },
    },
  );
  RECORDS.set(proxy, data);
  return proxy;
}

const enumeration = () => new Proxy({}, { get: (_t, key) => (typeof key === "string" ? key : undefined) });

export function fakeCardService(): Record<string, unknown> {
  const factories = new Map<string, sinon.SinonSpy>();
  return new Proxy(
    {},
    {
      get(_target, prop) {
        if (typeof prop !== "string") return undefined;
        if (!prop.startsWith("new")) return enumeration();
        let factory = factories.get(prop);
        if (!factory) {
          factory = sinon.spy(() => builder(prop.slice(3).replace(/Builder$/, "")));
          factories.set(prop, factory);
        }
        return factory;
      },
    },
  );
}
