/**
 * The theory page: three classic results of GAN theory as interactive sections, one tab each
 * (the URL's hash names it: #xy, #dirac, #js). Every number comes from `src/theory/`.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { DiracGanView } from './dirac-gan-view.ts';
import { JsW1View } from './js-w1-view.ts';
import { XyGameView } from './xy-game-view.ts';

const TABS = {
  xy: { title: 'the x·y game', view: XyGameView },
  dirac: { title: 'Dirac-GAN', view: DiracGanView },
  js: { title: 'JS vs W1', view: JsW1View },
} as const;
type Tab = keyof typeof TABS;
const TAB_NAMES = Object.keys(TABS) as Tab[];

const tabOf = (hash: string): Tab => TAB_NAMES.find((t) => `#${t}` === hash) ?? 'xy';

/** The whole page. */
export function TheoryApp() {
  const [tab, setTab] = useState<Tab>(() => tabOf(location.hash));
  useEffect(() => {
    const follow = () => setTab(tabOf(location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const View = TABS[tab].view;
  return html`<main class="lab theory">
    <header>
      <h1>saddlepoint theory</h1>
      <nav class="tabs" role="tablist">
        ${TAB_NAMES.map(
          (t) => html`<a href=${`#${t}`} role="tab" aria-selected=${t === tab} class=${t === tab ? 'tab on' : 'tab'} data-testid=${`tab-${t}`}>${TABS[t].title}</a>`,
        )}
      </nav>
      <a href="./" class="badge">lab →</a>
    </header>
    <${View} />
  </main>`;
}
