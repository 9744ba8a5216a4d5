// Small DOM helpers: look up an element by id (failing loudly on a typo), build one, read inputs.
export function byId<T extends Element = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id} in index.html`);
  return el as Element as T;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** A number input's value, checked against [min, max]; `what` names it in the error. */
export function numberInput(id: string, what: string, min: number, max: number, integer = false): number {
  const raw = byId<HTMLInputElement>(id).value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${what} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** Lets the browser paint (and handle a Stop click) between two steps of a long task. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function showError(target: HTMLElement, e: unknown): void {
  target.textContent = e instanceof Error ? e.message : String(e);
  target.classList.add('error');
}

export function showInfo(target: HTMLElement, text: string): void {
  target.textContent = text;
  target.classList.remove('error');
}
