/** The oldest Node major version Once runs on. */
export declare const REQUIRED_NODE_MAJOR: number;
/** One sentence saying why this Node cannot run Once and what to do, or undefined when it can. */
export declare function requiredNodeMessage(version: string): string | undefined;
