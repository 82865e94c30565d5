/* global document, window, fetch, URLSearchParams, setTimeout, clearTimeout */
/**
 * Member search as you type, for the staff's forms (GET /api/recherche/adherents?q=…, staff
 * only). An `<input data-member-search>` gets a list of proposals under it; choosing one either
 * - goes to `data-go` + the member's customer id (the cheque form's first step), or
 * - writes the member's `data-field` (tiersId by default) into the input whose id is
 *   `data-fill`, and who was chosen into the element `data-chosen` (the share forms).
 * Without this script the pages still work: the cheque form's search answers a choice page, and
 * the share page's search lists members with a link that fills its forms. Elements marked
 * `data-member-picker` are hidden until this script shows them.
 */
(() => {
  'use strict';
  const DELAY_MS = 200;
  let lists = 0;

  for (const el of document.querySelectorAll('[data-member-picker]')) el.hidden = false;
  for (const input of document.querySelectorAll('input[data-member-search]')) setUp(input);

  function setUp(input) {
    const list = document.createElement('ul');
    list.id = `propositions-${++lists}`;
    list.className = 'suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Adhérents proposés');
    list.hidden = true;
    input.after(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');
    // The cheque form needs an account; the share forms take any person (tiers).
    const needsAccount = Boolean(input.dataset.go);
    let timer;
    let members = [];
    let active = -1;
    let asked = '';

    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(lookUp, DELAY_MS);
    });
    input.addEventListener('keydown', (event) => {
      const open = !list.hidden && members.length > 0;
      if (event.key === 'ArrowDown' && open) move(1, event);
      else if (event.key === 'ArrowUp' && open) move(-1, event);
      else if (event.key === 'Escape') close();
      else if (event.key === 'Enter') {
        if (open && active >= 0) {
          event.preventDefault();
          choose(members[active]);
        } else if (input.dataset.fill) event.preventDefault(); // never posts the share form
      }
    });
    input.addEventListener('blur', () => setTimeout(close, DELAY_MS));

    async function lookUp() {
      const q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (q.length < 2 && !/^\d+$/.test(q)) return show([], q);
      const res = await fetch(`/api/recherche/adherents?${new URLSearchParams({ q })}`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      // A later keystroke already asked for something else: this answer is stale.
      if (!res.ok || input.value.trim() !== q) return;
      const found = (await res.json()).members;
      show(needsAccount ? found.filter((m) => m.customerId !== '') : found, q);
    }

    function show(found, q) {
      members = found;
      active = -1;
      list.replaceChildren();
      input.removeAttribute('aria-activedescendant');
      found.forEach((m, i) => {
        const item = document.createElement('li');
        item.id = `${list.id}-${i}`;
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', 'false');
        item.dataset.customer = m.customerId;
        item.dataset.tiers = m.tiersId;
        const name = document.createElement('strong');
        name.textContent = m.name;
        item.append(name, ` — ${describe(m)}`);
        // mousedown, not click: it comes before the input's blur closes the list.
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(m);
        });
        list.append(item);
      });
      if (found.length === 0 && q.length >= 2) {
        const none = document.createElement('li');
        none.className = 'muted';
        none.textContent = `Aucun adhérent ne correspond à « ${q} ».`;
        list.append(none);
      }
      list.hidden = list.childElementCount === 0;
      input.setAttribute('aria-expanded', String(!list.hidden));
    }

    function move(step, event) {
      event.preventDefault();
      active = (active + step + members.length) % members.length;
      for (const [i, item] of [...list.children].entries())
        item.setAttribute('aria-selected', String(i === active));
      input.setAttribute('aria-activedescendant', `${list.id}-${active}`);
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    function choose(m) {
      close();
      if (input.dataset.go) {
        window.location.assign(`${input.dataset.go}${encodeURIComponent(m.customerId)}`);
        return;
      }
      const target = document.getElementById(input.dataset.fill ?? '');
      if (target) target.value = m[input.dataset.field ?? 'tiersId'];
      const chosen = document.getElementById(input.dataset.chosen ?? '');
      if (chosen) chosen.textContent = `Choisi : ${m.name} (${describe(m)})`;
      input.value = m.name;
      asked = m.name;
    }
  }

  /** What tells two namesakes apart: the numbers members know, the e-mail, the login. */
  function describe(m) {
    return [
      m.customerNumber ? `n° client ${m.customerNumber}` : '',
      `n° de tiers ${m.tiersId}`,
      m.email,
      m.login ? `identifiant ${m.login}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
})();
