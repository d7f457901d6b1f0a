// A definition list of labelled facts, shared by the map's popup and the item page;
// empty values are left out rather than shown as blanks.

export function factList(rows, className) {
  const list = document.createElement("dl");
  list.className = className;
  for (const [name, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    list.append(dt, dd);
  }
  return list;
}
