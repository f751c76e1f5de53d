// The size-per-folder chart's data: one unit for the whole axis, so the bars and the axis label agree.
import type { FolderTotal } from './inventory-selectors'

/** One unit for a whole chart axis, chosen from its largest value: B, KB, MB or GB. */
export function sizeScale(maxBytes: number): { unit: string; divisor: number } {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (i < units.length - 1 && maxBytes >= 1024 ** (i + 1)) i++
  return { unit: units[i]!, divisor: 1024 ** i }
}

export function folderChartData(byFolder: readonly FolderTotal[]): {
  unit: string
  rows: { folder: string; size: number; bytes: number }[]
} {
  const { unit, divisor } = sizeScale(Math.max(0, ...byFolder.map((f) => f.bytes)))
  return {
    unit,
    rows: byFolder.map((f) => ({
      folder: f.folder === '.' ? '.claude/ (top level)' : f.folder,
      size: Math.round((f.bytes / divisor) * 100) / 100,
      bytes: f.bytes,
    })),
  }
}
