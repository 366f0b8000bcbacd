export { memoryStore, MemoryStore } from "./memory-store.js";
