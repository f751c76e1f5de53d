// What an evidence key says about its number, for the UI's labels and the CLI's status line alike.

/** A number that identifies ("serverVersionNum": 150020): written without thousands separators. */
export const isIdNumberKey = (key: string): boolean => /Num$/.test(key)

/** A share of 1 ("availability", "cacheHitRatio"): shown as a percentage. */
export const isShareKey = (key: string): boolean => /(^a|A)vailability$|(^h|H)itRatio$/.test(key)

/** A share of 1 as a percentage: "100 %", "99.87 %". */
export const shareText = (v: number): string => (v === 1 ? '100 %' : `${(v * 100).toFixed(2)} %`)
