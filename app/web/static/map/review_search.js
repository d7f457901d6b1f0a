// The review queue's search: a text field above the list; the queue asks the API with
// `q` beside its own filters, so a reviewer finds a submitted measure by its name.

import { searchField } from "./search.js";

/** Puts the search field under the queue's heading; returns it (for relabelling). */
export function mountQueueSearch(queue, section) {
  const holder = document.createElement("div");
  section.querySelector("h2").after(holder);
  return searchField(holder, {
    value: queue.q,
    onSearch: (text) => {
      queue.q = text;
      queue.cursor = null;
      queue.load(queue.me);
    },
  });
}
