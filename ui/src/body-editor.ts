// The body editor: CodeMirror 6 with the proofreading findings marked in
// place. Marks move with the text as the user types, until the next check
// replaces them.

import { history, historyKeymap, defaultKeymap, undo, redo } from "@codemirror/commands";
import { EditorState, StateEffect, StateField, type Range } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  WidgetType,
  keymap,
  placeholder,
} from "@codemirror/view";

export interface Mark {
  from: number;
  to: number;
  severity: "info" | "warning" | "error";
  /** Index of the finding in the panel, for clicks on the mark. */
  index: number;
}

const setMarks = StateEffect.define<Mark[]>();

const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setMarks)) continue;
      const length = tr.state.doc.length;
      const ranges: Range<Decoration>[] = [];
      for (const mark of effect.value) {
        const from = Math.min(mark.from, length);
        const to = Math.min(Math.max(mark.to, from), length);
        // An empty span (a missing mark) still shows as a point.
        const decoration =
          to > from
            ? Decoration.mark({
                class: `finding finding-${mark.severity}`,
                attributes: { "data-finding": String(mark.index) },
              })
            : Decoration.widget({ widget: new MissingMark(mark), side: 1 });
        ranges.push(decoration.range(from, to > from ? to : from));
      }
      marks = Decoration.set(ranges, true);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

class MissingMark extends WidgetType {
  constructor(readonly mark: Mark) {
    super();
  }
  eq(other: MissingMark) {
    return other.mark.index === this.mark.index && other.mark.severity === this.mark.severity;
  }
  toDOM() {
    const span = document.createElement("span");
    span.className = `finding-point finding-${this.mark.severity}`;
    span.dataset.finding = String(this.mark.index);
    span.textContent = "‸";
    return span;
  }
}

const setCited = StateEffect.define<number | null>();

/** The body line a summary citation points at, highlighted. */
const citedField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(cited, tr) {
    cited = cited.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setCited)) continue;
      if (effect.value === null || effect.value >= tr.state.doc.lines) {
        cited = Decoration.none;
      } else {
        const line = tr.state.doc.line(effect.value + 1);
        cited = Decoration.set([Decoration.line({ class: "cm-cited" }).range(line.from)]);
      }
    }
    return cited;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export class BodyEditor {
  readonly view: EditorView;
  private quiet = false;

  constructor(parent: HTMLElement, text: string, onChange: (text: string) => void) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "正文", spellcheck: "false", lang: "zh-CN" }),
          placeholder("在此输入正文，每段一行。“一、”“（一）”“1.”“（1）”开头的行是各级标题。"),
          marksField,
          citedField,
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !this.quiet) onChange(this.text);
          }),
        ],
      }),
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the whole text (opening or restoring a revision): not an edit
   * the user made, so it does not report a change. */
  setText(text: string): void {
    this.quiet = true;
    try {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    } finally {
      this.quiet = false;
    }
  }

  setMarks(marks: Mark[]): void {
    this.view.dispatch({ effects: setMarks.of(marks) });
  }

  /** The text at a range, to check a fix still applies to what was flagged. */
  slice(from: number, to: number): string {
    return this.view.state.doc.sliceString(from, to);
  }

  /** Applies fixes as one undoable edit. Ranges are in the current text. */
  replace(changes: { from: number; to: number; insert: string }[]): void {
    this.view.dispatch({ changes, userEvent: "input.fix" });
  }

  /** Selects a range and scrolls it into view. */
  reveal(from: number, to: number): void {
    this.view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
    this.view.focus();
  }

  /** Highlights a line (0-based) and scrolls it into view. */
  highlightLine(line: number): void {
    const doc = this.view.state.doc;
    if (line >= doc.lines) return;
    const at = doc.line(line + 1);
    this.view.dispatch({
      effects: [setCited.of(line), EditorView.scrollIntoView(at.from, { y: "center" })],
      selection: { anchor: at.from },
    });
  }

  /** Inserts text at the cursor, replacing the selection. */
  insert(text: string): void {
    this.view.dispatch(this.view.state.replaceSelection(text));
  }

  selection(): { from: number; to: number; text: string } {
    const { from, to } = this.view.state.selection.main;
    return { from, to, text: this.slice(from, to) };
  }

  undo(): void {
    undo(this.view);
  }

  redo(): void {
    redo(this.view);
  }

  destroy(): void {
    this.view.destroy();
  }
}
