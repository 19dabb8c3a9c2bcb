// Wraps plugins so each hook's wall time is added up per `${plugin}.${hook}` while `timer.on` is
// true, and its CPU time (every thread of the process, so a hook's database work on the driver's
// thread counts) in `cpu`: the benches' breakdown of where observe's time goes (see observe-breakdown.mjs).
export function hookTimer() {
  const spent = new Map();
  const cpu = new Map();
  const timer = {
    on: false,
    spent,
    cpu,
    reset: () => {
      spent.clear();
      cpu.clear();
    },
    wrap: (plugin) => ({
      ...plugin,
      async init(deps, options) {
        const inst = await plugin.init(deps, options);
        const hooks = inst.hooks ?? {};
        const wrapped = {};
        for (const [which, fn] of Object.entries(hooks)) {
          wrapped[which] = async (recs, ctx) => {
            const t = performance.now();
            const c = process.cpuUsage();
            try {
              return await fn.call(hooks, recs, ctx);
            } finally {
              if (timer.on) {
                const k = `${plugin.id}.${which}`;
                const used = process.cpuUsage(c);
                spent.set(k, (spent.get(k) ?? 0) + performance.now() - t);
                cpu.set(k, (cpu.get(k) ?? 0) + (used.user + used.system) / 1000);
              }
            }
          };
        }
        return { ...inst, hooks: wrapped };
      },
    }),
  };
  return timer;
}
