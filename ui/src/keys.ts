// Keyboard handling that respects Chinese input methods: while an IME is
// composing (pinyin in the candidate window), Enter picks a candidate and
// must never submit, save or run a command. WebKit reports composition on
// keydown as isComposing, or as keyCode 229 for the key that ends it.

/** Whether this key event belongs to an input method's composition. */
export function isComposing(event: KeyboardEvent): boolean {
  return event.isComposing || event.keyCode === 229;
}

/** Ctrl (or ⌘) + `key`, outside composition. */
export function isShortcut(event: KeyboardEvent, key: string): boolean {
  return !isComposing(event) && (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === key;
}

/** Enter (without Shift) outside composition: submits a one-line field. */
export function isSubmitEnter(event: KeyboardEvent): boolean {
  return !isComposing(event) && event.key === "Enter" && !event.shiftKey;
}
