export * from './contract/index'
export * from './plan/plan'
