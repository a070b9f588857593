// The frame every page is drawn in: who is signed in, the main area, and how a failed call is
// shown (401 signs out, 403 names the role, an unreachable switch gets a banner with Retry).
import { el, notice } from './dom.js';
import { hooks as apiHooks, problemText } from './api.js';

const main = document.getElementById('main');
const banner = document.getElementById('banner');

// me: {id, role, psp} once signed in. signOut and route are the entry point's (console.js).
export const state = { me: null, signOut: () => {}, route: () => {} };

apiHooks.answered = () => { banner.hidden = true; };

export function mainArea() {
  return main;
}

export function show(...nodes) {
  main.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

// What a failed call shows: a refused key signs out, 403 says the role may not, unreachable says so.
export function failure(r) {
  if (r.status === 401 && r.body?.code?.startsWith('SIGNATURE_')) {
    // The key is good; the principal signs its writes (RFC 9421) and the console holds no
    // private key to sign with.
    return notice(`${state.me.id} signs its writes, which the console cannot do: ${problemText(r)}`, true);
  }
  if (r.status === 401) {
    state.signOut(`The switch refused the key: ${problemText(r)}`);
    return null;
  }
  if (r.unreachable) {
    banner.replaceChildren(
      `The switch at ${location.origin} does not answer.`,
      el('button', { type: 'button', class: 'secondary', onclick: () => state.route() }, 'Retry'));
    banner.hidden = false;
    return notice('Unreachable: nothing could be read. Retry when the switch is back.', true);
  }
  if (r.status === 403) {
    return notice(`Not allowed for ${state.me.id} (role ${state.me.role}): ${problemText(r)}`, true);
  }
  return notice(problemText(r), true);
}

export function liveLabel() {
  const label = el('span', { class: 'live', role: 'status', 'aria-live': 'polite' }, 'connecting');
  return {
    node: label,
    set(state) {
      label.textContent = state === 'live' ? 'Live' : `Live updates: ${state}`;
      label.classList.toggle('on', state === 'live');
    },
  };
}
