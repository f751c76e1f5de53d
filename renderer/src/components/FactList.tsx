// The label/value strip under a screen's title (Schema, Inventory).
export interface Fact {
  key: string
  label: string
  text: string
}

export function FactList({ facts, testId }: { facts: readonly Fact[]; testId: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      {facts.map((f) => (
        <div key={f.key} data-testid={`${testId.replace(/s$/, '')}-${f.key}`}>
          <dt>{f.label}</dt>
          <dd>{f.text}</dd>
        </div>
      ))}
    </dl>
  )
}
