// The held direction from the keyboard (arrow keys or WASD), shared by the demo pages: what an Input's [dx, dy] is.
const KEYS = {
  ArrowLeft: "left", KeyA: "left",
  ArrowRight: "right", KeyD: "right",
  ArrowUp: "up", KeyW: "up",
  ArrowDown: "down", KeyS: "down",
};

/** Starts tracking the held keys on `target` and returns a function giving the direction `[dx, dy]`, unit length or zero. */
export function trackDirection(target = window) {
  const held = new Set();
  const directionOf = (ev) => KEYS[ev.code] || KEYS[ev.key];
  target.addEventListener("keydown", (ev) => {
    const dir = directionOf(ev);
    if (!dir || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    held.add(dir);
    ev.preventDefault();
  });
  target.addEventListener("keyup", (ev) => {
    const dir = directionOf(ev);
    if (!dir) return;
    held.delete(dir);
    ev.preventDefault();
  });
  target.addEventListener("blur", () => held.clear());

  return () => {
    let dx = (held.has("right") ? 1 : 0) - (held.has("left") ? 1 : 0);
    let dy = (held.has("down") ? 1 : 0) - (held.has("up") ? 1 : 0);
    if (dx !== 0 && dy !== 0) {
      dx *= Math.SQRT1_2; // same speed diagonally
      dy *= Math.SQRT1_2;
    }
    return [dx, dy];
  };
}
