// Dense ids for repeated strings, so large tables (the sim's stores, the model's executions) keep one copy of each.

export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
  lookup(s: string): number | undefined {
    return this.ids.get(s);
  }
}
