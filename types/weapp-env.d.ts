// The weapp and browser builds have no Node: Taro's DefinePlugin inlines `process.env.TARO_*` at build time, and
// this is the only part of `process` their code may use (Node projects get the real one from @types/node).
declare const process: { env: NodeJS.ProcessEnv }
