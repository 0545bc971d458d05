/** Types of scripts/deploymentPackage.mjs (plain JavaScript so that azd's `npm run package` needs no build). */
export declare const ENTRY: string;
export declare const PROJECT_FILES: string[];
export declare function appModules(root?: string, entry?: string): string[];
export declare function packageFiles(root?: string): string[];
export declare function stage(options?: { root?: string; out?: string; install?: boolean }): string;
export declare function funcignoreFiles(root?: string, files?: string[]): Promise<string[]>;
