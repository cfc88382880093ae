import type { ExportFormat } from '@once/protocol';
import { type ReactNode, useEffect, useRef } from 'react';

/** Props of {@link ExportMenu}. */
export interface ExportMenuProps {
  readonly conversationId: string;
}

const CHOICES: readonly { readonly format: ExportFormat; readonly label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
  { format: 'events', label: 'Events (NDJSON)' },
];

/**
 * The conversation header's Export menu: each choice is a plain link to the daemon's
 * export endpoint, which answers with `Content-Disposition: attachment`, so the browser
 * saves the file as it streams in, however long the conversation, without holding it in
 * the page. The page is served by the daemon it talks to and sends no token, so a link
 * carries everything the request needs. A choice, a click elsewhere or Escape closes it.
 */
export function ExportMenu({ conversationId }: ExportMenuProps): ReactNode {
  const menu = useRef<HTMLDetailsElement>(null);
  const path = `/v1/conversations/${encodeURIComponent(conversationId)}/export`;
  const close = () => closeMenu(menu.current);

  useEffect(() => {
    const closeOutside = (event: PointerEvent) => {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) closeMenu(menu.current);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !menu.current?.open) return;
      // Handled here: the event inspector, which also listens for Escape, stays open.
      event.preventDefault();
      closeMenu(menu.current);
      menu.current.querySelector('summary')?.focus();
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, []);

  return (
    <details ref={menu} className="shell-export">
      <summary>Export</summary>
      <ul aria-label="Export as">
        {CHOICES.map(({ format, label }) => (
          <li key={format}>
            <a href={`${path}?format=${format}`} download onClick={close}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

function closeMenu(menu: HTMLDetailsElement | null): void {
  if (menu !== null) menu.open = false;
}
