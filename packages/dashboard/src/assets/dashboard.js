// @elarion/dashboard's only script. The pages work without it; it keeps an open page current by
// re-reading the page's live part (#live) every data-refresh-ms, while the tab is visible and the
// operator is not using a control inside it. Plain browser JavaScript, no build step.
(() => {
  "use strict";
  const live = document.getElementById("live");
  const interval = Number(document.body.dataset.refreshMs);
  const toggle = document.getElementById("auto-refresh");
  const stamp = document.getElementById("refreshed");
  const storageKey = "elarion-dashboard:auto-refresh";

  // After an action the address carries its notice; drop it so a reload does not show it again.
  const url = new URL(location.href);
  if (url.searchParams.has("notice")) {
    url.searchParams.delete("notice");
    url.searchParams.delete("subject");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  if (live === null || !(interval > 0)) return;

  if (toggle !== null) {
    toggle.checked = localStorage.getItem(storageKey) !== "off";
    toggle.addEventListener("change", () => {
      localStorage.setItem(storageKey, toggle.checked ? "on" : "off");
      if (toggle.checked) void refresh(); // never rejects: it reports failures on the page
    });
  }

  let busy = false;
  let shown = null;
  // A button being pressed or text being selected (an id to copy) must not be swapped away.
  let pressing = false;
  live.addEventListener("pointerdown", () => {
    pressing = true;
  });
  document.addEventListener("pointerup", () => setTimeout(() => (pressing = false), 0));
  const selecting = () => {
    const selection = document.getSelection();
    return selection !== null && !selection.isCollapsed && live.contains(selection.anchorNode);
  };

  function say(text, stale) {
    if (stamp === null) return;
    stamp.textContent = text;
    stamp.classList.toggle("stale", stale);
  }

  async function refresh() {
    if (busy || document.hidden || (toggle !== null && !toggle.checked)) return;
    // Never swap the table under a focused control (a button being pressed with the keyboard).
    if (
      document.activeElement !== null &&
      document.activeElement !== document.body &&
      live.contains(document.activeElement)
    )
      return;
    busy = true;
    try {
      const response = await fetch(location.href, {
        headers: { "x-elarion-fragment": "live" },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (!response.ok) {
        say(`refresh failed (HTTP ${response.status})`, true);
        return;
      }
      const text = await response.text();
      if (pressing || selecting()) return;
      if (text !== shown) {
        live.innerHTML = text;
        shown = text;
      }
      say(`as of ${new Date().toISOString().slice(11, 19)} UTC`, false);
    } catch {
      say("refresh failed (no answer)", true);
    } finally {
      busy = false;
    }
  }

  setInterval(refresh, interval);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) void refresh();
  });
})();
