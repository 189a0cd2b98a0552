// mingo publishes its subpaths (mingo/core, mingo/operators/...) through package.json "exports", which this
// project's moduleResolution ("node") does not read; their declarations are the package's own.
declare module 'mingo/core' {
  export * from 'mingo/types/core'
}
declare module 'mingo/operators/expression/boolean' {
  export * from 'mingo/types/operators/expression/boolean'
}
declare module 'mingo/operators/expression/comparison' {
  export * from 'mingo/types/operators/expression/comparison'
}
declare module 'mingo/operators/projection' {
  export * from 'mingo/types/operators/projection'
}
declare module 'mingo/operators/query' {
  export * from 'mingo/types/operators/query'
}
