export { printGeneratedFiles, type GeneratedFile } from "./print-generated-files.js";
export { printStub } from "./stub-printer.js";
export { descriptorsPathFor, type PrintOptions } from "./print-context.js";
export { relativeModuleSpecifier, type ImportExtensionStyle } from "./module-specifier.js";
