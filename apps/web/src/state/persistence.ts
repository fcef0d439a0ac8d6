// Designs are saved to the server a moment after each change, with their
// layout, so that a reload (or another browser) finds them as they were.
import { api, errorText } from '../api.ts';
import type { Positions } from '@hearth/design';
import { readImport } from '../io/import.ts';
import { session, useDesign } from './design.ts';
import { bindRunToDesign } from './live.ts';

let timer: ReturnType<typeof setTimeout> | null = null;
let saving: Promise<void> | null = null;

export async function openDesign(id: string): Promise<void> {
  const design = await api.designs.get.query({ design: id });
  const layout = design.layout as { positions?: Positions } | null;
  useDesign.getState().load({
    id: design.id,
    name: design.name,
    text: design.template,
    environment: design.environment,
    files: design.files,
    ...(layout?.positions ? { positions: layout.positions } : {}),
  });
  setDesignInAddress(design.id);
  await bindRunToDesign();
}

/** Opens templates chosen or dropped from disk as a new, unsaved design; false (with a notice) when they are not one. */
export async function openImport(files: FileList | File[]): Promise<boolean> {
  try {
    const d = await readImport(files);
    useDesign.getState().load({
      id: null,
      name: d.name,
      text: d.template,
      environment: d.environment,
      files: d.files,
      ...(d.positions ? { positions: d.positions } : {}),
    });
    useDesign.getState().setSaveState('unsaved');
    setDesignInAddress(null);
    void bindRunToDesign();
    return true;
  } catch (error) {
    useDesign.getState().notify('error', error instanceof Error ? error.message : String(error));
    return false;
  }
}

export function setDesignInAddress(id: string | null): void {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set('design', id);
  else url.searchParams.delete('design');
  window.history.replaceState(null, '', url);
}

async function saveNow(): Promise<void> {
  session.flush();
  const s = useDesign.getState();
  s.setSaveState('saving');
  try {
    const saved = await api.designs.save.mutate({
      ...(s.designId ? { id: s.designId } : {}),
      name: s.designName.trim() || 'Untitled',
      template: s.text,
      environment: s.environment,
      layout: JSON.parse(JSON.stringify({ positions: s.positions })) as Parameters<typeof api.designs.save.mutate>[0]['layout'],
      files: s.files,
    });
    const now = useDesign.getState();
    if (!now.designId) setDesignInAddress(saved.id);
    // A first save may have been given a free name ("web (2)"): the design takes it, unless renamed meanwhile.
    now.setDesign(saved.id, !s.designId && now.designName === s.designName ? saved.name : now.designName);
    // Changes made while saving (to anything saved) are saved by the next round.
    if (sameSaved(now, s)) now.setSaveState('saved');
    else schedule();
  } catch (error) {
    useDesign.getState().setSaveState('error');
    useDesign.getState().notify('error', `The design could not be saved: ${errorText(error)}`);
  }
}

type Saved = Pick<ReturnType<typeof useDesign.getState>, 'text' | 'environment' | 'files' | 'positions' | 'designName'>;

/** Whether two states save the same design: every part a save writes is the same. */
function sameSaved(a: Saved, b: Saved): boolean {
  return (
    a.text === b.text &&
    a.environment === b.environment &&
    a.files === b.files &&
    a.positions === b.positions &&
    a.designName === b.designName
  );
}

/**
 * Saves in half a second (the changes meanwhile go with it), or at once. While the newest text is still
 * being read (edits are coming), the save waits one more half second, after which it reads the text here.
 */
function schedule(delay = 500, waited = false): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    // (The reading, when it comes, changes the design, which schedules the save afresh.)
    if (delay > 0 && !waited && session.readingDue) {
      schedule(delay, true);
      return;
    }
    saving = (saving ?? Promise.resolve()).then(saveNow);
  }, delay);
}

/** The design's id, saving it first when it has none yet (a stack deployed from it is bound to it). */
export async function saveDesignNow(): Promise<string> {
  // In the autosave's queue: two first saves at once would make two designs.
  saving = (saving ?? Promise.resolve()).then(async () => {
    if (!useDesign.getState().designId) await saveNow();
  });
  await saving;
  const id = useDesign.getState().designId;
  if (!id) throw new Error('The design could not be saved, so a stack cannot be bound to it.');
  return id;
}

/** Whether the page holds changes the server does not have yet (waiting to be saved, being saved, or not saved). */
function holdsUnsavedChanges(): boolean {
  return useDesign.getState().saveState !== 'saved';
}

/**
 * Saves whenever the design changes; returns the function that stops it. A page hidden with a save
 * waiting saves at once, and the browser asks before leaving a page whose changes are not saved (a
 * reload or a closed tab within the half second, while the server is away, or while a save fails).
 */
export function startAutosave(): () => void {
  const unsubscribe = useDesign.subscribe((state, previous) => {
    if (state.saveState === 'unsaved' && (!sameSaved(state, previous) || previous.saveState !== 'unsaved')) schedule();
  });
  const onHidden = () => {
    if (document.visibilityState === 'hidden' && timer) schedule(0);
  };
  const onLeave = (event: BeforeUnloadEvent) => {
    if (holdsUnsavedChanges()) event.preventDefault();
  };
  document.addEventListener('visibilitychange', onHidden);
  window.addEventListener('beforeunload', onLeave);
  return () => {
    unsubscribe();
    document.removeEventListener('visibilitychange', onHidden);
    window.removeEventListener('beforeunload', onLeave);
  };
}
