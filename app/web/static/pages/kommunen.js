// Sort the comparison table by a column: a click (or Enter/Space) on its heading.
// The numbers to sort by are the cells' data-value (the server's, unformatted); the
// page asks the server nothing.

const table = document.getElementById("kw-kommunen");

function value(row, index, type) {
  const cell = row.cells[index];
  const raw = cell?.dataset.value ?? "";
  if (type === "number") {
    const number = Number.parseFloat(raw);
    return Number.isFinite(number) ? number : Number.NEGATIVE_INFINITY;
  }
  return raw;
}

function sortBy(header, index) {
  const type = header.dataset.type;
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const other of header.parentElement.children) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = [...body.rows];
  rows.sort((a, b) => {
    const x = value(a, index, type);
    const y = value(b, index, type);
    const order = type === "number" ? x - y : String(x).localeCompare(String(y), "de");
    return ascending ? order : -order;
  });
  body.append(...rows);
}

if (table) {
  [...table.tHead.rows[0].cells].forEach((header, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...header.childNodes);
    header.append(button);
    button.addEventListener("click", () => sortBy(header, index));
  });
}
