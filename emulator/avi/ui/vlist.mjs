// A virtualised list: fixed-height rows, only those in (and just around) the visible window are in the DOM, so a
// pool of 5,000 servers or a VRF of 10,000 routes costs the same to draw as a screenful.

const OVERSCAN = 6;

/**
 * createVirtualList({rowHeight, maxHeight, renderRow(item, index) -> HTMLElement, empty})
 * -> {element, setItems(items), items()}
 */
export function createVirtualList({ rowHeight, maxHeight, renderRow, empty = "nothing here" }) {
  const root = document.createElement("div");
  root.className = "vlist";
  const canvas = document.createElement("div");
  canvas.className = "vlist-canvas";
  const placeholder = document.createElement("div");
  placeholder.className = "vlist-empty";
  placeholder.textContent = empty;
  root.append(canvas);
  let items = [];
  let frame = 0;
  // Kept from scroll events: reading scrollTop while drawing would force a layout for every list on the page.
  let top = 0;

  const draw = () => {
    frame = 0;
    const total = items.length * rowHeight;
    placeholder.hidden = items.length > 0;
    if (items.length === 0 && !placeholder.isConnected) root.append(placeholder);
    canvas.style.height = `${total}px`;
    root.style.height = `${Math.min(total, maxHeight)}px`;
    const view = Math.min(total, maxHeight);
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((top + view) / rowHeight) + OVERSCAN);
    const rows = [];
    for (let i = first; i < last; i++) {
      const row = renderRow(items[i], i);
      row.classList.add("vrow");
      row.style.top = `${i * rowHeight}px`;
      row.style.height = `${rowHeight}px`;
      rows.push(row);
    }
    canvas.replaceChildren(...rows);
  };
  root.addEventListener(
    "scroll",
    () => {
      top = root.scrollTop;
      if (!frame) frame = requestAnimationFrame(draw);
    },
    { passive: true },
  );
  return {
    element: root,
    setItems(next) {
      items = next;
      const max = Math.max(0, items.length * rowHeight - maxHeight);
      if (top > max) {
        top = max;
        root.scrollTop = max;
      }
      draw();
    },
    items: () => items,
  };
}
