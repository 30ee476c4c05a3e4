// measure.mjs: memory figures for one child process. Importing it installs
// hooks on WebAssembly's constructors so that every wasm memory a library
// creates (exported by its instance, or made with `new WebAssembly.Memory`)
// can be read back; import it before any library.

const memories = new Set();

function collect(instance) {
  for (const v of Object.values(instance.exports)) {
    if (v instanceof WebAssembly.Memory) memories.add(v);
  }
}

const NativeInstance = WebAssembly.Instance;
const NativeMemory = WebAssembly.Memory;
WebAssembly.Instance = new Proxy(NativeInstance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    collect(instance);
    return instance;
  },
});
WebAssembly.Memory = new Proxy(NativeMemory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget);
    memories.add(memory);
    return memory;
  },
});
for (const name of ['instantiate', 'instantiateStreaming']) {
  const native = WebAssembly[name];
  if (!native) continue;
  WebAssembly[name] = async function (...args) {
    const result = await native.apply(this, args);
    collect(result instanceof NativeInstance ? result : result.instance);
    return result;
  };
}

// wasmBytes: the current size of every wasm memory seen so far.
export function wasmBytes() {
  let total = 0;
  for (const m of memories) total += m.buffer.byteLength;
  return total;
}

// settle runs the garbage collector (the child runs with --expose-gc) so
// that heap figures count live objects only.
export function settle() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
  globalThis.gc();
}

export function memory() {
  settle();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, wasm: wasmBytes() };
}

export function timed(fn) {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}
