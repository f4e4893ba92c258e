// The simulator's plant model (pure physics, Node-only). See pen.ts for the composed plant.
export * from "./rng"
export * from "./motor"
export * from "./strokeSensor"
export * from "./depthActuator"
export * from "./forceSensor"
export * from "./hand"
export * from "./pen"
export * from "./depthFeedback"
