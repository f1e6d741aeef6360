/** A DynamoDB attribute value (JSON wire format) as a plain value, for people to read. */
export function toPlainValue(value: Record<string, unknown>): unknown {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
    case 'B':
      return inner;
    case 'N':
      return Number(inner);
    case 'BOOL':
      return inner;
    case 'NULL':
      return null;
    case 'SS':
    case 'BS':
      return inner;
    case 'NS':
      return (inner as string[]).map(Number);
    case 'L':
      return (inner as Record<string, unknown>[]).map(toPlainValue);
    case 'M':
      return toPlainItem(inner as Record<string, Record<string, unknown>>);
    default:
      return inner;
  }
}

export function toPlainItem(item: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toPlainValue(value)]));
}
