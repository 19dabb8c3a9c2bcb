// Wraps plugins so each hook's wall time is added up per `${plugin}.${hook}` while `timer.on` is
// true: the benches' breakdown of where observe's time goes (see observe-breakdown.mjs).
export function hookTimer() {
  const spent = new Map();
  const timer = {
    on: false,
    spent,
    reset: () => spent.clear(),
    wrap: (plugin) => ({
      ...plugin,
      async init(deps, options) {
        const inst = await plugin.init(deps, options);
        const hooks = inst.hooks ?? {};
        const wrapped = {};
        for (const [which, fn] of Object.entries(hooks)) {
          wrapped[which] = async (recs, ctx) => {
            const t = performance.now();
            try {
              return await fn.call(hooks, recs, ctx);
            } finally {
              if (timer.on)
                spent.set(`${plugin.id}.${which}`, (spent.get(`${plugin.id}.${which}`) ?? 0) + performance.now() - t);
            }
          };
        }
        return { ...inst, hooks: wrapped };
      },
    }),
  };
  return timer;
}
